import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { zeroLengthBoxHeic } from '../../test/images.ts';
import { AppError } from '../errors.ts';
import { type ImagingPool, type ImagingPoolOptions, ImagingFailure, createImagingPool } from './pool.ts';
import type { tasks as testTasks } from '../../test/fixtures/imaging/tasks.ts';

/** The imaging pool: decoders in children that crash, hang, hoard memory or see secrets fail one task, never the server. */

const testTasksModule = new URL('../../test/fixtures/imaging/tasks.ts', import.meta.url);
const defaults: ImagingPoolOptions = { size: 1, queueLimit: 4, taskSeconds: 10, tasksPerChild: 100, childMemoryMiB: 256, idleSeconds: 30, maxInputBytes: 64 * 1024 * 1024, threads: 1 };
const warnings: string[] = [];
const logger = { warn: (_details: object, message: string) => warnings.push(message) };

let pools: Array<ImagingPool<typeof testTasks> | ImagingPool> = [];
function testPool(options: Partial<ImagingPoolOptions> = {}): ImagingPool<typeof testTasks> {
  const pool = createImagingPool<typeof testTasks>({ ...defaults, ...options, tasksModule: testTasksModule }, logger);
  pools.push(pool);
  return pool;
}
afterEach(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  pools = [];
});

async function* pieces(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function failure(promise: Promise<unknown>): Promise<{ reason?: string; code?: string; status?: number; headers?: Record<string, string> }> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return { reason: error instanceof ImagingFailure ? error.reason : undefined, code: error.code, status: error.statusCode, headers: error.headers };
}

