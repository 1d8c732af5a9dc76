import type { Kysely, Selectable } from 'kysely';
import type { JobStatus, JobsTable, Tables } from '../db/tables.ts';

/** Queries on `jobs` for the admin console: the queue's shape, the failed jobs, a retry. */

export type JobRow = Selectable<JobsTable>;

/** Jobs per kind and status, with the oldest due time (how long work has waited). */
export async function countJobsByKindAndStatus(db: Kysely<Tables>): Promise<Array<{ kind: string; status: JobStatus; count: number; oldestRunAfter: number }>> {
  const rows = await db
    .selectFrom('jobs')
    .select((eb) => ['kind', 'status', eb.fn.countAll<number>().as('count'), eb.fn.min<number>('run_after').as('oldest')])
    .groupBy(['kind', 'status'])
    .orderBy('kind')
    .orderBy('status')
    .execute();
  return rows.map((row) => ({ kind: row.kind, status: row.status, count: Number(row.count), oldestRunAfter: Number(row.oldest) }));
}

/** Newest first, optionally of one status, at most `limit`. */
export async function selectJobs(db: Kysely<Tables>, filter: { status?: JobStatus; limit: number }): Promise<JobRow[]> {
  let query = db.selectFrom('jobs').selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query.execute();
}

/** Puts a failed job back to pending, due now, with a fresh attempt count; false when it is not a failed job. */
export async function retryFailedJob(db: Kysely<Tables>, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('jobs').set({ status: 'pending', attempts: 0, run_after: now }).where('id', '=', id).where('status', '=', 'failed').executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
