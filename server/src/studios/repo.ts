import type { Kysely, Selectable } from 'kysely';
import { withinTransaction } from '../db/database.ts';
import type { Tables } from '../db/tables.ts';

/** Queries on `studios` and `studio_keys`; nothing else touches these tables. */

export interface StoredStudioKey {
  studioId: string;
  keyVersion: string;
  /** crypto/master-keys.ts `wrapFormats`. */
  wrapFormat: number;
  wrappedKey: Buffer;
}

type StudioKeyRow = Pick<Selectable<Tables['studio_keys']>, 'studio_id' | 'key_version' | 'wrap_format' | 'wrapped_key'>;

function storedStudioKey(row: StudioKeyRow): StoredStudioKey {
  return { studioId: row.studio_id, keyVersion: row.key_version, wrapFormat: row.wrap_format, wrappedKey: Buffer.from(row.wrapped_key, 'base64') };
}

export async function insertStudioWithKey(
  db: Kysely<Tables>,
  studio: { id: string; name: string; createdAt: number },
  key: { keyVersion: string; wrapFormat: number; wrappedKey: Buffer },
): Promise<void> {
  await withinTransaction(db, async (trx) => {
    await trx.insertInto('studios').values({ id: studio.id, name: studio.name, created_at: studio.createdAt, suspended_at: null }).execute();
    await trx
      .insertInto('studio_keys')
      .values({
        studio_id: studio.id,
        key_version: key.keyVersion,
        wrap_format: key.wrapFormat,
        wrapped_key: key.wrappedKey.toString('base64'),
        created_at: studio.createdAt,
        rewrapped_at: null,
      })
      .execute();
  });
}

export async function findStudioKey(db: Kysely<Tables>, studioId: string): Promise<StoredStudioKey | undefined> {
  const row = await db.selectFrom('studio_keys').selectAll().where('studio_id', '=', studioId).executeTakeFirst();
  return row && storedStudioKey(row);
}

/** Deletes the wrapped key first, in the same transaction as the studio, so no path leaves the key behind. */
export async function deleteStudioAndKey(db: Kysely<Tables>, studioId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.deleteFrom('studio_keys').where('studio_id', '=', studioId).execute();
    const result = await trx.deleteFrom('studios').where('id', '=', studioId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  });
}

