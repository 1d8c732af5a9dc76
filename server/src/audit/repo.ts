import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, Tables } from '../db/tables.ts';

/** Queries on `audit_events`: inserts and reads only, never an update or a delete. */

export type AuditEventRow = Selectable<AuditEventsTable>;

export async function insertAuditEvent(db: Kysely<Tables>, event: Insertable<AuditEventsTable>): Promise<void> {
  await db.insertInto('audit_events').values(event).execute();
}

/** Newest first, at most `limit`, optionally only the events about one user. */
export async function selectAuditEvents(db: Kysely<Tables>, filter: { subjectUserId?: string; limit: number }): Promise<AuditEventRow[]> {
  let query = db.selectFrom('audit_events').selectAll().orderBy('at', 'desc').orderBy('id').limit(filter.limit);
  if (filter.subjectUserId) query = query.where('subject_user_id', '=', filter.subjectUserId);
  return query.execute();
}
