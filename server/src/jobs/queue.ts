import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Db } from '../db/database.ts';
import type { JobStatus } from '../db/tables.ts';
import { NotFoundError } from '../errors.ts';
import { countJobsByKindAndStatus, retryFailedJob, selectJobs } from './queue-repo.ts';

/** The job queue as the admin console shows it: depth and age per kind, failures, retry. */

export interface QueueDepth {
  kind: string;
  pending: number;
  running: number;
  failed: number;
  /** Milliseconds the oldest due pending job has waited; 0 when none is due. */
  oldestPendingAgeMs: number;
}

export async function queueDepth(db: Db, now = Date.now()): Promise<QueueDepth[]> {
  const byKind = new Map<string, QueueDepth>();
  for (const row of await countJobsByKindAndStatus(db)) {
    const depth = byKind.get(row.kind) ?? { kind: row.kind, pending: 0, running: 0, failed: 0, oldestPendingAgeMs: 0 };
    depth[row.status] = row.count;
    if (row.status === 'pending') depth.oldestPendingAgeMs = Math.max(0, now - row.oldestRunAfter);
    byKind.set(row.kind, depth);
  }
  return [...byKind.values()];
}

export interface JobView {
  id: string;
  kind: string;
  status: JobStatus;
  attempts: number;
  runAfter: string;
  createdAt: string;
  lastError: string | null;
}

export async function listJobs(db: Db, filter: { status?: JobStatus; limit?: number }): Promise<JobView[]> {
  const rows = await selectJobs(db, { status: filter.status, limit: filter.limit ?? 100 });
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    runAfter: new Date(row.run_after).toISOString(),
    createdAt: new Date(row.created_at).toISOString(),
    lastError: row.last_error,
  }));
}

/** Runs a job that gave up once more, from its first attempt; the runner of its kind picks it up at its next poll. */
export async function retryJob(db: Db, audit: AuditContext, id: string, now = Date.now()): Promise<void> {
  if (!(await retryFailedJob(db, id, now))) throw new NotFoundError('job_not_found', 'No failed job with this id.');
  await recordAudit(db, { action: 'job.retried', ...audit, details: { jobId: id } }, now);
}
