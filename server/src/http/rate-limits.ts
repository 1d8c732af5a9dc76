import type { Db } from '../db/database.ts';
import { type QuotaWindow, type Quotas, type RateLimitRule, type RateLimits, quotaHeaders, quotaRefusal, rateLimited } from './rate-limit-answers.ts';
import {
  countRateLimitPoint,
  currentRateLimitPoints,
  deleteExpiredRateLimitCounters,
  deleteRateLimitCounter,
  findRateLimitCounter,
  refundRateLimitPoint,
  saveRateLimitCounter,
} from './rate-limits-repo.ts';

/**
 * Named rate limits. In Redis when REDIS_URL is set, over rate-limiter-flexible, so every
 * instance shares the count; if Redis stops answering, an in-memory limiter takes over (the
 * library's insurance limiter), so limits keep applying. Without Redis, in the database
 * (`rate_limit_counters`, one atomic upsert per attempt), so a restart — or a crash a client
 * provoked — resets no budget and instances sharing a PostgreSQL database share the counts.
 * In memory only when given neither (tools that build services without a database).
 * Keys are whatever the caller passes — callers pass hashes of emails, never raw addresses.
 */

export type { QuotaState, QuotaWindow, Quotas, RateLimitRule, RateLimits } from './rate-limit-answers.ts';

/**
 * The Redis and in-memory stores (redis-rate-limits.ts) are imported on first need, started at
 * once; their import failing rejects the calls, never the process.
 */
function whenLoaded<T>(store: Promise<T>): Promise<T> {
  store.catch(() => undefined);
  return store;
}

// Ended windows are deleted now and then, not on every attempt.
const cleanupEvery = 500;

function createDatabaseRateLimits<Name extends string>(rules: Record<Name, RateLimitRule>, db: Db, keyPrefix: string, now: () => number): RateLimits<Name> {
  let attempts = 0;
  const storedKey = (name: Name, key: string) => `${keyPrefix}:${name}:${key}`;
  return {
    async consume(name, key) {
      const rule = rules[name];
      if (!rule) throw new Error(`No rate limit named ${name}`);
      const at = now();
      attempts += 1;
      if (attempts % cleanupEvery === 0) await deleteExpiredRateLimitCounters(db, at);
      const counted = await countRateLimitPoint(db, storedKey(name, key), at, rule.durationSeconds * 1000);
      if (counted.points > rule.points) throw rateLimited(counted.expiresAt - at);
    },
    async reset(name, key) {
      await deleteRateLimitCounter(db, storedKey(name, key));
    },
    async refund(name, key) {
      await refundRateLimitPoint(db, storedKey(name, key), now());
    },
    async close() {},
  };
}

export function createRateLimits<Name extends string>(
  rules: Record<Name, RateLimitRule>,
  options: { redisUrl?: string; keyPrefix?: string; db?: Db; now?: () => number },
): RateLimits<Name> {
  if (!options.redisUrl && options.db) return createDatabaseRateLimits(rules, options.db, options.keyPrefix ?? 'sl', options.now ?? Date.now);
  // Started at once, so that a Redis connection opens with the server, as the limits are made.
  const limits = whenLoaded(import('./redis-rate-limits.ts').then((stores) => stores.createRedisRateLimits(rules, options)));
  return {
    consume: async (name, key) => (await limits).consume(name, key),
    reset: async (name, key) => (await limits).reset(name, key),
    refund: async (name, key) => (await limits).refund(name, key),
    close: async () => limits.then((loaded) => loaded.close(), () => undefined),
  };
}

function createDatabaseQuotas<Name extends string>(windows: Record<Name, QuotaWindow>, db: Db, keyPrefix: string, now: () => number): Quotas<Name> {
  let taken = 0;
  const window = (name: Name): QuotaWindow => {
    const found = windows[name];
    if (!found) throw new Error(`No quota named ${name}`);
    return found;
  };
  const storedKey = (name: Name, key: string) => `${keyPrefix}:${name}:${key}`;
  return {
    async take(name, key, limit) {
      const { durationSeconds } = window(name);
      const at = now();
      taken += 1;
      if (taken % cleanupEvery === 0) await deleteExpiredRateLimitCounters(db, at);
      const counted = await countRateLimitPoint(db, storedKey(name, key), at, durationSeconds * 1000);
      const headers = quotaHeaders(limit, counted.points, counted.expiresAt - at, durationSeconds);
      if (counted.points > limit) throw quotaRefusal(headers, counted.expiresAt - at);
      return { headers };
    },
    async spent(name, key, limit) {
      window(name);
      return (await currentRateLimitPoints(db, storedKey(name, key), now())) >= limit;
    },
    async close() {},
  };
}

export const WRITE_BEHIND_MS = 1_000;
/** Beyond this many counters in memory, those already written are dropped at the next write-back (read again when next used). */
const MAX_HELD_COUNTERS = 100_000;

interface HeldCounter {
  points: number;
  expiresAt: number;
  /** Counted since the last write-back. */
  dirty: boolean;
}

