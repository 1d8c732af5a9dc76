import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.ts';

/** Queries on `rate_limit_counters`: the rate-limit counts when no Redis is configured (rate-limits.ts). */

/**
 * Counts one point for `key` in one statement: a new window when there is none or it ended,
 * otherwise one more in the current one. Returns the count and when the window ends.
 */
export async function countRateLimitPoint(db: Kysely<Tables>, key: string, now: number, windowMs: number): Promise<{ points: number; expiresAt: number }> {
  const row = await db
    .insertInto('rate_limit_counters')
    .values({ key, points: 1, expires_at: now + windowMs })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        points: eb.case().when('rate_limit_counters.expires_at', '<=', now).then(1).else(eb('rate_limit_counters.points', '+', 1)).end(),
        expires_at: eb.case().when('rate_limit_counters.expires_at', '<=', now).then(eb.ref('excluded.expires_at')).else(eb.ref('rate_limit_counters.expires_at')).end(),
      })),
    )
    .returning(['points', 'expires_at'])
    .executeTakeFirstOrThrow();
  return { points: Number(row.points), expiresAt: Number(row.expires_at) };
}

/** Takes back one point of `key`'s current window, if it has one (never below zero). */
export async function refundRateLimitPoint(db: Kysely<Tables>, key: string, now: number): Promise<void> {
  await db
    .updateTable('rate_limit_counters')
    .set((eb) => ({ points: eb('points', '-', 1) }))
    .where('key', '=', key)
    .where('expires_at', '>', now)
    .where('points', '>', 0)
    .execute();
}

export async function deleteRateLimitCounter(db: Kysely<Tables>, key: string): Promise<void> {
  await db.deleteFrom('rate_limit_counters').where('key', '=', key).execute();
}

/** Forgets windows that have ended, a bounded batch at a time. */
export async function deleteExpiredRateLimitCounters(db: Kysely<Tables>, now: number): Promise<void> {
  await db.deleteFrom('rate_limit_counters').where('expires_at', '<=', now).execute();
}

/** The points counted for `key` in its current window (0 when there is none or it ended), counting nothing. */
export async function currentRateLimitPoints(db: Kysely<Tables>, key: string, now: number): Promise<number> {
  const row = await db.selectFrom('rate_limit_counters').select('points').where('key', '=', key).where('expires_at', '>', now).executeTakeFirst();
  return row === undefined ? 0 : Number(row.points);
}

/** The count and end of `key`'s current window, or undefined when there is none or it ended. */
export async function findRateLimitCounter(db: Kysely<Tables>, key: string, now: number): Promise<{ points: number; expiresAt: number } | undefined> {
  const row = await db.selectFrom('rate_limit_counters').select(['points', 'expires_at']).where('key', '=', key).where('expires_at', '>', now).executeTakeFirst();
  return row === undefined ? undefined : { points: Number(row.points), expiresAt: Number(row.expires_at) };
}

/** Writes a count kept in memory (the write-behind quotas of a single-instance database). */
export async function saveRateLimitCounter(db: Kysely<Tables>, key: string, points: number, expiresAt: number): Promise<void> {
  await db
    .insertInto('rate_limit_counters')
    .values({ key, points, expires_at: expiresAt })
    .onConflict((oc) => oc.column('key').doUpdateSet({ points, expires_at: expiresAt }))
    .execute();
}