describe('imaging pool', () => {
  it('streams a task its input in pieces and hands back Buffers', async () => {
    const pool = testPool();
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const result = await pool.run('digest', pieces(bytes, 100_000));
    expect(result).toEqual({ length: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), head: bytes.subarray(0, 4) });
    expect(Buffer.isBuffer(result.head)).toBe(true);
    expect((await pool.run('digest', Buffer.alloc(0))).length).toBe(0);
  });

  it('takes a piece as several buffers (one frame), and ends a child sent more than its input limit', async () => {
    const pool = testPool({ maxInputBytes: 1024 * 1024 });
    const bytes = randomBytes(900_000);
    async function* batches(): AsyncGenerator<Uint8Array[]> {
      for (let at = 0; at < bytes.length; at += 300_000) yield [bytes.subarray(at, at + 100_000), bytes.subarray(at + 100_000, at + 300_000)];
    }
    expect((await pool.run('digest', batches())).sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    // With the length stated, the child reads the frames into one buffer of that size.
    expect((await pool.run('digest', { length: bytes.length, pieces: batches() })).sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await failure(pool.run('digest', { length: 1000, pieces: batches() }))).toMatchObject({ reason: 'crashed', status: 422 });
    expect(await failure(pool.run('digest', pieces(randomBytes(1024 * 1024 + 1), 256 * 1024)))).toMatchObject({ reason: 'crashed', status: 422 });
    expect((await pool.run('digest', bytes)).length).toBe(bytes.length);
  });

  it('gives the child no environment and no inherited flags, so no secret of the server', async () => {
    process.env.SHUTTERLOCK_MASTER_KEYS = 'v1:c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I=';
    try {
      const { env, execArgv, pid } = await testPool({ childMemoryMiB: 300 }).run('whoAmI', Buffer.alloc(0));
      expect(pid).not.toBe(process.pid);
      // VIPSHOME is set by libvips itself as sharp loads.
      expect(Object.keys(env).filter((name) => name !== 'VIPSHOME')).toEqual(['MALLOC_ARENA_MAX']);
      expect(JSON.stringify(env)).not.toContain('c2VjcmV0');
      expect(execArgv.filter((flag) => !flag.startsWith('--allow-fs-read='))).toEqual(['--permission', '--allow-addons', '--max-old-space-size=300']);
      expect(execArgv.filter((flag) => flag.startsWith('--allow-fs-read=')).every((flag) => /\/(src|node_modules|imaging)\/$/.test(flag))).toBe(true);
    } finally {
      delete process.env.SHUTTERLOCK_MASTER_KEYS;
    }
  });

  it('lets the child read only code: not the data directory, a key file, or /etc', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'shutterlock-imaging-'));
    try {
      const keyFile = join(dataDir, 'master.key');
      await writeFile(keyFile, 'secret');
      const pool = testPool();
      expect(await pool.run('read', Buffer.alloc(0), { path: keyFile })).toBe('ERR_ACCESS_DENIED');
      expect(await pool.run('read', Buffer.alloc(0), { path: '/etc/hostname' })).toBe('ERR_ACCESS_DENIED');
      expect(await pool.run('read', Buffer.alloc(0), { path: fileURLToPath(new URL('../../package.json', import.meta.url)) })).toBe('ERR_ACCESS_DENIED');
      expect(await pool.run('read', Buffer.alloc(0), { path: fileURLToPath(import.meta.url) })).toBeGreaterThan(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('fails the one task of a crashing decoder with 422 image_unreadable, and the next task gets a new child', async () => {
    const pool = testPool();
    const before = (await pool.run('whoAmI', Buffer.alloc(0))).pid;
    expect(await failure(pool.run('crash', Buffer.from('x')))).toMatchObject({ reason: 'crashed', code: 'image_unreadable', status: 422 });
    const after = (await pool.run('whoAmI', Buffer.alloc(0))).pid;
    expect(after).not.toBe(before);
  });

  it('kills a hanging decoder at its time budget while this process keeps serving', async () => {
    const pool = testPool({ taskSeconds: 1 });
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 50);
    const started = Date.now();
    try {
      expect(await failure(pool.run('spin', Buffer.from('x')))).toMatchObject({ reason: 'timed_out', code: 'image_unreadable', status: 422 });
    } finally {
      clearInterval(ticker);
    }
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(ticks).toBeGreaterThan(5);
    expect(await pool.run('sleep', Buffer.alloc(0), { ms: 1 })).toBe(1);
  });

  it('kills a decoder above its memory ceiling', async () => {
    const pool = testPool({ childMemoryMiB: 200 });
    expect(await failure(pool.run('hoard', Buffer.alloc(0), { mib: 400 }))).toMatchObject({ reason: 'out_of_memory', status: 422 });
  });

  it('recycles a child after its number of tasks', async () => {
    const pool = testPool({ tasksPerChild: 2 });
    const pids: number[] = [];
    for (let index = 0; index < 5; index++) pids.push((await pool.run('whoAmI', Buffer.alloc(0))).pid);
    expect(new Set(pids).size).toBe(3);
    expect(pids[0]).toBe(pids[1]);
    expect(pids[1]).not.toBe(pids[2]);
  });

  it('passes a task’s own refusal through, and turns any other error into image_unreadable without its message', async () => {
    const pool = testPool();
    expect(await failure(pool.run('refuse', Buffer.from('x')))).toMatchObject({ reason: undefined, code: 'file_corrupt', status: 422 });
    const failed = await pool.run('fail', Buffer.from('x')).catch((error: unknown) => error as Error);
    expect(failed).toBeInstanceOf(ImagingFailure);
    expect(failed.message).not.toContain('secret');
  });

  it('fails the task with the input’s own error when its source fails, and stops reading it', async () => {
    const pool = testPool();
    let pulled = 0;
    async function* broken(): AsyncGenerator<Uint8Array> {
      pulled += 1;
      yield Buffer.alloc(1024);
      throw new AppError('integrity_check_failed', 'The stored data failed its integrity check.', 500);
    }
    expect(await failure(pool.run('digest', broken()))).toMatchObject({ code: 'integrity_check_failed' });
    expect(pulled).toBe(1);
    expect(await pool.run('sleep', Buffer.alloc(0), { ms: 1 })).toBe(1);
  });

  it('queues up to its bound, then refuses at once with 503 and Retry-After', async () => {
    const pool = testPool({ size: 1, queueLimit: 1 });
    const running = pool.run('sleep', Buffer.alloc(0), { ms: 1_500 });
    const queued = pool.run('sleep', Buffer.alloc(0), { ms: 1 });
    expect(pool.saturated()).toBe(true);
    expect(await failure(pool.run('sleep', Buffer.alloc(0), { ms: 1 }))).toMatchObject({ reason: 'busy', code: 'imaging_busy', status: 503, headers: { 'retry-after': '5' } });
    expect(await Promise.all([running, queued])).toEqual([1_500, 1]);
    expect(pool.saturated()).toBe(false);
  });

  it('fails a running task as closed (503, retried later) when the pool closes, not as a crash', async () => {
    const pool = testPool();
    const running = pool.run('sleep', Buffer.alloc(0), { ms: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await pool.close();
    expect(await failure(running)).toMatchObject({ reason: 'closed', status: 503 });
    expect(await failure(pool.run('sleep', Buffer.alloc(0), { ms: 1 }))).toMatchObject({ reason: 'closed' });
  });

  it('runs the real inspection on the 32-byte HEIC of issue 11: a clean refusal', async () => {
    const pool = createImagingPool({ ...defaults, taskSeconds: 20 }, logger);
    pools.push(pool);
    expect(await failure(pool.run('inspect', zeroLengthBoxHeic, { check: 'header', maxPixels: 1_000_000 }))).toMatchObject({ code: 'file_corrupt', status: 422 });
  });
});
