import type { Kysely, Selectable } from 'kysely';
import type { Tables, VaultResumableUploadsTable } from '../db/tables.ts';

/**
 * Queries on `vault_resumable_uploads` (resumable.ts); nothing else touches the table. Every read
 * a client causes carries the studio and the user: an upload is answered only to whoever made it.
 */

export type ResumableUploadRow = Selectable<VaultResumableUploadsTable>;

export async function insertResumableUpload(db: Kysely<Tables>, row: ResumableUploadRow): Promise<void> {
  await db.insertInto('vault_resumable_uploads').values(row).execute();
}

export async function findResumableUpload(db: Kysely<Tables>, owner: { studioId: string; userId: string }, id: string): Promise<ResumableUploadRow | undefined> {
  const row = await db
    .selectFrom('vault_resumable_uploads')
    .selectAll()
    .where('id', '=', id)
    .where('studio_id', '=', owner.studioId)
    .where('user_id', '=', owner.userId)
    .executeTakeFirst();
  return row && normalise(row);
}

/** PostgreSQL hands bigint back as text. */
function normalise(row: ResumableUploadRow): ResumableUploadRow {
  return {
    ...row,
    length: Number(row.length),
    upload_offset: Number(row.upload_offset),
    chunks: Number(row.chunks),
    locked_until: row.locked_until === null ? null : Number(row.locked_until),
    created_at: Number(row.created_at),
    expires_at: Number(row.expires_at),
  };
}

/** Compare-and-set: taken only when free (or its holder's lease ran out) and still at `offset`. */
export async function lockResumableUpload(db: Kysely<Tables>, studioId: string, id: string, lock: { token: string; until: number; now: number }): Promise<boolean> {
  const result = await db
    .updateTable('vault_resumable_uploads')
    .set({ lock_token: lock.token, locked_until: lock.until })
    .where('id', '=', id)
    .where('studio_id', '=', studioId)
    .where('file_id', 'is', null)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', lock.now)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Records what an append kept, and releases the lock; false when the lock was lost meanwhile. */
export async function advanceResumableUpload(
  db: Kysely<Tables>,
  studioId: string,
  id: string,
  token: string,
  progress: { offset: number; chunks: number; segments: string; tailSealed: string | null; expiresAt: number; fileId?: string; duplicateOf?: string | null; keepLock?: boolean },
): Promise<boolean> {
  const result = await db
    .updateTable('vault_resumable_uploads')
    .set({
      upload_offset: progress.offset,
      chunks: progress.chunks,
      segments: progress.segments,
      tail_sealed: progress.tailSealed,
      expires_at: progress.expiresAt,
      ...(progress.keepLock ? {} : { lock_token: null, locked_until: null }),
      ...(progress.fileId ? { file_id: progress.fileId, duplicate_of: progress.duplicateOf ?? null } : {}),
    })
    .where('id', '=', id)
    .where('studio_id', '=', studioId)
    .where('lock_token', '=', token)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function unlockResumableUpload(db: Kysely<Tables>, studioId: string, id: string, token: string): Promise<void> {
  await db
    .updateTable('vault_resumable_uploads')
    .set({ lock_token: null, locked_until: null })
    .where('id', '=', id)
    .where('studio_id', '=', studioId)
    .where('lock_token', '=', token)
    .execute();
}

export async function deleteResumableUpload(db: Kysely<Tables>, studioId: string, id: string): Promise<void> {
  await db.deleteFrom('vault_resumable_uploads').where('id', '=', id).where('studio_id', '=', studioId).execute();
}

/**
 * The announced lengths of the studio's open uploads — not complete, not expired — but
 * `exceptId` (the one being completed or appended to; null: none): space they hold against the
 * studio's quota until they complete, are terminated or expire.
 */
export async function reservedUploadBytes(db: Kysely<Tables>, studioId: string, now: number, exceptId: string | null): Promise<number> {
  const row = await db
    .selectFrom('vault_resumable_uploads')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('length'), eb.lit(0)).as('reserved'))
    .where('studio_id', '=', studioId)
    .where('file_id', 'is', null)
    .where('expires_at', '>=', now)
    // Ids are UUIDs, so '' excludes nothing: one statement for both cases.
    .where('id', '!=', exceptId ?? '')
    .executeTakeFirstOrThrow();
  return Number(row.reserved);
}

/** Uploads whose time ran out (complete or not), oldest first: the purge job's work. */
export async function listExpiredResumableUploads(db: Kysely<Tables>, now: number, limit: number): Promise<ResumableUploadRow[]> {
  const rows = await db.selectFrom('vault_resumable_uploads').selectAll().where('expires_at', '<', now).orderBy('expires_at').limit(limit).execute();
  return rows.map(normalise);
}

/** Keeps the lock of a long append (or completion) alive; false when it was lost. */
export async function renewResumableLock(db: Kysely<Tables>, studioId: string, id: string, token: string, until: number): Promise<boolean> {
  const result = await db
    .updateTable('vault_resumable_uploads')
    .set({ locked_until: until })
    .where('id', '=', id)
    .where('studio_id', '=', studioId)
    .where('lock_token', '=', token)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
