import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { generateDataKey, unwrapDataKey, wrapDataKey } from '../crypto/data-keys.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { type StudioSecretBox, createSecretBox, createStudioSecretBox } from '../crypto/secret-fields.ts';
import { generateId } from '../crypto/tokens.ts';
import type { Db, DatabaseKind } from '../db/database.ts';
import { AppError, NotFoundError } from '../errors.ts';
import {
  type StudioSettings,
  deleteStudioAndKey,
  findStudioKey,
  findStudioName,
  findStudioSettings,
  findStudioSuspendedAt,
  listSuspendedStudioIds,
  insertStudioWithKey,
  listStudioNames,
  lockStudioRow,
  selectStudios,
  setStudioSuspendedAt,
  updateStudioSettings,
} from './repo.ts';

/**
 * Studios are the tenants: every file and key belongs to one. A studio is born with its own
 * random data key, stored only wrapped by the active master key; deleting the studio deletes
 * that wrapped key, which makes every file encrypted under it unrecoverable (crypto-erase).
 */

export interface StudioDeps {
  db: Db;
  keys: MasterKeyProvider;
}

/** The name a studio gets when none is given: what clients see, so never the owner's sign-in email. */
export const defaultStudioName = 'Photography studio';

export async function createStudio(deps: StudioDeps, name: string, now = Date.now()): Promise<{ id: string }> {
  const trimmed = name.normalize('NFC').trim();
  if (trimmed.length === 0 || trimmed.length > 200) throw new AppError('studio_name_invalid', 'A studio name must be 1 to 200 characters.', 400);
  const id = generateId();
  const dataKey = generateDataKey();
  try {
    const wrapped = await wrapDataKey(deps.keys, id, dataKey);
    await insertStudioWithKey(deps.db, { id, name: trimmed, createdAt: now }, { keyVersion: wrapped.keyVersion, wrapFormat: wrapped.format, wrappedKey: wrapped.ciphertext });
  } finally {
    dataKey.fill(0);
  }
  return { id };
}

/** The studio's data key, for the crypto layer. Fails closed: unknown version or tampering throws. */
export async function studioDataKey(deps: StudioDeps, studioId: string): Promise<Buffer> {
  const stored = await findStudioKey(deps.db, studioId);
  if (!stored) throw new NotFoundError('studio_not_found', 'This studio does not exist.');
  return unwrapDataKey(deps.keys, studioId, { keyVersion: stored.keyVersion, format: stored.wrapFormat, ciphertext: stored.wrappedKey });
}

/**
 * The box that seals and opens one studio's own values (names, details, addresses: whatever
 * crypto-erasing the studio must erase), its data key unwrapped once and each field key derived
 * once. Values an older release sealed under the master key still open through it, until they are
 * re-sealed (keys/studio-reseal.ts).
 */
export async function studioSecrets(deps: StudioDeps, studioId: string): Promise<StudioSecretBox> {
  return createStudioSecretBox(await studioDataKey(deps, studioId), createSecretBox(deps.keys));
}

/** For a call over many rows: one box per studio they belong to, made on first use. */
export function studioSecretsFor(deps: StudioDeps): (studioId: string) => Promise<StudioSecretBox> {
  const boxes = new Map<string, Promise<StudioSecretBox>>();
  return (studioId) => {
    let box = boxes.get(studioId);
    if (!box) {
      box = studioSecrets(deps, studioId);
      boxes.set(studioId, box);
    }
    return box;
  };
}

/**
 * A studio's data key for a hot path (the image service): the wrapped key is read from the
 * database on every call, and only its unwrapping is remembered, for as long as the stored
 * wrap is byte-for-byte the same. Destroying the key (crypto-erase) or rewrapping it shows at
 * the next call on every instance: nothing outlives the row.
 */
