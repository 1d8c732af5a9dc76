import { IntegrityError } from '../errors.ts';
import { type MasterKeyProvider, decryptAes256Gcm, encryptAes256Gcm } from './master-keys.ts';

/**
 * Secrets the server must read back (TOTP seeds, API signing secrets, SMTP passwords), sealed
 * for storage in a text column.
 *
 * Sealed format: `sl1.<keyVersion>.<payload>`
 *   - `sl1`         format version; a new format gets a new prefix.
 *   - `keyVersion`  the master key version the field key was derived from (ids never contain ".").
 *   - `payload`     base64url (unpadded) of nonce(12) || AES-256-GCM ciphertext || tag(16).
 *
 * The field key is HKDF-derived from the master key per purpose ("secret-field/<purpose>"), so a
 * TOTP seed can't be opened as an SMTP password. The associated data names the record the value
 * belongs to (e.g. `users/<id>/totp`), so a sealed value copied onto another row fails to open.
 */
export interface SecretBox {
  seal(plaintext: Buffer | string, purpose: string, associatedData: string): Promise<string>;
  open(sealed: string, purpose: string, associatedData: string): Promise<Buffer>;
  /** For rotation and `shutterlock keys status`: which master key version a stored value needs. */
  keyVersionOf(sealed: string): string;
}

const FORMAT_PREFIX = 'sl1';
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]+$/;

function fieldKeyPurpose(purpose: string): string {
  return `secret-field/${purpose}`;
}

function parseSealed(sealed: string): { keyVersion: string; payload: Buffer } {
  const [prefix, keyVersion, payload, ...rest] = sealed.split('.');
  if (prefix !== FORMAT_PREFIX || !keyVersion || payload === undefined || !BASE64URL_PATTERN.test(payload) || rest.length > 0) {
    throw new IntegrityError('A sealed secret field is malformed.');
  }
  return { keyVersion, payload: Buffer.from(payload, 'base64url') };
}

export function createSecretBox(provider: MasterKeyProvider): SecretBox {
  return {
    async seal(plaintext, purpose, associatedData) {
      const { keyVersion, key } = await provider.deriveKey(fieldKeyPurpose(purpose));
      const payload = encryptAes256Gcm(key, Buffer.from(plaintext), Buffer.from(associatedData));
      return `${FORMAT_PREFIX}.${keyVersion}.${payload.toString('base64url')}`;
    },
    async open(sealed, purpose, associatedData) {
      const { keyVersion, payload } = parseSealed(sealed);
      const { key } = await provider.deriveKey(fieldKeyPurpose(purpose), keyVersion);
      return decryptAes256Gcm(key, payload, Buffer.from(associatedData));
    },
    keyVersionOf(sealed) {
      return parseSealed(sealed).keyVersion;
    },
  };
}
