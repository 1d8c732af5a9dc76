import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, AuditSealsTable, Tables } from '../db/tables.ts';

/**
 * Queries on the audit chain (`audit_events`, `audit_chain_head`, `audit_seals`). Events are
 * inserted and read; the only delete is pruning below a checkpoint (audit/retention.ts).
 */

export type AuditEventRow = Selectable<AuditEventsTable>;
export type AuditSealRow = Selectable<AuditSealsTable>;

const chainHeadId = 'audit';

/**
 * Moves the chain head one step and returns the new entry's position and the hash it follows.
 * The update is the first statement of the append's transaction, so it takes the lock at once:
 * on PostgreSQL the head row's lock, which a concurrent append waits for and then re-reads (it
 * sees the committed head); on SQLite the database's write lock, before anything was read.
 */
export async function advanceChainHead(db: Kysely<Tables>): Promise<{ seq: number; prevHash: string }> {
  const head = await db
    .updateTable('audit_chain_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', chainHeadId)
    .returning(['seq', 'entry_hash'])
    .executeTakeFirstOrThrow();
  return { seq: head.seq, prevHash: head.entry_hash };
}

export async function setChainHeadHash(db: Kysely<Tables>, seq: number, entryHash: string): Promise<void> {
  await db.updateTable('audit_chain_head').set({ entry_hash: entryHash }).where('id', '=', chainHeadId).where('seq', '=', seq).execute();
}

export async function findChainHead(db: Kysely<Tables>): Promise<{ seq: number; entryHash: string }> {
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'entry_hash']).where('id', '=', chainHeadId).executeTakeFirstOrThrow();
  return { seq: head.seq, entryHash: head.entry_hash };
}

export async function insertAuditEvent(db: Kysely<Tables>, event: Insertable<AuditEventsTable>): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}

export interface AuditEventFilter {
  subjectUserId?: string;
  actorUserId?: string;
  action?: string;
  studioId?: string;
  from?: number;
  to?: number;
  /** Only entries before this position (the previous page's last). */
  beforeSeq?: number;
  limit: number;
}

/** Newest first (by chain position), at most `limit`, narrowed by each filter given. */
export async function selectAuditEvents(db: Kysely<Tables>, filter: AuditEventFilter): Promise<AuditEventRow[]> {
  let query = db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(filter.limit);
  if (filter.subjectUserId) query = query.where('subject_user_id', '=', filter.subjectUserId);
  if (filter.actorUserId) query = query.where('actor_user_id', '=', filter.actorUserId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.studioId) query = query.where('studio_id', '=', filter.studioId);
  if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('at', '<', filter.to);
  if (filter.beforeSeq !== undefined) query = query.where('seq', '<', filter.beforeSeq);
  return query.execute();
}

/** Oldest first from position `afterSeq` (exclusive): how verification and the alert scan walk the chain. */
export async function selectChainPage(db: Kysely<Tables>, afterSeq: number, limit: number): Promise<AuditEventRow[]> {
  return db.selectFrom('audit_events').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute();
}

/** Events of `actions` at or after `since`, oldest first: the windows alert rules count over. */
export async function selectRecentEvents(db: Kysely<Tables>, actions: readonly string[], since: number, upToSeq: number): Promise<AuditEventRow[]> {
  if (actions.length === 0) return [];
  return db.selectFrom('audit_events').selectAll().where('action', 'in', actions).where('at', '>=', since).where('seq', '<=', upToSeq).orderBy('seq').execute();
}

export async function insertSeal(db: Kysely<Tables>, seal: Insertable<AuditSealsTable>): Promise<void> {
  await db.insertInto('audit_seals').values(seal).execute();
}

export async function findLatestSeal(db: Kysely<Tables>, kind: AuditSealRow['kind']): Promise<AuditSealRow | undefined> {
  return db.selectFrom('audit_seals').selectAll().where('kind', '=', kind).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

/** Every seal, in the order of the chain of seals. */
export async function selectSeals(db: Kysely<Tables>): Promise<AuditSealRow[]> {
  return db.selectFrom('audit_seals').selectAll().orderBy('chain_index').execute();
}

/** The newest seal of either kind: the one the next seal chains to. */
export async function findLastSeal(db: Kysely<Tables>): Promise<AuditSealRow | undefined> {
  return db.selectFrom('audit_seals').selectAll().orderBy('chain_index', 'desc').limit(1).executeTakeFirst();
}

/** The newest entry written before `before`: where pruning cuts. */
export async function findLastEventBefore(db: Kysely<Tables>, before: number): Promise<{ seq: number; entryHash: string } | undefined> {
  const row = await db.selectFrom('audit_events').select(['seq', 'entry_hash']).where('at', '<', before).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return row && { seq: row.seq, entryHash: row.entry_hash };
}

/** Pruning: only ever below a checkpoint that was sealed first. */
export async function deleteEventsUpTo(db: Kysely<Tables>, seq: number): Promise<number> {
  const result = await db.deleteFrom('audit_events').where('seq', '<=', seq).executeTakeFirst();
  return Number(result.numDeletedRows);
}
