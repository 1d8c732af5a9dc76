import { type KeyProtectedData, codeHashColumn, sealedColumn } from '../db/key-protected.ts';
import { deliveryDetailsAssociatedData, deliveryDetailsPurpose } from './details.ts';
import { proofingDetailsAssociatedData, proofingDetailsPurpose } from './proofing.ts';
import { deliverySetAssociatedData, deliverySetNamePurpose } from './set-names.ts';

/** The deliveries' data under the master keys: the sealed details and set names, and the peppered codes. */
export const deliveriesKeyProtected: KeyProtectedData = {
  sealedColumns: [
    sealedColumn({ table: 'deliveries', idColumn: 'id', column: 'details_sealed', purpose: deliveryDetailsPurpose, associatedData: deliveryDetailsAssociatedData }),
    // A client's proofing list: its name and comments (deliveries/proofing.ts).
    sealedColumn({ table: 'delivery_proofing_lists', idColumn: 'id', column: 'details_sealed', purpose: proofingDetailsPurpose, associatedData: proofingDetailsAssociatedData }),
    sealedColumn({ table: 'delivery_sets', idColumn: 'id', column: 'name_sealed', purpose: deliverySetNamePurpose, associatedData: deliverySetAssociatedData }),
  ],
  // A revoked delivery's code opens nothing; an expired one's opens nothing until extended.
  codeHashColumns: [codeHashColumn({ table: 'deliveries', versionColumn: 'code_key_version', usedColumn: 'revoked_at' })],
};
