import type { Db } from '../db/database.ts';
import { type UsageCounts, type UsageDelta, addUsage } from './repo.ts';

/**
 * Usage per project, key and minute: requests served, bytes, cache hits and refusals by reason.
 * Counted in memory and added to the database every few seconds (and when the app closes), so
 * the data plane never waits for a write; several instances add to the same rows.
 */

export type Refusal = 'signature' | 'expired' | 'referer' | 'source' | 'rate_limit';

export interface UsageEvent {
  studioId: string;
  projectId: string;
  /** '' for imgproxy-format requests, which carry no key. */
  keyId: string;
  outcome: { served: { bytes: number; cacheHit: boolean } } | { refused: Refusal };
}

export interface UsageRecorder {
  record(event: UsageEvent): void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export const MINUTE_MS = 60_000;
const FLUSH_EVERY_MS = 5_000;

const emptyCounts = (): UsageCounts => ({
  requests: 0,
  bytes: 0,
  cache_hits: 0,
  refused_signature: 0,
  refused_expired: 0,
  refused_referer: 0,
  refused_source: 0,
  refused_rate_limit: 0,
});

export function createUsageRecorder(db: Db, now: () => number, onError: (error: unknown) => void): UsageRecorder {
  let pending = new Map<string, UsageDelta>();
  const flush = async (): Promise<void> => {
    const batch = [...pending.values()];
    pending = new Map();
    for (const delta of batch) await addUsage(db, delta).catch(onError);
  };
  const timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
  timer.unref();
  return {
    record(event) {
      const minute = Math.floor(now() / MINUTE_MS) * MINUTE_MS;
      const id = `${event.projectId}|${event.keyId}|${minute}`;
      let delta = pending.get(id);
      if (!delta) {
        delta = { studio_id: event.studioId, project_id: event.projectId, key_id: event.keyId, minute, ...emptyCounts() };
        pending.set(id, delta);
      }
      if ('served' in event.outcome) {
        delta.requests += 1;
        delta.bytes += event.outcome.served.bytes;
        if (event.outcome.served.cacheHit) delta.cache_hits += 1;
      } else {
        const column = `refused_${event.outcome.refused}` as const;
        delta[column] += 1;
      }
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}

