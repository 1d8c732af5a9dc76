import { IntegrityError } from '../errors.ts';
import { type MasterKeyProvider, decryptAes256Gcm, encryptAes256Gcm } from './master-keys.ts';

/**
 * Secrets the server must read back (TOTP seeds, API signing secrets, SMTP passwords), sealed
 * for storage in a text column.
 *
 * Sealed format: `sl2.<keyVersion>.<payload>`
 *   - `sl2`         format version; a new format gets a new prefix. `sl1` (releases before key
 *                   separation: field keys from HKDF-SHA-256 of the master key, which also
 *                   wrapped keys) is still opened, and re-sealed as `sl2` by `keys rotate`.
 *                   Any other prefix is refused.
 *   - `keyVersion`  the master key version the field key was derived from (ids never contain ".").
 *   - `payload`     base64url (unpadded) of nonce(12) || AES-256-GCM ciphertext || tag(16).
 *
 * The field key is derived from the master key per purpose ("secret-field/<purpose>", see
 * MasterKeyProvider.deriveKey), so a TOTP seed can't be opened as an SMTP password. The
 * associated data names the record the value belongs to (e.g. `users/<id>/totp`), so a
 * sealed value copied onto another row fails to open.
 */
export interface SecretBox {
  seal(plaintext: Buffer | string, purpose: string, associatedData: string): Promise<string>;
  open(sealed: string, purpose: string, associatedData: string): Promise<Buffer>;
  /** For rotation and `shutterlock keys status`: which master key version a stored value needs. */
  keyVersionOf(sealed: string): string;
  /** Whether `keys rotate` leaves the value as it is: the current format, under the active version. */
  isCurrent(sealed: string): boolean;
}

const FORMAT_PREFIX = 'sl2';
const LEGACY_FORMAT_PREFIX = 'sl1';
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;

function fieldKeyPurpose(purpose: string): string {
  return `secret-field/${purpose}`;
}

function parseSealed(sealed: string): { legacy: boolean; keyVersion: string; payload: Buffer } {
  const [prefix, keyVersion, payload, ...rest] = sealed.split('.');
  if ((prefix !== FORMAT_PREFIX && prefix !== LEGACY_FORMAT_PREFIX) || !keyVersion || payload === undefined || !BASE64URL_PATTERN.test(payload) || rest.length > 0) {
    throw new IntegrityError('A sealed secret field is malformed.');
  }
  return { legacy: prefix === LEGACY_FORMAT_PREFIX, keyVersion, payload: Buffer.from(payload, 'base64url') };
}

export function createSecretBox(provider: MasterKeyProvider): SecretBox {
  return {
    async seal(plaintext, purpose, associatedData) {
      const { keyVersion, key } = await provider.deriveKey(fieldKeyPurpose(purpose));
      const payload = encryptAes256Gcm(key, Buffer.from(plaintext), Buffer.from(associatedData));
      return `${FORMAT_PREFIX}.${keyVersion}.${payload.toString('base64url')}`;
    },
    async open(sealed, purpose, associatedData) {
      const { legacy, keyVersion, payload } = parseSealed(sealed);
      const key = legacy
        ? await provider.deriveLegacyKey(fieldKeyPurpose(purpose), keyVersion)
        : (await provider.deriveKey(fieldKeyPurpose(purpose), keyVersion)).key;
      return decryptAes256Gcm(key, payload, Buffer.from(associatedData));
    },
    keyVersionOf(sealed) {
      return parseSealed(sealed).keyVersion;
    },
    isCurrent(sealed) {
      const { legacy, keyVersion } = parseSealed(sealed);
      return !legacy && keyVersion === provider.activeVersion;
    },
  };
}
