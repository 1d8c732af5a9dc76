import { type KeyProtectedData, codeHashColumn, sealedColumn } from '../db/key-protected.ts';
import { printOrderDetailsAssociatedData, printOrderDetailsPurpose } from './details.ts';

/**
 * The labs' protected data: orders' sealed shipping details (the ordering studio's own, under its
 * data key, so crypto-erasing the studio erases them), the peppered PINs and device codes.
 */
export const labsKeyProtected: KeyProtectedData = {
  sealedColumns: [
    sealedColumn({ table: 'print_orders', idColumn: 'id', column: 'details_sealed', studioColumn: 'studio_id', purpose: printOrderDetailsPurpose, associatedData: printOrderDetailsAssociatedData }),
  ],
  // A PIN stays usable until it is replaced; a device code until it is used or expires.
  codeHashColumns: [
    codeHashColumn({ table: 'labs', versionColumn: 'pin_key_version' }),
    codeHashColumn({ table: 'lab_device_codes', versionColumn: 'code_key_version', usedColumn: 'consumed_at', expiresColumn: 'expires_at' }),
  ],
};
