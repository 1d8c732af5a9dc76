import net from 'node:net';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeTempDir, databaseKinds } from '../../test/harness.ts';
import { createPostgresTestDatabase } from '../../test/postgres.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { WRITE_BEHIND_MS, createQuotas } from './rate-limits.ts';

/** Quotas with the caller's limit: in memory, in SQLite and PostgreSQL, through Redis, and failing closed when Redis is gone. */

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const { hostname, port } = new URL(redisUrl);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

const windows = { perMinute: { durationSeconds: 60, maxPoints: 1000 } };
const databases = databaseKinds().map((kind) => [kind, kind] as const);
const stores = [['memory', 'memory'], ...databases, ...((await redisReachable()) ? [['Redis', 'redis'] as const] : [])] as const;

async function storeOptions(store: string): Promise<{ options: Parameters<typeof createQuotas>[1]; close(): Promise<void> }> {
  const keyPrefix = `sl:test:${crypto.randomUUID()}`;
  if (store === 'memory') return { options: { keyPrefix }, close: async () => {} };
  if (store === 'redis') return { options: { keyPrefix, redisUrl }, close: async () => {} };
  const dir = await makeTempDir('quotas');
  const postgres = store === 'postgres' ? await createPostgresTestDatabase() : undefined;
  const database = createDatabase(postgres ? { kind: 'postgres', url: postgres.url } : { kind: 'sqlite', file: path.join(dir, 'db.sqlite') });
  await migrateToLatest(database);
  return {
    options: { keyPrefix, db: database.db },
    async close() {
      await database.close();
      await postgres?.drop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

describe.each(stores)('quotas in %s', (_name, store) => {
  it('counts against each caller’s own limit, with RateLimit headers, then refuses with Retry-After', async () => {
    const backing = await storeOptions(store);
    const quotas = createQuotas(windows, backing.options);
    try {
      const first = await quotas.take('perMinute', 'key-a', 2);
      expect(first.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1', 'ratelimit-policy': '2;w=60' });
      await quotas.take('perMinute', 'key-a', 2);
      expect(await quotas.spent('perMinute', 'key-a', 2)).toBe(true);
      await expect(quotas.take('perMinute', 'key-a', 2)).rejects.toMatchObject({ code: 'rate_limited', statusCode: 429, headers: expect.objectContaining({ 'ratelimit-remaining': '0', 'retry-after': expect.stringMatching(/^\d+$/) }) });
      // Another key has its own count and its own limit.
      expect((await quotas.take('perMinute', 'key-b', 5)).headers['ratelimit-remaining']).toBe('4');
      expect(await quotas.spent('perMinute', 'key-c', 5)).toBe(false);
    } finally {
      await quotas.close();
      await backing.close();
    }
  });
});

describe('quotas of a single-instance database (SQLite), counted in memory and written behind', () => {
  it('enforce each limit in memory, keep the budget across a restart, and let a window end', async () => {
    const dir = await makeTempDir('quotas');
    const database = createDatabase({ kind: 'sqlite', file: path.join(dir, 'db.sqlite') });
    await migrateToLatest(database);
    let now = 1_700_000_000_000;
    const options = { keyPrefix: 'sl:test', db: database.db, now: () => now, singleInstance: { onError: (error: unknown) => { throw error; } } };
    try {
      const first = createQuotas(windows, options);
      await Promise.all([first.take('perMinute', 'key-a', 3), first.take('perMinute', 'key-a', 3)]);
      expect(await first.spent('perMinute', 'key-a', 2)).toBe(true);
      await first.close(); // writes the counts, as a shutdown does
      const restarted = createQuotas(windows, options);
      expect((await restarted.take('perMinute', 'key-a', 3)).headers['ratelimit-remaining']).toBe('0');
      await expect(restarted.take('perMinute', 'key-a', 3)).rejects.toMatchObject({ code: 'rate_limited', statusCode: 429 });
      now += 61_000;
      expect((await restarted.take('perMinute', 'key-a', 3)).headers['ratelimit-remaining']).toBe('2');
      await restarted.close();
      // Written within WRITE_BEHIND_MS without a close, too: a crash forgets at most that long.
      const live = createQuotas(windows, { ...options, now: Date.now });
      await live.take('perMinute', 'key-b', 5);
      await new Promise((resolve) => setTimeout(resolve, WRITE_BEHIND_MS + 200));
      const other = createQuotas(windows, { ...options, now: Date.now });
      expect((await other.take('perMinute', 'key-b', 5)).headers['ratelimit-remaining']).toBe('3');
      await Promise.all([live.close(), other.close()]);
    } finally {
      await database.close();
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('quotas when Redis is unreachable', () => {
  it('fail closed: 503 rate_limit_unavailable, nothing counted in memory instead', async () => {
    const quotas = createQuotas(windows, { redisUrl: 'redis://127.0.0.1:1', keyPrefix: 'sl:test:down' });
    try {
      await expect(quotas.take('perMinute', 'key-a', 10)).rejects.toMatchObject({ code: 'rate_limit_unavailable', statusCode: 503 });
      await expect(quotas.spent('perMinute', 'key-a', 10)).rejects.toMatchObject({ code: 'rate_limit_unavailable' });
    } finally {
      await quotas.close();
    }
  });
});