function createWriteBehindQuotas<Name extends string>(windows: Record<Name, QuotaWindow>, db: Db, keyPrefix: string, now: () => number, onError: (error: unknown) => void): Quotas<Name> {
  const held = new Map<string, HeldCounter>();
  const loading = new Map<string, Promise<HeldCounter>>();
  const window = (name: Name): QuotaWindow => {
    const found = windows[name];
    if (!found) throw new Error(`No quota named ${name}`);
    return found;
  };
  const storedKey = (name: Name, key: string) => `${keyPrefix}:${name}:${key}`;
  const counter = async (key: string, at: number): Promise<HeldCounter> => {
    const found = held.get(key);
    if (found) return found;
    let pending = loading.get(key);
    if (!pending) {
      pending = findRateLimitCounter(db, key, at)
        .then((row) => {
          const loaded = { points: row?.points ?? 0, expiresAt: row?.expiresAt ?? 0, dirty: false };
          held.set(key, loaded);
          return loaded;
        })
        .finally(() => loading.delete(key));
      loading.set(key, pending);
    }
    return pending;
  };
  let writes = 0;
  let writing: Promise<void> | undefined;
  const writeBack = async (): Promise<void> => {
    const at = now();
    const batch: Array<{ key: string; counter: HeldCounter; points: number; expiresAt: number }> = [];
    // Synchronous up to the first write, so no request holds a counter dropped here.
    for (const [key, counter] of held) {
      if (counter.dirty) {
        counter.dirty = false;
        batch.push({ key, counter, points: counter.points, expiresAt: counter.expiresAt });
      } else if (counter.expiresAt <= at || held.size > MAX_HELD_COUNTERS) {
        held.delete(key);
      }
    }
    for (const entry of batch) {
      await saveRateLimitCounter(db, entry.key, entry.points, entry.expiresAt).catch((error: unknown) => {
        entry.counter.dirty = true;
        onError(error);
      });
    }
    writes += 1;
    if (writes % 60 === 0) await deleteExpiredRateLimitCounters(db, at).catch(onError);
  };
  const flush = async (): Promise<void> => {
    await writing;
    writing = writeBack().finally(() => (writing = undefined));
    await writing;
  };
  const timer = setInterval(() => void flush(), WRITE_BEHIND_MS);
  timer.unref();
  return {
    async take(name, key, limit) {
      const { durationSeconds } = window(name);
      const counted = await counter(storedKey(name, key), now());
      const at = now();
      if (counted.expiresAt <= at) {
        counted.points = 0;
        counted.expiresAt = at + durationSeconds * 1000;
      }
      counted.points += 1;
      counted.dirty = true;
      const headers = quotaHeaders(limit, counted.points, counted.expiresAt - at, durationSeconds);
      if (counted.points > limit) throw quotaRefusal(headers, counted.expiresAt - at);
      return { headers };
    },
    async spent(name, key, limit) {
      window(name);
      const counted = await counter(storedKey(name, key), now());
      return counted.expiresAt > now() && counted.points >= limit;
    },
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

/**
 * Quotas: counters whose limit is the caller's (an API key's own per-minute and per-day
 * limits), answered with the `RateLimit-*` headers (IETF draft: limit, remaining, seconds to
 * reset) on every pass and `Retry-After` on a refusal. Counted where the limits above are:
 * Redis when REDIS_URL is set, otherwise the database (memory only when given neither). Unlike
 * the limits above they fail closed: when Redis is configured and does not answer, nothing is
 * counted in memory instead (another instance could not see it) and the request is refused with
 * 503 `rate_limit_unavailable`.
 *
 * When the database is the instance's alone (`singleInstance`: SQLite, which only one server
 * uses), a statement per request is not needed to share counts: they are kept in memory,
 * authoritative, read from the database the first time a key is seen and written back every
 * WRITE_BEHIND_MS (and on close), so a restart keeps the budget and a crash forgets at most the
 * last second's requests. This was the largest share of a cached image answer's CPU time
 * (docs/performance.md).
 */
export function createQuotas<Name extends string>(
  windows: Record<Name, QuotaWindow>,
  options: { redisUrl?: string; keyPrefix?: string; db?: Db; now?: () => number; singleInstance?: { onError(error: unknown): void } },
): Quotas<Name> {
  if (!options.redisUrl && options.db && options.singleInstance) {
    return createWriteBehindQuotas(windows, options.db, options.keyPrefix ?? 'sl', options.now ?? Date.now, options.singleInstance.onError);
  }
  if (!options.redisUrl && options.db) return createDatabaseQuotas(windows, options.db, options.keyPrefix ?? 'sl', options.now ?? Date.now);
  const quotas = whenLoaded(import('./redis-rate-limits.ts').then((stores) => stores.createRedisQuotas(windows, options)));
  return {
    take: async (name, key, limit) => (await quotas).take(name, key, limit),
    spent: async (name, key, limit) => (await quotas).spent(name, key, limit),
    close: async () => quotas.then((loaded) => loaded.close(), () => undefined),
  };
}
