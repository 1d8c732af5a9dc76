import { generateId } from '../crypto/tokens.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { type ClaimedJob, claimDueJob, deleteFinishedJob, insertJobOnce, markJobFailed, releaseJob, renewJobLease, rescheduleJob, scheduleNextRun, upsertJob } from './repo.ts';

/**
 * Durable background jobs (previews, purges) kept in the `jobs` table, so work survives a
 * restart and is shared by every instance. Each runner polls for due jobs of its own kinds,
 * claims one atomically (jobs/repo.ts), runs at most `concurrency` at a time, retries
 * failures with exponential backoff and gives up after `maxAttempts`. Finished jobs are
 * deleted; failed ones stay with their last error. `stop()` waits for the running jobs, so
 * an app can close without work cut off mid-write; a job its handler gave up on because of the
 * stop is handed back (releaseJob) rather than left leased. While a job runs, its runner renews the
 * lease every third of it, so a job that takes longer than one lease is not claimed again by
 * another runner; a lease lost all the same (the runner stalled past it) aborts the run.
 */

export interface JobContext {
  attempt: number;
  /** Aborted when the runner stops or the run lost its lease; long handlers check it between steps. */
  signal: AbortSignal;
}

export interface JobHandler {
  kind: string;
  run(payload: unknown, context: JobContext): Promise<void>;
  /** Called once the last attempt failed, so the job's subject can show the failure. */
  giveUp?(payload: unknown, error: unknown): Promise<void>;
}

/**
 * Runs `kind` every `everyMs` across all instances: one row per schedule, never deleted,
 * which each run puts back to pending for the next period.
 */
export interface JobSchedule {
  kind: string;
  everyMs: number;
}

export interface JobRunnerOptions {
  db: Db;
  logger: { error(object: object, message: string): void; warn(object: object, message: string): void };
  handlers: readonly JobHandler[];
  schedules?: readonly JobSchedule[];
  concurrency: number;
  pollIntervalMs?: number;
  leaseMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  now?: () => number;
}

export interface JobRunner {
  start(): void;
  /** Look for work now rather than at the next poll (after enqueueing). */
  wake(): void;
  stop(): Promise<void>;
}

export interface JobQueue {
  /** `key` makes the job unique per kind: enqueueing it again resets it rather than adding a second one. */
  enqueue(db: Db, job: { kind: string; key?: string; payload: unknown; runAfter?: number }): Promise<void>;
}

export const jobQueue = (now: () => number = Date.now): JobQueue => ({
  async enqueue(db, job) {
    const at = now();
    await upsertJob(db, { id: `${job.kind}:${job.key ?? generateId()}`, kind: job.kind, payload: job.payload, runAfter: job.runAfter ?? at, createdAt: at });
  },
});

/** The one row a schedule keeps in the jobs table, whichever instance created it. */
function scheduleJobId(kind: string): string {
  return `${kind}:schedule`;
}

