import { Redis } from 'ioredis';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { AppError } from '../errors.ts';
import { type QuotaWindow, type Quotas, type RateLimitRule, type RateLimits, quotaHeaders, quotaRefusal, rateLimited, storeUnavailable } from './rate-limit-answers.ts';

/**
 * The rate limits and quotas of rate-limits.ts counted by rate-limiter-flexible: in Redis when
 * REDIS_URL is set, in memory for tools given neither Redis nor a database. Loaded only by
 * those (rate-limits.ts imports this module when it needs it): a server on its database never
 * holds ioredis or rate-limiter-flexible (docs/performance.md).
 */

export function createRedisRateLimits<Name extends string>(rules: Record<Name, RateLimitRule>, options: { redisUrl?: string; keyPrefix?: string }): RateLimits<Name> {
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
        throw rateLimited(rejection.msBeforeNext);
      }
    },
    async reset(name, key) {
      await limiter(name).delete(key);
    },
    async refund(name, key) {
      await limiter(name).reward(key, 1);
    },
    async close() {
      redis?.disconnect();
    },
  };
}

export function createRedisQuotas<Name extends string>(windows: Record<Name, QuotaWindow>, options: { redisUrl?: string; keyPrefix?: string }): Quotas<Name> {
  const redis = options.redisUrl ? new Redis(options.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 }) : undefined;
  redis?.on('error', () => {});
  const limiters = new Map<Name, { limiter: RateLimiterAbstract; window: QuotaWindow }>();
  for (const [name, window] of Object.entries(windows) as Array<[Name, QuotaWindow]>) {
    const base = { keyPrefix: `${options.keyPrefix ?? 'sl'}:${name}`, points: window.maxPoints, duration: window.durationSeconds };
    limiters.set(name, { limiter: redis ? new RateLimiterRedis({ ...base, storeClient: redis }) : new RateLimiterMemory(base), window });
  }
  const entry = (name: Name) => {
    const found = limiters.get(name);
    if (!found) throw new Error(`No quota named ${name}`);
    return found;
  };
  const refusal = (limit: number, result: RateLimiterRes, window: QuotaWindow): AppError =>
    quotaRefusal(quotaHeaders(limit, limit, result.msBeforeNext, window.durationSeconds), result.msBeforeNext);
  return {
    async take(name, key, limit) {
      const { limiter, window } = entry(name);
      let result: RateLimiterRes;
      try {
        result = await limiter.consume(key);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw refusal(limit, rejection, window);
        throw storeUnavailable(rejection);
      }
      if (result.consumedPoints > limit) throw refusal(limit, result, window);
      return { headers: quotaHeaders(limit, result.consumedPoints, result.msBeforeNext, window.durationSeconds) };
    },
    async spent(name, key, limit) {
      try {
        const result = await entry(name).limiter.get(key);
        return result !== null && result.consumedPoints >= limit;
      } catch (error) {
        throw storeUnavailable(error);
      }
    },
    async close() {
      redis?.disconnect();
    },
  };
}