export function createStudioDataKeys(deps: StudioDeps): (studioId: string) => Promise<Buffer> {
  const unwrapped = new Map<string, { wrapped: Buffer; key: Promise<Buffer> }>();
  return async (studioId) => {
    const stored = await findStudioKey(deps.db, studioId);
    if (!stored) {
      unwrapped.delete(studioId);
      throw new NotFoundError('studio_not_found', 'This studio does not exist.');
    }
    const held = unwrapped.get(studioId);
    if (held && held.wrapped.equals(stored.wrappedKey)) return held.key;
    const key = unwrapDataKey(deps.keys, studioId, { keyVersion: stored.keyVersion, format: stored.wrapFormat, ciphertext: stored.wrappedKey });
    unwrapped.set(studioId, { wrapped: stored.wrappedKey, key });
    key.catch(() => unwrapped.delete(studioId));
    return key;
  };
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

/**
 * Inside a transaction, holds the studio until commit, so that checks over all of a studio's
 * data (the vault's quota) are not raced by another instance.
 */
export async function lockStudio(trx: Db, databaseKind: DatabaseKind, studioId: string): Promise<void> {
  await lockStudioRow(trx, databaseKind, studioId);
}

/** Every studio's id and name, by name: what an admin chooses among. */
export async function listStudios(deps: Pick<StudioDeps, 'db'>): Promise<Array<{ id: string; name: string }>> {
  return listStudioNames(deps.db);
}

/**
 * While its owner's account is disabled, a studio is suspended: its deliveries and every signed
 * link to its files answer `403 studio_suspended`, and all of it works again on re-enable.
 */
export async function setStudioSuspended(deps: Pick<StudioDeps, 'db'>, studioId: string, suspended: boolean, now = Date.now()): Promise<void> {
  await setStudioSuspendedAt(deps.db, studioId, suspended ? now : null);
}

/** Whether the studio is suspended (its owner's account disabled). */
export async function studioSuspended(deps: Pick<StudioDeps, 'db'>, studioId: string): Promise<boolean> {
  return (await findStudioSuspendedAt(deps.db, studioId)) != null;
}

/** Which of these studios are suspended: studioSuspended for many at once (a bounded number of queries). */
export async function suspendedStudios(deps: Pick<StudioDeps, 'db'>, studioIds: readonly string[]): Promise<Set<string>> {
  const unique = [...new Set(studioIds)];
  const found: string[] = [];
  for (let start = 0; start < unique.length; start += 500) found.push(...(await listSuspendedStudioIds(deps.db, unique.slice(start, start + 500))));
  return new Set(found);
}

/** Throws `403 studio_suspended` for a suspended studio: for every public answer that serves its data. */
export async function assertStudioNotSuspended(deps: Pick<StudioDeps, 'db'>, studioId: string): Promise<void> {
  if ((await findStudioSuspendedAt(deps.db, studioId)) != null) {
    throw new AppError('studio_suspended', 'This photographer’s account is suspended, so their deliveries and links are paused. Ask them when it will be back.', 403);
  }
}

/** The name clients see on what a studio sends them. */
export async function studioName(deps: Pick<StudioDeps, 'db'>, studioId: string): Promise<string | undefined> {
  return findStudioName(deps.db, studioId);
}

export interface StudioAdminView extends StudioSettings {
  usedBytes: number;
}

/**
 * What an admin sets per studio: whether new uploads are encrypted, and the storage quota.
 * Files already stored keep the form they were stored in (each row records it).
 */
export async function updateStudioByAdmin(
  deps: { db: Db; storage: { usedBytes(studioId: string): Promise<number> } },
  audit: AuditContext,
  studioId: string,
  changes: { encryptionEnabled?: boolean; quotaBytes?: number | null },
): Promise<StudioAdminView> {
  const settings = await changeStudioSettings(deps, studioId, changes);
  await recordAudit(deps.db, { action: 'studio.updated', ...audit, details: { studioId, encryptionEnabled: settings.encryptionEnabled, quotaBytes: settings.quotaBytes } });
  return { ...settings, usedBytes: await deps.storage.usedBytes(studioId) };
}

export interface StudioSummary {
  id: string;
  name: string;
  createdAt: string;
  encryptionEnabled: boolean;
  quotaBytes: number | null;
  /** The master key version the studio's data key is wrapped under (null: its key was destroyed). */
  keyVersion: string | null;
}

/** Every studio, or the one asked for, as the admin console lists them. */
export async function listStudioSummaries(deps: Pick<StudioDeps, 'db'>, onlyStudioId?: string): Promise<StudioSummary[]> {
  const rows = await selectStudios(deps.db, onlyStudioId);
  return rows.map((row) => ({ ...row, createdAt: new Date(row.createdAt).toISOString() }));
}