export async function countStudioKeysByVersion(db: Kysely<Tables>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('studio_keys')
    .select(['key_version', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('key_version')
    .execute();
  return new Map(rows.map((row) => [row.key_version, Number(row.count)]));
}

/** One page of keys not yet under `version` in `wrapFormat`, in studio id order after `afterStudioId`. */
export async function listStudioKeysNotAtVersion(
  db: Kysely<Tables>,
  version: string,
  wrapFormat: number,
  limit: number,
  afterStudioId = '',
): Promise<StoredStudioKey[]> {
  const rows = await db
    .selectFrom('studio_keys')
    .selectAll()
    .where((eb) => eb.or([eb('key_version', '!=', version), eb('wrap_format', '!=', wrapFormat)]))
    .where('studio_id', '>', afterStudioId)
    .orderBy('studio_id')
    .limit(limit)
    .execute();
  return rows.map(storedStudioKey);
}

/**
 * Replaces a wrapped key only if it is still the one that was read (compare-and-set), so a
 * rotation running beside another one, or beside a server, never overwrites newer state.
 */
export async function replaceWrappedKey(
  db: Kysely<Tables>,
  previous: StoredStudioKey,
  next: { keyVersion: string; wrapFormat: number; wrappedKey: Buffer; rewrappedAt: number },
): Promise<boolean> {
  const result = await db
    .updateTable('studio_keys')
    .set({ key_version: next.keyVersion, wrap_format: next.wrapFormat, wrapped_key: next.wrappedKey.toString('base64'), rewrapped_at: next.rewrappedAt })
    .where('studio_id', '=', previous.studioId)
    .where('key_version', '=', previous.keyVersion)
    .where('wrapped_key', '=', previous.wrappedKey.toString('base64'))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface StudioSettings {
  id: string;
  encryptionEnabled: boolean;
  quotaBytes: number | null;
}

export async function findStudioSettings(db: Kysely<Tables>, studioId: string): Promise<StudioSettings | undefined> {
  const row = await db.selectFrom('studios').select(['id', 'encryption_enabled', 'quota_bytes']).where('id', '=', studioId).executeTakeFirst();
  return row && { id: row.id, encryptionEnabled: row.encryption_enabled === 1, quotaBytes: row.quota_bytes };
}

export async function updateStudioSettings(
  db: Kysely<Tables>,
  studioId: string,
  changes: { encryptionEnabled?: boolean; quotaBytes?: number | null },
): Promise<boolean> {
  const result = await db
    .updateTable('studios')
    .set({
      ...(changes.encryptionEnabled === undefined ? {} : { encryption_enabled: changes.encryptionEnabled ? 1 : 0 }),
      ...(changes.quotaBytes === undefined ? {} : { quota_bytes: changes.quotaBytes }),
    })
    .where('id', '=', studioId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Inside a transaction, holds the studio row until commit, so checks over all of a studio's
 * files (the quota) are not raced by another instance. SQLite runs one write transaction
 * at a time, so it needs no lock (and has no FOR UPDATE).
 */
export async function lockStudioRow(trx: Kysely<Tables>, databaseKind: 'sqlite' | 'postgres', studioId: string): Promise<void> {
  if (databaseKind === 'postgres') await trx.selectFrom('studios').select('id').where('id', '=', studioId).forUpdate().execute();
}

/** The name clients see on a delivery. */
/** Sets or clears the studio's suspension (its owner disabled); false when there is no such studio. */
export async function setStudioSuspendedAt(db: Kysely<Tables>, studioId: string, suspendedAt: number | null): Promise<boolean> {
  const result = await db.updateTable('studios').set({ suspended_at: suspendedAt }).where('id', '=', studioId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findStudioSuspendedAt(db: Kysely<Tables>, studioId: string): Promise<number | null | undefined> {
  const row = await db.selectFrom('studios').select('suspended_at').where('id', '=', studioId).executeTakeFirst();
  return row?.suspended_at;
}

/** Which of these studios are suspended. */
export async function listSuspendedStudioIds(db: Kysely<Tables>, studioIds: readonly string[]): Promise<string[]> {
  if (studioIds.length === 0) return [];
  const rows = await db.selectFrom('studios').select('id').where('id', 'in', studioIds).where('suspended_at', 'is not', null).execute();
  return rows.map((row) => row.id);
}

export async function findStudioName(db: Kysely<Tables>, studioId: string): Promise<string | undefined> {
  const row = await db.selectFrom('studios').select('name').where('id', '=', studioId).executeTakeFirst();
  return row?.name;
}

export interface StudioListRow {
  id: string;
  name: string;
  createdAt: number;
  encryptionEnabled: boolean;
  quotaBytes: number | null;
  keyVersion: string | null;
}

/** Every studio (or one), by name, with its settings and the master key version its data key is wrapped under. */
export async function selectStudios(db: Kysely<Tables>, onlyStudioId?: string): Promise<StudioListRow[]> {
  let query = db
    .selectFrom('studios')
    .leftJoin('studio_keys', 'studio_keys.studio_id', 'studios.id')
    .select(['studios.id', 'studios.name', 'studios.created_at', 'studios.encryption_enabled', 'studios.quota_bytes', 'studio_keys.key_version'])
    .orderBy('studios.name')
    .orderBy('studios.id');
  if (onlyStudioId !== undefined) query = query.where('studios.id', '=', onlyStudioId);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    encryptionEnabled: row.encryption_enabled === 1,
    quotaBytes: row.quota_bytes,
    keyVersion: row.key_version,
  }));
}

/** Crypto-erase, first step: the wrapped data key goes, the studio row stays until its files are deleted. */
export async function deleteStudioKeys(db: Kysely<Tables>, studioIds: readonly string[]): Promise<number> {
  if (studioIds.length === 0) return 0;
  const result = await db.deleteFrom('studio_keys').where('studio_id', 'in', studioIds).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Every studio's id and name, by name: for the admin's per-studio choices. */
export async function listStudioNames(db: Kysely<Tables>): Promise<Array<{ id: string; name: string }>> {
  return db.selectFrom('studios').select(['id', 'name']).orderBy('name').orderBy('id').execute();
}
