import type { Kysely } from 'kysely';
import { generateDataKey, unwrapDataKey, wrapDataKey } from '../crypto/data-keys.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { generateId } from '../crypto/tokens.ts';
import type { Tables } from '../db/tables.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { type StudioSettings, deleteStudioAndKey, findStudioKey, findStudioSettings, insertStudioWithKey, updateStudioSettings } from './repo.ts';

/**
 * Studios are the tenants: every file and key belongs to one. A studio is born with its own
 * random data key, stored only wrapped by the active master key; deleting the studio deletes
 * that wrapped key, which makes every file encrypted under it unrecoverable (crypto-erase).
 */

export interface StudioDeps {
  db: Kysely<Tables>;
  keys: MasterKeyProvider;
}

export async function createStudio(deps: StudioDeps, name: string, now = Date.now()): Promise<{ id: string }> {
  const trimmed = name.normalize('NFC').trim();
  if (trimmed.length === 0 || trimmed.length > 200) throw new AppError('studio_name_invalid', 'A studio name must be 1 to 200 characters.', 400);
  const id = generateId();
  const dataKey = generateDataKey();
  try {
    const wrapped = await wrapDataKey(deps.keys, id, dataKey);
    await insertStudioWithKey(deps.db, { id, name: trimmed, createdAt: now }, { keyVersion: wrapped.keyVersion, wrappedKey: wrapped.ciphertext });
  } finally {
    dataKey.fill(0);
  }
  return { id };
}

/** The studio's data key, for the crypto layer. Fails closed: unknown version or tampering throws. */
export async function studioDataKey(deps: StudioDeps, studioId: string): Promise<Buffer> {
  const stored = await findStudioKey(deps.db, studioId);
  if (!stored) throw new NotFoundError('studio_not_found', 'This studio does not exist.');
  return unwrapDataKey(deps.keys, studioId, { keyVersion: stored.keyVersion, ciphertext: stored.wrappedKey });
}

/** Crypto-erase: the wrapped data key goes with the studio, so its files can never be decrypted again. */
export async function deleteStudio(deps: StudioDeps, studioId: string): Promise<void> {
  if (!(await deleteStudioAndKey(deps.db, studioId))) throw new NotFoundError('studio_not_found', 'This studio does not exist.');
}

/** Whether new uploads are encrypted, and the storage quota: what an admin sets per studio. */
export async function studioSettings(deps: Pick<StudioDeps, 'db'>, studioId: string): Promise<StudioSettings> {
  const settings = await findStudioSettings(deps.db, studioId);
  if (!settings) throw new NotFoundError('studio_not_found', 'This studio does not exist.');
  return settings;
}

export async function changeStudioSettings(
  deps: Pick<StudioDeps, 'db'>,
  studioId: string,
  changes: { encryptionEnabled?: boolean; quotaBytes?: number | null },
): Promise<StudioSettings> {
  if (!(await updateStudioSettings(deps.db, studioId, changes))) throw new NotFoundError('studio_not_found', 'This studio does not exist.');
  return studioSettings(deps, studioId);
}
