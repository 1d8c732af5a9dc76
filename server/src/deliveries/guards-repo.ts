import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.ts';

/**
 * Wrong codes per delivery and network (`delivery_code_guards`, client-access.ts): the fifth
 * wrong code in a row from one network locks that network out of this delivery, and no one
 * else; the delivery's own counter (repo.ts) is the ceiling over all networks together.
 */

/**
 * Counts one attempt from this network before the code is compared (parallel guesses each take
 * a place); undefined while this network is locked out, and then nothing is counted.
 */
export async function countNetworkCodeAttempt(
  db: Kysely<Tables>,
  deliveryId: string,
  sourceKey: string,
  now: number,
): Promise<{ failed_attempts: number; lockouts: number } | undefined> {
  const row = await db
    .insertInto('delivery_code_guards')
    .values({ delivery_id: deliveryId, source_key: sourceKey, failed_attempts: 1, locked_until: null, lockouts: 0, updated_at: now })
    .onConflict((conflict) =>
      conflict
        .columns(['delivery_id', 'source_key'])
        .doUpdateSet((eb) => ({ failed_attempts: eb('delivery_code_guards.failed_attempts', '+', 1), updated_at: now }))
        .where((eb) => eb.or([eb('delivery_code_guards.locked_until', 'is', null), eb('delivery_code_guards.locked_until', '<=', now)])),
    )
    .returning(['failed_attempts', 'lockouts'])
    .executeTakeFirst();
  return row;
}

export async function findCodeGuard(
  db: Kysely<Tables>,
  deliveryId: string,
  sourceKey: string,
): Promise<{ failed_attempts: number; locked_until: number | null; lockouts: number } | undefined> {
  return db
    .selectFrom('delivery_code_guards')
    .select(['failed_attempts', 'locked_until', 'lockouts'])
    .where('delivery_id', '=', deliveryId)
    .where('source_key', '=', sourceKey)
    .executeTakeFirst();
}

/** Locks this network out until `until`, once per burst: only the request that still sees the lockout count it read wins. */
export async function lockCodeGuard(db: Kysely<Tables>, deliveryId: string, sourceKey: string, seenLockouts: number, until: number): Promise<boolean> {
  const result = await db
    .updateTable('delivery_code_guards')
    .set({ locked_until: until, lockouts: seenLockouts + 1, failed_attempts: 0, updated_at: until })
    .where('delivery_id', '=', deliveryId)
    .where('source_key', '=', sourceKey)
    .where('lockouts', '=', seenLockouts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** After the right code from this network: its count starts again; its lockout history stays (a row without one goes). */
export async function resetCodeGuard(db: Kysely<Tables>, deliveryId: string, sourceKey: string, now: number): Promise<void> {
  await db.deleteFrom('delivery_code_guards').where('delivery_id', '=', deliveryId).where('source_key', '=', sourceKey).where('lockouts', '=', 0).execute();
  await db.updateTable('delivery_code_guards').set({ failed_attempts: 0, updated_at: now }).where('delivery_id', '=', deliveryId).where('source_key', '=', sourceKey).execute();
}

/** A new code forgets every network's count and lockouts. */
export async function clearCodeGuards(db: Kysely<Tables>, deliveryId: string): Promise<void> {
  await db.deleteFrom('delivery_code_guards').where('delivery_id', '=', deliveryId).execute();
}
