import net from 'node:net';
import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import { databaseKinds, makeTempDir } from '../../test/harness.ts';
import { createPostgresTestDatabase } from '../../test/postgres.ts';
import { type Database, createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { AppError } from '../errors.ts';
import { type RateLimits, createRateLimits } from './rate-limits.ts';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const { hostname, port } = new URL(redisUrl);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || 6379) });
    socket.setTimeout(1_000);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
  });
}

const redisAvailable = await redisReachable();
if (!redisAvailable) {
  if (process.env.CI) throw new Error(`Redis is not reachable at ${redisUrl}, and CI requires it.`);
  console.warn(`\n  NOTICE: Redis is not reachable at ${redisUrl}; the Redis rate-limit tests are SKIPPED.\n`);
}

const rules = { signIn: { points: 3, durationSeconds: 60 } };

async function expectRateLimited(attempt: Promise<void>): Promise<void> {
  const error = await attempt.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('rate_limited');
  expect((error as AppError).statusCode).toBe(429);
  expect(Number((error as AppError).headers?.['retry-after'])).toBeGreaterThan(0);
}

/** A refunded point is available again, once: an attempt a second limit refused costs the first nothing. */
async function expectRefund(limits: RateLimits<'signIn'>, key: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt += 1) await limits.consume('signIn', key);
  await limits.refund('signIn', key);
  await limits.consume('signIn', key);
  await expectRateLimited(limits.consume('signIn', key));
}

const stores: Array<RateLimits<'signIn'>> = [];
afterAll(async () => Promise.all(stores.map((store) => store.close())));

async function openMigrated(kind: 'sqlite' | 'postgres'): Promise<{ database: Database; cleanup(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = await makeTempDir('limits');
    const database = createDatabase({ kind: 'sqlite', file: path.join(dir, 'test.sqlite') });
    await migrateToLatest(database);
    return { database, cleanup: async () => { await database.close(); await fs.rm(dir, { recursive: true, force: true }); } };
  }
  const postgres = await createPostgresTestDatabase();
  const database = createDatabase({ kind: 'postgres', url: postgres.url });
  await migrateToLatest(database);
  return { database, cleanup: async () => { await database.close(); await postgres.drop(); } };
}

describe.each(databaseKinds())('rate limits in the database on %s (no Redis)', (kind) => {
  it('counts across restarts and instances, answers 429 with Retry-After, forgets on reset and when the window ends', async () => {
    const { database, cleanup } = await openMigrated(kind);
    try {
      let now = 1_700_000_000_000;
      const clock = () => now;
      const first = createRateLimits(rules, { db: database.db, keyPrefix: 'test', now: clock });
      for (let attempt = 0; attempt < 2; attempt += 1) await first.consume('signIn', 'ip-1');
      // A restart (a new instance over the same database) keeps the count.
      const afterRestart = createRateLimits(rules, { db: database.db, keyPrefix: 'test', now: clock });
      await afterRestart.consume('signIn', 'ip-1');
      await expectRateLimited(afterRestart.consume('signIn', 'ip-1'));
      await Promise.all(Array.from({ length: 5 }, () => afterRestart.consume('signIn', 'ip-2').catch(() => undefined)));
      await expectRateLimited(first.consume('signIn', 'ip-2'));
      await afterRestart.reset('signIn', 'ip-1');
      await first.consume('signIn', 'ip-1');
      now += 61_000;
      for (let attempt = 0; attempt < 3; attempt += 1) await first.consume('signIn', 'ip-2');
      await expectRateLimited(first.consume('signIn', 'ip-2'));
      await expectRefund(first, 'ip-3');
      // A refund without a window counts nothing and makes none.
      await first.refund('signIn', 'ip-4');
      expect(await database.db.selectFrom('rate_limit_counters').select('key').where('key', '=', 'test:signIn:ip-4').executeTakeFirst()).toBeUndefined();
    } finally {
      await cleanup();
    }
  });
});

describe('rate limits in memory', () => {
  it('allows the configured attempts, then answers 429 with Retry-After, and forgets on reset', async () => {
    const limits = createRateLimits(rules, {});
    stores.push(limits);
    for (let attempt = 0; attempt < 3; attempt += 1) await limits.consume('signIn', 'ip-1');
    await expectRateLimited(limits.consume('signIn', 'ip-1'));
    await limits.consume('signIn', 'ip-2');
    await limits.reset('signIn', 'ip-1');
    await limits.consume('signIn', 'ip-1');
    await expectRefund(limits, 'ip-3');
  });
});

describe.runIf(redisAvailable)('rate limits in Redis', () => {
  it('share one count between instances', async () => {
    const prefix = `sl-test-${crypto.randomBytes(6).toString('hex')}`;
    const first = createRateLimits(rules, { redisUrl, keyPrefix: prefix });
    const second = createRateLimits(rules, { redisUrl, keyPrefix: prefix });
    stores.push(first, second);
    await first.consume('signIn', 'account-a');
    await second.consume('signIn', 'account-a');
    await first.consume('signIn', 'account-a');
    await expectRateLimited(second.consume('signIn', 'account-a'));
    await second.reset('signIn', 'account-a');
    await first.consume('signIn', 'account-a');
    await expectRefund(first, 'account-b');
  });
});
