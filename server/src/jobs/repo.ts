import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.ts';

/** Queries on `jobs`; nothing else touches this table. */

export interface ClaimedJob {
  id: string;
  kind: string;
  payload: unknown;
  /** Counting this run. */
  attempts: number;
}

/**
 * Adds a job, or puts an existing job with the same id (a finished, failed or waiting one)
 * back to pending. A running job is left alone, so enqueueing never starts a second run
 * beside it.
 */
export async function upsertJob(
  db: Kysely<Tables>,
  job: { id: string; kind: string; payload: unknown; runAfter: number; createdAt: number },
): Promise<void> {
  const payload = JSON.stringify(job.payload ?? null);
  await db
    .insertInto('jobs')
    .values({ id: job.id, kind: job.kind, payload, status: 'pending', attempts: 0, run_after: job.runAfter, last_error: null, created_at: job.createdAt })
    .onConflict((conflict) =>
      conflict
        .column('id')
        .doUpdateSet({ payload, status: 'pending', attempts: 0, run_after: job.runAfter, last_error: null })
        .where('jobs.status', '!=', 'running'),
    )
    .execute();
}

/** Adds a job unless one with this id exists: how several instances agree on one recurring job. */
export async function insertJobOnce(
  db: Kysely<Tables>,
  job: { id: string; kind: string; payload: unknown; runAfter: number; createdAt: number },
): Promise<void> {
  await db
    .insertInto('jobs')
    .values({ id: job.id, kind: job.kind, payload: JSON.stringify(job.payload ?? null), status: 'pending', attempts: 0, run_after: job.runAfter, last_error: null, created_at: job.createdAt })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}

/**
 * Claims the next due job of one of `kinds`: a pending job whose time has come, or a running
 * one whose lease ran out (its runner died). The claim is a compare-and-set on the row as it
 * was read, so of several instances racing for a job exactly one wins; the others try the
 * next candidate.
 */
export async function claimDueJob(db: Kysely<Tables>, kinds: readonly string[], now: number, leaseMs: number): Promise<ClaimedJob | undefined> {
  if (kinds.length === 0) return undefined;
  const candidates = await db
    .selectFrom('jobs')
    .select(['id', 'kind', 'payload', 'status', 'attempts', 'run_after'])
    .where('kind', 'in', kinds)
    .where('status', 'in', ['pending', 'running'])
    .where('run_after', '<=', now)
    .orderBy('run_after')
    .limit(5)
    .execute();
  for (const candidate of candidates) {
    const claimed = await db
      .updateTable('jobs')
      .set({ status: 'running', attempts: candidate.attempts + 1, run_after: now + leaseMs })
      .where('id', '=', candidate.id)
      .where('status', '=', candidate.status)
      .where('attempts', '=', candidate.attempts)
      .where('run_after', '=', candidate.run_after)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 1) {
      return { id: candidate.id, kind: candidate.kind, payload: JSON.parse(candidate.payload) as unknown, attempts: candidate.attempts + 1 };
    }
  }
  return undefined;
}

/**
 * Extends a running job's lease while its runner works on it; false when the lease is no
 * longer this run's (it ran out and another runner claimed the job), and the run must stop.
 */
export async function renewJobLease(db: Kysely<Tables>, job: ClaimedJob, until: number): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ run_after: until })
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('attempts', '=', job.attempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The guards on `attempts` keep a runner whose lease was taken over from touching the new claim. */
export async function deleteFinishedJob(db: Kysely<Tables>, job: ClaimedJob): Promise<void> {
  await db.deleteFrom('jobs').where('id', '=', job.id).where('status', '=', 'running').where('attempts', '=', job.attempts).execute();
}

export async function rescheduleJob(db: Kysely<Tables>, job: ClaimedJob, runAfter: number, lastError: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'pending', run_after: runAfter, last_error: lastError })
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('attempts', '=', job.attempts)
    .execute();
}

/**
 * Hands a job back when its runner stops (graceful shutdown) before it finished: pending at
 * once, its lease given up and the interrupted attempt not counted, so another instance takes
 * it up without waiting for the lease to run out.
 */
export async function releaseJob(db: Kysely<Tables>, job: ClaimedJob, runAfter: number): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'pending', run_after: runAfter, attempts: job.attempts - 1 })
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('attempts', '=', job.attempts)
    .execute();
}

/** A recurring job is never deleted: it waits, fresh, for its next run. */
export async function scheduleNextRun(db: Kysely<Tables>, job: ClaimedJob, runAfter: number, lastError: string | null): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'pending', attempts: 0, run_after: runAfter, last_error: lastError })
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('attempts', '=', job.attempts)
    .execute();
}

/** Failed jobs stay, with their last error, for operators to see. */
export async function markJobFailed(db: Kysely<Tables>, job: ClaimedJob, lastError: string): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: 'failed', last_error: lastError })
    .where('id', '=', job.id)
    .where('status', '=', 'running')
    .where('attempts', '=', job.attempts)
    .execute();
}
