import { createHmac, hkdfSync } from 'node:crypto';
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

/**
 * A studio's own values (file names, file metadata, album names), sealed under the studio's
 * data key rather than the master key, so that destroying the studio key (crypto-erase)
 * makes them unreadable too, in every copy of the database.
 *
 * Sealed format: `ss1.<payload>`
 *   - `ss1`      format version. No key version: the data key never changes (master-key
 *                rotation rewraps it), and the studio the row belongs to names it.
 *   - `payload`  base64url (unpadded) of nonce(12) || AES-256-GCM ciphertext || tag(16).
 *
 * The field key is HKDF-SHA-512(data key, empty salt, info "shutterlock/v2/studio-field/" +
 * purpose), derived once per purpose per box: a box is made for a request or a batch, so
 * opening 20 000 names costs one derivation, not 20 000. (The chunked file format derives from
 * the same data key with HKDF-Expand alone and its own info prefix, so the keys never meet.)
 * Values sealed by earlier releases under the master key (`sl1`, `sl2`) still open through
 * `legacy`; `keys rotate` re-seals them here.
 *
 * `blindIndex` is the one thing of a sealed value that may sit in a queryable column: a keyed
 * digest (HMAC-SHA-256, hex) under HKDF-SHA-512(data key, info "shutterlock/v2/studio-index/" +
 * purpose). Equal inputs give equal indexes within a studio, so the column can be searched for
 * a value the server already holds (a new upload's SHA-256); from the database alone nobody
 * can compute one for a guessed input, and two studios' indexes of the same input differ.
 */
export interface StudioSecretBox {
  seal(plaintext: Buffer | string, purpose: string, associatedData: string): Promise<string>;
  open(sealed: string, purpose: string, associatedData: string): Promise<Buffer>;
  blindIndex(value: string, purpose: string): string;
}

/** What every value sealed under a studio key starts with (and no value sealed under the master key does). */
export const studioSealedPrefix = 'ss1.';
const STUDIO_FIELD_INFO_PREFIX = 'shutterlock/v2/studio-field/';
const STUDIO_INDEX_INFO_PREFIX = 'shutterlock/v2/studio-index/';

export function isStudioSealed(sealed: string): boolean {
  return sealed.startsWith(studioSealedPrefix);
}

export function createStudioSecretBox(dataKey: Buffer, legacy: SecretBox): StudioSecretBox {
  const derivedKeys = new Map<string, Buffer>();
  const derivedKey = (info: string): Buffer => {
    let key = derivedKeys.get(info);
    if (!key) {
      key = Buffer.from(hkdfSync('sha512', dataKey, Buffer.alloc(0), info, 32));
      derivedKeys.set(info, key);
    }
    return key;
  };
  const fieldKey = (purpose: string): Buffer => derivedKey(STUDIO_FIELD_INFO_PREFIX + purpose);
  return {
    async seal(plaintext, purpose, associatedData) {
      const payload = encryptAes256Gcm(fieldKey(purpose), Buffer.from(plaintext), Buffer.from(associatedData));
      return `${studioSealedPrefix}${payload.toString('base64url')}`;
    },
    async open(sealed, purpose, associatedData) {
      if (!isStudioSealed(sealed)) return legacy.open(sealed, purpose, associatedData);
      const payload = sealed.slice(studioSealedPrefix.length);
      if (!BASE64URL_PATTERN.test(payload)) throw new IntegrityError('A sealed studio field is malformed.');
      return decryptAes256Gcm(fieldKey(purpose), Buffer.from(payload, 'base64url'), Buffer.from(associatedData));
    },
    blindIndex(value, purpose) {
      return createHmac('sha256', derivedKey(STUDIO_INDEX_INFO_PREFIX + purpose)).update(value, 'utf8').digest('hex');
    },
  };
}
