import { type KeyProtectedData, sealedColumn } from '../db/key-protected.ts';
import { sealedAssociatedData, sealedPurposes } from './sealed-fields.ts';

/** The vault's data under the master keys: sealed file names, file metadata, block hashes of unencrypted originals and album names (sealed-fields.ts). */
export const vaultKeyProtected: KeyProtectedData = {
  sealedColumns: [
    sealedColumn({ table: 'vault_files', idColumn: 'id', column: 'name_sealed', purpose: sealedPurposes.fileName, associatedData: sealedAssociatedData.fileName }),
    sealedColumn({ table: 'vault_files', idColumn: 'id', column: 'metadata_sealed', purpose: sealedPurposes.fileMetadata, associatedData: sealedAssociatedData.fileMetadata }),
    sealedColumn({ table: 'vault_plain_blocks', idColumn: 'file_id', column: 'hashes_sealed', purpose: sealedPurposes.fileBlocks, associatedData: sealedAssociatedData.fileBlocks }),
    sealedColumn({ table: 'vault_albums', idColumn: 'id', column: 'name_sealed', purpose: sealedPurposes.albumName, associatedData: sealedAssociatedData.albumName }),
  ],
};
