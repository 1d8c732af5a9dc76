import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.ts';
import type { DeliveryRow } from './repo.ts';

/** The expiry reminders' queries (reminders.ts): which deliveries are due, and the claim that sends each once. */

/**
 * Live deliveries expiring within the window that have not been reminded, oldest expiry first,
 * made at least `madeBefore` (a delivery made a moment ago needs no reminder yet).
 */
export async function listDueReminders(db: Kysely<Tables>, window: { now: number; until: number; madeBefore: number }, limit: number): Promise<DeliveryRow[]> {
  return db
    .selectFrom('deliveries')
    .selectAll()
    .where('reminder_sent_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', window.now)
    .where('expires_at', '<=', window.until)
    .where('created_at', '<=', window.madeBefore)
    .orderBy('expires_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** True for the one run (of any instance) that sends this delivery's reminder. */
export async function claimReminder(db: Kysely<Tables>, studioId: string, id: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('deliveries')
    .set({ reminder_sent_at: now })
    .where('studio_id', '=', studioId)
    .where('id', '=', id)
    .where('reminder_sent_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
