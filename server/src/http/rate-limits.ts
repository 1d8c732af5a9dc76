import { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors.ts';

/**
 * Named rate limits over rate-limiter-flexible: in memory for one instance, in Redis when
 * REDIS_URL is set so every instance shares the count. If Redis stops answering, an
 * in-memory limiter takes over (the library's insurance limiter), so limits keep applying.
 * Keys are whatever the caller passes — callers pass hashes of emails, never raw addresses.
 */

export interface RateLimitRule {
  points: number;
  durationSeconds: number;
}

export interface RateLimits<Name extends string> {
  /** Counts one attempt; throws 429 `rate_limited` with Retry-After when the limit is spent. */
  consume(name: Name, key: string): Promise<void>;
  /** Forgets the count, e.g. after a successful sign-in for that account. */
  reset(name: Name, key: string): Promise<void>;
  close(): Promise<void>;
}

export function createRateLimits<Name extends string>(
  rules: Record<Name, RateLimitRule>,
  options: { redisUrl?: string; keyPrefix?: string },
): RateLimits<Name> {
  // Commands wait for the connection (offline queue) but give up after one reconnect attempt,
  // so a Redis outage costs a short delay before the insurance limiter answers.
  const redis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 }) : undefined;
  // Connection errors are handled by the insurance limiter; keep them out of the process' error path.
  redis?.on('error', () => {});
  const limiters = new Map<Name, RateLimiterAbstract>();
  for (const [name, rule] of Object.entries(rules) as Array<[Name, RateLimitRule]>) {
    const base = { keyPrefix: `${options.keyPrefix ?? 'sl'}:${name}`, points: rule.points, duration: rule.durationSeconds };
    limiters.set(
      name,
      redis ? new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter: new RateLimiterMemory(base) }) : new RateLimiterMemory(base),
    );
  }
  const limiter = (name: Name): RateLimiterAbstract => {
    const found = limiters.get(name);
    if (!found) throw new Error(`No rate limit named ${name}`);
    return found;
  };
  return {
    async consume(name, key) {
      try {
        await limiter(name).consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw new AppError('rate_limited', 'Too many attempts. Try again later.', 429, { headers: { 'retry-after': String(retryAfter) } });
      }
    },
    async reset(name, key) {
      await limiter(name).delete(key);
    },
    async close() {
      redis?.disconnect();
    },
  };
}
