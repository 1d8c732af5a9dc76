import type { Insertable, Kysely, Selectable } from 'kysely';
import type { AlertStatus, AlertsTable, Tables } from '../db/tables.ts';

/** Queries on `alerts` and `alert_scan_cursor`. */

export type AlertRow = Selectable<AlertsTable>;

const cursorId = 'alerts';

export async function findScanCursor(db: Kysely<Tables>): Promise<number> {
  const row = await db.selectFrom('alert_scan_cursor').select('seq').where('id', '=', cursorId).executeTakeFirstOrThrow();
  return row.seq;
}

/** Moves the cursor from `from` to `to`; false when another scan moved it first (its alerts win). */
export async function advanceScanCursor(db: Kysely<Tables>, from: number, to: number): Promise<boolean> {
  const result = await db.updateTable('alert_scan_cursor').set({ seq: to }).where('id', '=', cursorId).where('seq', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertAlert(db: Kysely<Tables>, alert: Insertable<AlertsTable>): Promise<void> {
  await db.insertInto('alerts').values(alert).execute();
}

/** The newest alert of a rule about a subject raised at or after `since`: a burst raises one alert, not one per event. */
export async function findRecentAlert(db: Kysely<Tables>, rule: string, subject: string, since: number): Promise<{ id: string } | undefined> {
  return db.selectFrom('alerts').select('id').where('rule', '=', rule).where('subject', '=', subject).where('raised_at', '>=', since).limit(1).executeTakeFirst();
}

export async function selectAlerts(db: Kysely<Tables>, filter: { status?: AlertStatus; limit: number }): Promise<AlertRow[]> {
  let query = db.selectFrom('alerts').selectAll().orderBy('raised_at', 'desc').orderBy('id').limit(filter.limit);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.execute();
}

export async function findAlert(db: Kysely<Tables>, id: string): Promise<AlertRow | undefined> {
  return db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function acknowledgeAlertRow(db: Kysely<Tables>, id: string, by: string, at: number): Promise<boolean> {
  const result = await db.updateTable('alerts').set({ status: 'acknowledged', acknowledged_at: at, acknowledged_by: by }).where('id', '=', id).where('status', '=', 'open').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** How many alerts were emailed since `since`: the spent part of the hourly email budget. */
export async function countEmailedSince(db: Kysely<Tables>, since: number): Promise<number> {
  const row = await db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('count')).where('emailed_at', '>=', since).executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function markAlertEmailed(db: Kysely<Tables>, id: string, at: number): Promise<void> {
  await db.updateTable('alerts').set({ emailed_at: at }).where('id', '=', id).execute();
}
