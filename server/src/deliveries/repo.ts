import type { Kysely, Selectable, Updateable } from 'kysely';
import { generateId } from '../crypto/tokens.ts';
import type { DeliveriesTable, DeliveryEventKind, DeliveryEventsTable, DeliverySessionsTable, Tables } from '../db/tables.ts';

/**
 * The deliveries' queries: the only code that reads or writes the delivery tables. A delivery
 * names its files by id (`delivery_files`); what they are comes from the vault's interface,
 * asked with the delivery's studio (files.ts).
 */

export type DeliveryRow = Selectable<DeliveriesTable>;
export type DeliveryEventRow = Selectable<DeliveryEventsTable>;
export type DeliverySessionRow = Selectable<DeliverySessionsTable>;


export interface NewDelivery {
  id: string;
  studioId: string;
  createdBy: string;
  detailsSealed: string;
  tokenHash: string;
  code: { digest: string; keyVersion: string };
  allowOriginals: boolean;
  allowZip: boolean;
  downloadLimit: number | null;
  expiresAt: number;
  now: number;
}

export async function insertDelivery(db: Kysely<Tables>, delivery: NewDelivery, fileIds: readonly string[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('deliveries')
      .values({
        id: delivery.id,
        studio_id: delivery.studioId,
        created_by: delivery.createdBy,
        details_sealed: delivery.detailsSealed,
        token_hash: delivery.tokenHash,
        code_digest: delivery.code.digest,
        code_key_version: delivery.code.keyVersion,
        allow_originals: delivery.allowOriginals ? 1 : 0,
        allow_zip: delivery.allowZip ? 1 : 0,
        download_limit: delivery.downloadLimit,
        locked_until: null,
        first_downloaded_at: null,
        last_activity_at: null,
        created_at: delivery.now,
        updated_at: delivery.now,
        expires_at: delivery.expiresAt,
        revoked_at: null,
      })
      .execute();
    // Inserted in slices: SQLite caps the number of bound parameters per statement.
    for (let start = 0; start < fileIds.length; start += 250) {
      const slice = fileIds.slice(start, start + 250);
      await trx
        .insertInto('delivery_files')
        .values(slice.map((fileId, index) => ({ delivery_id: delivery.id, file_id: fileId, position: start + index })))
        .execute();
    }
  });
}

