import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds, makeTempDir } from '../../test/harness.ts';
import { createPostgresTestDatabase } from '../../test/postgres.ts';
import { type Database, createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { type JobHandler, type JobRunnerOptions, createJobRunner, jobQueue } from './runner.ts';

/** The durable job runner: claims, retries, shutdown, crash recovery, and several runners on one queue. */

const silent = { error: () => undefined, warn: () => undefined };

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.each(databaseKinds())('job runner on %s', (kind) => {
  let database: Database;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    if (kind === 'postgres') {
      const postgres = await createPostgresTestDatabase();
      drop = postgres.drop;
      database = createDatabase({ kind: 'postgres', url: postgres.url });
    } else {
      database = createDatabase({ kind: 'sqlite', file: path.join(await makeTempDir('jobs'), 'jobs.sqlite') });
      await migrateToLatest(database);
    }
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  const db = () => database.db;
  const queue = jobQueue();
  const runner = (handlers: JobHandler[], options: Partial<JobRunnerOptions> = {}) =>
    createJobRunner({ db: db(), logger: silent, handlers, concurrency: 1, pollIntervalMs: 20, retryBaseMs: 10, ...options });
  const jobsOf = (jobKind: string) => db().selectFrom('jobs').selectAll().where('kind', '=', jobKind).execute();

  it('runs a job once and deletes it', async () => {
    const seen: unknown[] = [];
    const jobs = runner([{ kind: 'once', run: async (payload) => void seen.push(payload) }]);
    jobs.start();
    await queue.enqueue(db(), { kind: 'once', payload: { fileId: 'a' } });
    jobs.wake();
    await until(() => seen.length === 1);
    await until(async () => (await jobsOf('once')).length === 0);
    await jobs.stop();
    expect(seen).toEqual([{ fileId: 'a' }]);
  });

  it('hands an interrupted job back on stop: pending at once, the attempt not counted, so another instance takes it up', async () => {
    let started = false;
    const jobs = runner([
      {
        kind: 'interruptible',
        run: async (_payload, { signal }) => {
          started = true;
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
          signal.throwIfAborted();
        },
      },
    ]);
    jobs.start();
    await queue.enqueue(db(), { kind: 'interruptible', key: 'k', payload: null });
    jobs.wake();
    await until(() => started);
    const stoppedAt = Date.now();
    await jobs.stop();
    const [row] = await jobsOf('interruptible');
    expect(row).toEqual(expect.objectContaining({ status: 'pending', attempts: 0 }));
    expect(Number(row?.run_after)).toBeLessThanOrEqual(Date.now());
    expect(Number(row?.run_after)).toBeGreaterThanOrEqual(stoppedAt - 1);

    const seen: number[] = [];
    const other = runner([{ kind: 'interruptible', run: async (_payload, { attempt }) => void seen.push(attempt) }]);
    other.start();
    await until(() => seen.length === 1);
    await other.stop();
    expect(seen).toEqual([1]);
  });

  it('retries with backoff, then gives up, keeps the failure and tells the handler', async () => {
    let attempts = 0;
    const gaveUp: unknown[] = [];
    const jobs = runner([{ kind: 'flaky', run: async () => { attempts += 1; throw new Error('storage down'); }, giveUp: async (payload) => void gaveUp.push(payload) }], { maxAttempts: 3 });
    jobs.start();
    await queue.enqueue(db(), { kind: 'flaky', key: 'x', payload: { fileId: 'x' } });
    jobs.wake();
    await until(() => gaveUp.length === 1);
    await jobs.stop();
    expect(attempts).toBe(3);
    expect(await jobsOf('flaky')).toEqual([expect.objectContaining({ id: 'flaky:x', status: 'failed', attempts: 3, last_error: 'Error: storage down' })]);

    // Enqueueing the same key again gives it a fresh start.
    await queue.enqueue(db(), { kind: 'flaky', key: 'x', payload: { fileId: 'x' } });
    expect(await jobsOf('flaky')).toEqual([expect.objectContaining({ status: 'pending', attempts: 0, last_error: null })]);
  });

  it('never runs a job twice when several runners share the queue', async () => {
    const runs = new Map<string, number>();
    let concurrent = 0;
    let maxConcurrent = 0;
    const handler: JobHandler = {
      kind: 'shared',
      run: async (payload) => {
        const id = (payload as { n: number }).n.toString();
        runs.set(id, (runs.get(id) ?? 0) + 1);
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        await new Promise((resolve) => setTimeout(resolve, 5));
        concurrent -= 1;
      },
    };
    for (let n = 0; n < 30; n++) await queue.enqueue(db(), { kind: 'shared', payload: { n } });
    const runners = [runner([handler], { concurrency: 2 }), runner([handler], { concurrency: 2 }), runner([handler], { concurrency: 2 })];
    for (const jobs of runners) jobs.start();
    await until(() => runs.size === 30);
    await Promise.all(runners.map((jobs) => jobs.stop()));
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(maxConcurrent).toBeLessThanOrEqual(6);
    expect(await jobsOf('shared')).toEqual([]);
  });

  it('renews the lease of a job that runs longer than it, so no other runner takes it up', async () => {
    let runs = 0;
    const handler: JobHandler = {
      kind: 'long',
      run: async () => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 700));
      },
    };
    const runners = [runner([handler], { leaseMs: 150 }), runner([handler], { leaseMs: 150 })];
    await queue.enqueue(db(), { kind: 'long', payload: null });
    for (const jobs of runners) jobs.start();
    await until(async () => runs >= 1 && (await jobsOf('long')).length === 0);
    await Promise.all(runners.map((jobs) => jobs.stop()));
    expect(runs).toBe(1);
  });

  it('aborts a run whose lease another runner took over', async () => {
    let aborted = false;
    const handler: JobHandler = {
      kind: 'stalled',
      run: async (_payload, { signal }) => {
        // Another runner claims the job as if this one had stalled past its lease.
        await db().updateTable('jobs').set({ attempts: 7 }).where('kind', '=', 'stalled').execute();
        await until(() => signal.aborted, 2_000).catch(() => undefined);
        aborted = signal.aborted;
      },
    };
    const jobs = runner([handler], { leaseMs: 90 });
    await queue.enqueue(db(), { kind: 'stalled', key: 's', payload: null });
    jobs.start();
    await until(() => aborted);
    await jobs.stop();
    await db().deleteFrom('jobs').where('kind', '=', 'stalled').execute();
  });

  it('stops cleanly: waits for the running job and starts no other', async () => {
    let finished = 0;
    const jobs = runner([{ kind: 'slow', run: async () => { await new Promise((resolve) => setTimeout(resolve, 200)); finished += 1; } }]);
    await queue.enqueue(db(), { kind: 'slow', payload: null });
    await queue.enqueue(db(), { kind: 'slow', payload: null });
    jobs.start();
    await until(async () => (await jobsOf('slow')).some((job) => job.status === 'running'));
    await jobs.stop();
    expect(finished).toBe(1);
    expect((await jobsOf('slow')).map((job) => job.status)).toEqual(['pending']);
    await db().deleteFrom('jobs').where('kind', '=', 'slow').execute();
  });

  it('takes up a job whose runner died once its lease ran out', async () => {
    const seen: string[] = [];
    await queue.enqueue(db(), { kind: 'orphan', key: 'o', payload: null });
    await db().updateTable('jobs').set({ status: 'running', attempts: 1, run_after: Date.now() - 1 }).where('id', '=', 'orphan:o').execute();
    const jobs = runner([{ kind: 'orphan', run: async () => void seen.push('ran') }]);
    jobs.start();
    await until(() => seen.length === 1);
    await jobs.stop();
    expect(await jobsOf('orphan')).toEqual([]);
  });

  it('runs a recurring job once per period across runners, and keeps it for the next', async () => {
    let runs = 0;
    const handler: JobHandler = { kind: 'hourly', run: async () => void (runs += 1) };
    const schedules = [{ kind: 'hourly', everyMs: 3_600_000 }];
    const runners = [runner([handler], { schedules }), runner([handler], { schedules })];
    for (const jobs of runners) jobs.start();
    await until(() => runs >= 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all(runners.map((jobs) => jobs.stop()));
    expect(runs).toBe(1);
    const [job] = await jobsOf('hourly');
    expect(job).toMatchObject({ id: 'hourly:schedule', status: 'pending', attempts: 0 });
    expect(job?.run_after).toBeGreaterThan(Date.now() + 3_500_000);
  });
});