/** What is kept of an error in the jobs table: stable codes, never content. */
function describeError(error: unknown): string {
  if (error instanceof AppError) return error.code;
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db, logger, concurrency } = options;
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  // Long enough for the slowest preview; a job still running past it may be taken up again.
  const leaseMs = options.leaseMs ?? 15 * 60_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const retryBaseMs = options.retryBaseMs ?? 15_000;
  const now = options.now ?? Date.now;
  const handlers = new Map(options.handlers.map((handler) => [handler.kind, handler]));
  const kinds = [...handlers.keys()];
  const periods = new Map((options.schedules ?? []).map((schedule) => [scheduleJobId(schedule.kind), schedule.everyMs]));
  const running = new Set<Promise<void>>();
  const stopping = new AbortController();
  let started = false;
  let schedulesCreated = false;
  let ticking = false;
  let tickAgain = false;
  let timer: NodeJS.Timeout | undefined;

  async function createSchedules(): Promise<void> {
    for (const schedule of options.schedules ?? []) {
      await insertJobOnce(db, { id: scheduleJobId(schedule.kind), kind: schedule.kind, payload: null, runAfter: now(), createdAt: now() });
    }
  }

  /** Renews the job's lease until `stop()` is called; aborts `lost` when another runner holds the job now. */
  function keepLease(job: ClaimedJob, lost: AbortController): () => void {
    const heartbeat = setInterval(() => {
      renewJobLease(db, job, now() + leaseMs)
        .then((held) => {
          if (!held && !lost.signal.aborted) {
            logger.warn({ job: job.kind, jobId: job.id, attempt: job.attempts }, 'job lease lost; stopping this run');
            lost.abort();
          }
        })
        .catch((error: unknown) => logger.warn({ err: error, job: job.kind, jobId: job.id }, 'job lease renewal failed; will retry'));
    }, Math.max(1, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    return () => clearInterval(heartbeat);
  }

  async function execute(job: ClaimedJob): Promise<void> {
    const handler = handlers.get(job.kind);
    const period = periods.get(job.id);
    const lost = new AbortController();
    const stopRenewing = keepLease(job, lost);
    try {
      if (!handler) throw new Error(`No handler for job kind ${job.kind}.`);
      await handler.run(job.payload, { attempt: job.attempts, signal: AbortSignal.any([stopping.signal, lost.signal]) });
      await (period === undefined ? deleteFinishedJob(db, job) : scheduleNextRun(db, job, now() + period, null));
    } catch (error) {
      const lastError = describeError(error);
      if (stopping.signal.aborted && !lost.signal.aborted) {
        // Interrupted by shutdown, not failed: handed back at once, for this or another instance.
        await releaseJob(db, job, now());
      } else if (job.attempts < maxAttempts && !stopping.signal.aborted) {
        logger.warn({ err: error, job: job.kind, jobId: job.id, attempt: job.attempts }, 'job failed; will retry');
        await rescheduleJob(db, job, now() + retryBaseMs * 4 ** (job.attempts - 1), lastError);
      } else if (stopping.signal.aborted) {
        await rescheduleJob(db, job, now(), lastError);
      } else if (period !== undefined) {
        logger.error({ err: error, job: job.kind, jobId: job.id, attempt: job.attempts }, 'recurring job failed; trying again next period');
        await scheduleNextRun(db, job, now() + period, lastError);
      } else {
        logger.error({ err: error, job: job.kind, jobId: job.id, attempt: job.attempts }, 'job failed; giving up');
        await markJobFailed(db, job, lastError);
        await handler?.giveUp?.(job.payload, error);
      }
    } finally {
      stopRenewing();
    }
  }

  async function tick(): Promise<void> {
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = true;
    try {
      if (!schedulesCreated) {
        await createSchedules();
        schedulesCreated = true;
      }
      while (!stopping.signal.aborted && running.size < concurrency) {
        const job = await claimDueJob(db, kinds, now(), leaseMs);
        if (!job) break;
        const run = execute(job)
          .catch((error: unknown) => logger.error({ err: error, job: job.kind, jobId: job.id }, 'job bookkeeping failed'))
          .finally(() => {
            running.delete(run);
            wake();
          });
        running.add(run);
      }
    } catch (error) {
      if (!stopping.signal.aborted) logger.error({ err: error }, 'job polling failed');
    } finally {
      ticking = false;
    }
    if (tickAgain) {
      tickAgain = false;
      wake();
    } else {
      schedulePoll();
    }
  }

  function schedulePoll(): void {
    if (stopping.signal.aborted) return;
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), pollIntervalMs);
    timer.unref();
  }

  function wake(): void {
    if (!started || stopping.signal.aborted) return;
    setImmediate(() => void tick());
  }

  return {
    start() {
      if (started) return;
      started = true;
      wake();
    },
    wake,
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      // A tick in progress may still be claiming; wait for it, then for the jobs it started.
      while (ticking) await new Promise((resolve) => setTimeout(resolve, 5));
      await Promise.allSettled([...running]);
    },
  };
}