export async function listStudioDeliveries(db: Kysely<Tables>, studioId: string, limit: number): Promise<DeliveryRow[]> {
  return db.selectFrom('deliveries').selectAll().where('studio_id', '=', studioId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

export async function findStudioDelivery(db: Kysely<Tables>, studioId: string, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('studio_id', '=', studioId).where('id', '=', id).executeTakeFirst();
}

/** Every client request starts here. */
export async function findDeliveryByTokenHash(db: Kysely<Tables>, tokenHash: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function findDeliveryById(db: Kysely<Tables>, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The ids of a delivery's files, in the photographer's order. */
export async function listDeliveryFileIds(db: Kysely<Tables>, deliveryId: string): Promise<string[]> {
  const rows = await db.selectFrom('delivery_files').select('file_id').where('delivery_id', '=', deliveryId).orderBy('position').execute();
  return rows.map((row) => row.file_id);
}

/** The file ids of each of these deliveries. */
export async function listFileIdsOfDeliveries(db: Kysely<Tables>, deliveryIds: readonly string[]): Promise<Array<{ deliveryId: string; fileId: string }>> {
  if (deliveryIds.length === 0) return [];
  return db
    .selectFrom('delivery_files')
    .select(['delivery_id as deliveryId', 'file_id as fileId'])
    .where('delivery_id', 'in', deliveryIds)
    .orderBy('delivery_id')
    .orderBy('position')
    .execute();
}

/**
 * The studio's deliveries that a client can still open (not revoked, not expired) and that hold
 * any of `fileIds`, with which of them: what trashing those files would take from a client.
 */
export async function listLiveDeliveriesWithFiles(
  db: Kysely<Tables>,
  studioId: string,
  fileIds: readonly string[],
  now: number,
): Promise<Array<{ id: string; detailsSealed: string; fileId: string }>> {
  if (fileIds.length === 0) return [];
  return db
    .selectFrom('delivery_files')
    .innerJoin('deliveries', 'deliveries.id', 'delivery_files.delivery_id')
    .select(['deliveries.id as id', 'deliveries.details_sealed as detailsSealed', 'delivery_files.file_id as fileId'])
    .where('deliveries.studio_id', '=', studioId)
    .where('deliveries.revoked_at', 'is', null)
    .where('deliveries.expires_at', '>', now)
    .where('delivery_files.file_id', 'in', fileIds)
    .orderBy('deliveries.created_at', 'desc')
    .orderBy('deliveries.id')
    .orderBy('delivery_files.position')
    .execute();
}

export async function deliveryHasFile(db: Kysely<Tables>, deliveryId: string, fileId: string): Promise<boolean> {
  const row = await db.selectFrom('delivery_files').select('file_id').where('delivery_id', '=', deliveryId).where('file_id', '=', fileId).executeTakeFirst();
  return row !== undefined;
}

export async function updateStudioDelivery(
  db: Kysely<Tables>,
  studioId: string,
  id: string,
  changes: Updateable<DeliveriesTable>,
): Promise<boolean> {
  const result = await db.updateTable('deliveries').set(changes).where('studio_id', '=', studioId).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ——— Code attempts and lockout ———

/**
 * Counts one code attempt, before the code is checked, so that parallel guesses each take a
 * place in the count. The count has no time window — slow guessing still reaches the limit —
 * and only a right code, a lockout or a new code starts it again. Nothing is counted
 * (undefined) while the delivery is locked.
 */
export async function countCodeAttempt(db: Kysely<Tables>, id: string, now: number): Promise<number | undefined> {
  const row = await db
    .updateTable('deliveries')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', id)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .returning('failed_attempts')
    .executeTakeFirst();
  return row?.failed_attempts;
}

/**
 * Locks the delivery until `until`, once: only the request that still sees the lockout count it
 * read wins, so one burst of wrong codes makes one lockout (and one email), not many.
 */
export async function lockDelivery(db: Kysely<Tables>, id: string, seenLockouts: number, until: number): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({ locked_until: until, lockouts: seenLockouts + 1, failed_attempts: 0 })
    .where('id', '=', id)
    .where('lockouts', '=', seenLockouts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * After the right code: the attempt count starts again and the visit is counted. The lockout
 * history stays — it belongs to the link, and only a new code clears it.
 */
export async function recordSuccessfulOpen(db: Kysely<Tables>, id: string, now: number): Promise<void> {
  await db
    .updateTable('deliveries')
    .set((eb) => ({ failed_attempts: 0, view_count: eb('view_count', '+', 1), last_activity_at: now }))
    .where('id', '=', id)
    .execute();
}

// ——— Downloads ———

/** Counts one download unless the limit is spent; false when it is. */
export async function countDownload(db: Kysely<Tables>, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set((eb) => ({ download_count: eb('download_count', '+', 1), last_activity_at: now }))
    .where('id', '=', id)
    .where((eb) => eb.or([eb('download_limit', 'is', null), eb('download_count', '<', eb.ref('download_limit'))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** True for the one request that records the delivery's first download. */
export async function markFirstDownload(db: Kysely<Tables>, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('deliveries').set({ first_downloaded_at: now }).where('id', '=', id).where('first_downloaded_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ——— Client sessions ———

export async function insertDeliverySession(
  db: Kysely<Tables>,
  session: { deliveryId: string; tokenHash: string; now: number; expiresAt: number; ip: string; userAgent: string },
): Promise<void> {
  await db
    .insertInto('delivery_sessions')
    .values({
      id: generateId(),
      delivery_id: session.deliveryId,
      token_hash: session.tokenHash,
      created_at: session.now,
      expires_at: session.expiresAt,
      ended_at: null,
      ip: session.ip,
      user_agent: session.userAgent,
    })
    .execute();
}

/** The live session with this token hash for this delivery, if any. */
export async function findDeliverySession(db: Kysely<Tables>, deliveryId: string, tokenHash: string, now: number): Promise<DeliverySessionRow | undefined> {
  return db
    .selectFrom('delivery_sessions')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('delivery_id', '=', deliveryId)
    .where('ended_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

export async function deleteDeliverySession(db: Kysely<Tables>, tokenHash: string): Promise<void> {
  await db.deleteFrom('delivery_sessions').where('token_hash', '=', tokenHash).execute();
}

export async function endDeliverySessions(db: Kysely<Tables>, deliveryId: string, now: number): Promise<void> {
  await db.updateTable('delivery_sessions').set({ ended_at: now }).where('delivery_id', '=', deliveryId).where('ended_at', 'is', null).execute();
}

// ——— Events ———

export async function insertDeliveryEvent(
  db: Kysely<Tables>,
  event: { deliveryId: string; kind: DeliveryEventKind; fileId?: string | null; at: number; ip?: string | null; userAgent?: string | null },
): Promise<void> {
  await db
    .insertInto('delivery_events')
    .values({
      id: generateId(),
      delivery_id: event.deliveryId,
      kind: event.kind,
      file_id: event.fileId ?? null,
      at: event.at,
      ip: event.ip ?? null,
      user_agent: event.userAgent?.slice(0, 400) ?? null,
    })
    .execute();
}

/**
 * The newest events, and beside them the newest of every kind but downloads: however many
 * downloads a client makes, they never push an open, a wrong code or a lockout out of view.
 */
export async function listDeliveryEventRows(db: Kysely<Tables>, deliveryId: string, limit: number): Promise<DeliveryEventRow[]> {
  const newest = db.selectFrom('delivery_events').selectAll().where('delivery_id', '=', deliveryId).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit);
  // UNION drops the events both lists hold.
  return db
    .selectFrom(newest.as('recent'))
    .selectAll()
    .union(db.selectFrom(newest.where('kind', 'not in', ['file_downloaded', 'zip_downloaded']).as('access')).selectAll())
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}
