import type { StudioActor } from '../http/access.ts';
import type { ImagesDeps } from './deps.ts';
import { requireProject } from './projects.ts';
import { type UsageCounts, listProjectUsage } from './repo.ts';
import { MINUTE_MS } from './usage-recorder.ts';

/** The usage report of a project or key, for the usage charts (counted by usage-recorder.ts). */

const DAY_MS = 24 * 60 * MINUTE_MS;

export interface UsagePoint {
  at: string;
  requests: number;
  bytes: number;
  cacheHits: number;
  refused: { signature: number; expired: number; referer: number; source: number; rateLimit: number };
}

export interface UsageReport {
  /** The last 60 minutes, one point per minute (oldest first). */
  perMinute: UsagePoint[];
  /** The last 30 days, one point per UTC day (oldest first). */
  perDay: UsagePoint[];
}

function point(at: number, rows: readonly UsageCounts[]): UsagePoint {
  const sum = (pick: (row: UsageCounts) => number): number => rows.reduce((total, row) => total + Number(pick(row)), 0);
  return {
    at: new Date(at).toISOString(),
    requests: sum((row) => row.requests),
    bytes: sum((row) => row.bytes),
    cacheHits: sum((row) => row.cache_hits),
    refused: {
      signature: sum((row) => row.refused_signature),
      expired: sum((row) => row.refused_expired),
      referer: sum((row) => row.refused_referer),
      source: sum((row) => row.refused_source),
      rateLimit: sum((row) => row.refused_rate_limit),
    },
  };
}

function series(rows: ReadonlyArray<UsageCounts & { minute: number }>, start: number, step: number, count: number): UsagePoint[] {
  return Array.from({ length: count }, (_, index) => {
    const from = start + index * step;
    return point(from, rows.filter((row) => row.minute >= from && row.minute < from + step));
  });
}

/** A project's usage, or one of its keys' (`keyId`). */
export async function getUsage(deps: ImagesDeps, actor: StudioActor, projectId: string, keyId?: string): Promise<UsageReport> {
  await requireProject(deps, actor, projectId);
  await deps.usage.flush();
  const now = deps.now();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const thisMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const rows = (await listProjectUsage(deps.db, actor.studioId, projectId, today - 29 * DAY_MS)).filter((row) => keyId === undefined || row.key_id === keyId);
  const numeric = rows.map((row) => ({ ...row, minute: Number(row.minute) }));
  return {
    perMinute: series(numeric, thisMinute - 59 * MINUTE_MS, MINUTE_MS, 60),
    perDay: series(numeric, today - 29 * DAY_MS, DAY_MS, 30),
  };
}
