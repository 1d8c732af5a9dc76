import net from 'node:net';
import crypto from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
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

const stores: Array<RateLimits<'signIn'>> = [];
afterAll(async () => Promise.all(stores.map((store) => store.close())));

describe('rate limits in memory', () => {
  it('allows the configured attempts, then answers 429 with Retry-After, and forgets on reset', async () => {
    const limits = createRateLimits(rules, {});
    stores.push(limits);
    for (let attempt = 0; attempt < 3; attempt += 1) await limits.consume('signIn', 'ip-1');
    await expectRateLimited(limits.consume('signIn', 'ip-1'));
    await limits.consume('signIn', 'ip-2');
    await limits.reset('signIn', 'ip-1');
    await limits.consume('signIn', 'ip-1');
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
  });
});
