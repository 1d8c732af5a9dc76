import { type KeyProtectedData, codeHashColumn, sealedColumn } from '../db/key-protected.ts';
import { deliveryAccessAssociatedData, deliveryAccessPurpose } from './access.ts';
import { deliveryDetailsAssociatedData, deliveryDetailsPurpose } from './details.ts';
import { proofingDetailsAssociatedData, proofingDetailsPurpose } from './proofing.ts';
import { deliverySetAssociatedData, deliverySetNamePurpose } from './set-names.ts';

/**
 * The deliveries' sealed values, all the studio's own, under its data key (so crypto-erasing the
 * studio erases them; older releases' values under the master key await re-sealing), and the
 * peppered codes.
 */
export const deliveriesKeyProtected: KeyProtectedData = {
  sealedColumns: [
    // Title, message and the recipients' addresses (deliveries/details.ts).
    sealedColumn({ table: 'deliveries', idColumn: 'id', column: 'details_sealed', studioColumn: 'studio_id', purpose: deliveryDetailsPurpose, associatedData: deliveryDetailsAssociatedData }),
    // A client's proofing list: its name and comments (deliveries/proofing.ts).
    sealedColumn({ table: 'delivery_proofing_lists', idColumn: 'id', column: 'details_sealed', studioColumn: 'studio_id', purpose: proofingDetailsPurpose, associatedData: proofingDetailsAssociatedData }),
    // A set keeps no studio id of its own: its delivery's.
    sealedColumn({
      table: 'delivery_sets',
      idColumn: 'id',
      column: 'name_sealed',
      studioColumn: { parent: 'deliveries', via: 'delivery_id', column: 'studio_id' },
      purpose: deliverySetNamePurpose,
      associatedData: deliverySetAssociatedData,
    }),
    // The link and code, kept so the photographer can show them again.
    sealedColumn({ table: 'deliveries', idColumn: 'id', column: 'access_sealed', studioColumn: 'studio_id', purpose: deliveryAccessPurpose, associatedData: deliveryAccessAssociatedData }),
  ],
  // A revoked delivery's code opens nothing; an expired one's opens nothing until extended.
  codeHashColumns: [codeHashColumn({ table: 'deliveries', versionColumn: 'code_key_version', usedColumn: 'revoked_at' })],
};
