import { type KeyProtectedData, sealedColumn } from '../db/key-protected.ts';
import { sealedAssociatedData, sealedPurposes } from './sealed-fields.ts';

/** The vault's sealed file names, file metadata and album names (sealed-fields.ts): under the studio's data key, or the master key while an older release's values await re-sealing; the block hashes of unencrypted originals under the master key. */
export const vaultKeyProtected: KeyProtectedData = {
  sealedColumns: [
    sealedColumn({ table: 'vault_files', idColumn: 'id', column: 'name_sealed', studioColumn: 'studio_id', purpose: sealedPurposes.fileName, associatedData: sealedAssociatedData.fileName }),
    sealedColumn({ table: 'vault_files', idColumn: 'id', column: 'metadata_sealed', studioColumn: 'studio_id', purpose: sealedPurposes.fileMetadata, associatedData: sealedAssociatedData.fileMetadata }),
    sealedColumn({ table: 'vault_plain_blocks', idColumn: 'file_id', column: 'hashes_sealed', purpose: sealedPurposes.fileBlocks, associatedData: sealedAssociatedData.fileBlocks }),
    sealedColumn({ table: 'vault_albums', idColumn: 'id', column: 'name_sealed', studioColumn: 'studio_id', purpose: sealedPurposes.albumName, associatedData: sealedAssociatedData.albumName }),
    sealedColumn({ table: 'vault_resumable_uploads', idColumn: 'id', column: 'name_sealed', studioColumn: 'studio_id', purpose: sealedPurposes.uploadName, associatedData: sealedAssociatedData.uploadName }),
  ],
};
