import { type KeyProtectedData, codeHashColumn, sealedColumn } from '../db/key-protected.ts';
import { deliveryAccessAssociatedData, deliveryAccessPurpose } from './access.ts';
import { deliveryDetailsAssociatedData, deliveryDetailsPurpose } from './details.ts';

/** The deliveries' data under the master keys: the sealed details and kept access, and the peppered codes. */
export const deliveriesKeyProtected: KeyProtectedData = {
  sealedColumns: [
    sealedColumn({ table: 'deliveries', idColumn: 'id', column: 'details_sealed', purpose: deliveryDetailsPurpose, associatedData: deliveryDetailsAssociatedData }),
    // The link and code, kept so the photographer can show them again: the studio's own, under its data key.
    sealedColumn({ table: 'deliveries', idColumn: 'id', column: 'access_sealed', studioColumn: 'studio_id', purpose: deliveryAccessPurpose, associatedData: deliveryAccessAssociatedData }),
  ],
  // A revoked delivery's code opens nothing; an expired one's opens nothing until extended.
  codeHashColumns: [codeHashColumn({ table: 'deliveries', versionColumn: 'code_key_version', usedColumn: 'revoked_at' })],
};
