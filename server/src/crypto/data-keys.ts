import { randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';
import type { MasterKeyProvider, WrappedKey } from './master-keys.ts';

/**
 * Per-studio data keys. Each studio's files are encrypted under its own random data key, which
 * is stored only wrapped by a master key. Rotating a master key rewraps these 32-byte keys, not
 * the files; deleting a studio's wrapped key crypto-erases its files (docs/security/crypto.md).
 */

export const DATA_KEY_BYTES = 32;

export function generateDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

/** Binds a wrapped key to its studio: one copied onto another studio's row fails to unwrap. */
function studioKeyContext(studioId: string): Buffer {
  return Buffer.from(`shutterlock/v1/studio-data-key/${studioId}`, 'utf8');
}

export async function wrapDataKey(provider: MasterKeyProvider, studioId: string, key: Buffer): Promise<WrappedKey> {
  if (key.length !== DATA_KEY_BYTES) {
    throw new AppError('data_key_invalid', `A studio data key must be ${DATA_KEY_BYTES} bytes.`, 500);
  }
  return provider.wrap(key, studioKeyContext(studioId));
}

/** UnknownKeyVersionError if the wrapping version isn't configured; IntegrityError if tampered or another studio's. */
export async function unwrapDataKey(provider: MasterKeyProvider, studioId: string, wrapped: WrappedKey): Promise<Buffer> {
  return provider.unwrap(wrapped, studioKeyContext(studioId));
}
