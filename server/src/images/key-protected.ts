import { type KeyProtectedData, sealedColumn } from '../db/key-protected.ts';
import {
  imgproxyKeyAssociatedData,
  imgproxyKeyPurpose,
  imgproxySaltAssociatedData,
  imgproxySaltPurpose,
  keySecretAssociatedData,
  keySecretPurpose,
  previousKeySecretAssociatedData,
} from './secrets.ts';

/** The image service's data under the master keys: API key secrets (current and previous) and imgproxy keys and salts. */
export const imagesKeyProtected: KeyProtectedData = {
  sealedColumns: [
    sealedColumn({ table: 'image_keys', idColumn: 'id', column: 'secret_sealed', purpose: keySecretPurpose, associatedData: keySecretAssociatedData }),
    sealedColumn({ table: 'image_keys', idColumn: 'id', column: 'previous_secret_sealed', purpose: keySecretPurpose, associatedData: previousKeySecretAssociatedData }),
    sealedColumn({ table: 'image_projects', idColumn: 'id', column: 'imgproxy_key_sealed', purpose: imgproxyKeyPurpose, associatedData: imgproxyKeyAssociatedData }),
    sealedColumn({ table: 'image_projects', idColumn: 'id', column: 'imgproxy_salt_sealed', purpose: imgproxySaltPurpose, associatedData: imgproxySaltAssociatedData }),
  ],
};
