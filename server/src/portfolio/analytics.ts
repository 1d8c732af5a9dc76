import { isbot } from 'isbot';
import { hmacSha256Hex } from '../crypto/hashing.ts';
import { generateBase64UrlSecret } from '../crypto/tokens.ts';
import { inTransaction } from '../db/database.ts';
import type { AnalyticsKind } from '../db/tables.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { PortfolioDeps } from './deps.ts';
import {
  type PortfolioRow,
  addDailyCount,
  deleteSaltsBefore,
  findPortfolioBySlug,
  findPortfolioCollection,
  findPortfolioPhotos,
  findSalt,
  insertSalt,
  insertVisitor,
  rollUpVisitors,
} from './repo.ts';

/**
 * Analytics without cookies, stored addresses or user agents (docs/portfolio.md). A visitor is
 * counted once a day by HMAC-SHA-256(the day's random salt, address + user agent + portfolio):
 * the salt is deleted once the day is over, and the hashes after 48 hours, when only the day's
 * count of them stays. Events are added to daily counters at once; nothing else is kept. A page
 * view counts once per visitor, page and half hour (reloads add nothing). Bots
 * (by user agent, isbot) and browsers sending `DNT: 1` or `Sec-GPC: 1` are not counted.
 */

export const DAY_MS = 24 * 3600_000;
/** Visitor hashes are kept for the day and the next (at most 48 hours), then only counted. */
const HASH_DAYS = 2;

export interface Visit {
  ip: string;
  userAgent: string;
  /** DNT: 1 or Sec-GPC: 1. */
  optedOut: boolean;
  /** The Referer header of a page request, if any. */
  referer?: string | undefined;
}

export interface AnalyticsEvent {
  kind: 'impression' | 'view' | 'click' | 'download';
  photoId?: string | undefined;
  collectionId?: string | undefined;
  target?: string | undefined;
}

export function dayOf(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS);
}

/** Whether this request may be counted at all: a person's browser that did not opt out. */
export function countable(visit: Visit): boolean {
  if (visit.optedOut) return false;
  if (visit.userAgent.trim() === '') return false;
  return !isbot(visit.userAgent);
}

const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** A referrer as its host name only ('' for none, our own hosts, or anything unreadable). */
export function referrerHost(deps: Pick<PortfolioDeps, 'publicUrl' | 'domain'>, referer: string | undefined): string {
  if (!referer) return '';
  let host: string;
  try {
    host = referer.includes('://') ? new URL(referer).hostname : referer.toLowerCase();
  } catch {
    return '';
  }
  host = host.replace(/^www\./, '').replace(/\.$/, '');
  if (!HOST.test(host)) return '';
  const own = new URL(deps.publicUrl).hostname;
  if (host === own || (deps.domain && (host === deps.domain || host.endsWith(`.${deps.domain}`)))) return '';
  return host;
}

const salts = new WeakMap<PortfolioDeps, { day: number; salt: string }>();

async function saltOf(deps: PortfolioDeps, day: number): Promise<string> {
  const held = salts.get(deps);
  if (held && held.day === day) return held.salt;
  // Every instance uses the same salt for the day: the first to need one stores it.
  await insertSalt(deps.db, day, generateBase64UrlSecret(32));
  const salt = (await findSalt(deps.db, day))!;
  salts.set(deps, { day, salt });
  await rollUp(deps, day).catch((error: unknown) => deps.logger.warn({ err: error }, 'portfolio visitor hashes not rolled up'));
  return salt;
}

/** Yesterday's salt and the hashes older than 48 hours go; their counts stay. */
export async function rollUp(deps: PortfolioDeps, today = dayOf(deps.now())): Promise<void> {
  await deleteSaltsBefore(deps.db, today);
  await inTransaction(deps.db, (trx) => rollUpVisitors(trx, today - HASH_DAYS + 1));
}

async function countVisitor(deps: PortfolioDeps, portfolio: PortfolioRow, day: number, visit: Visit): Promise<void> {
  const salt = await saltOf(deps, day);
  const visitorHash = hmacSha256Hex(Buffer.from(salt, 'utf8'), JSON.stringify([visit.ip, visit.userAgent, portfolio.id]));
  await insertVisitor(deps.db, { portfolio_id: portfolio.id, day, visitor_hash: visitorHash });
}

async function add(deps: PortfolioDeps, portfolio: PortfolioRow, day: number, kind: AnalyticsKind, detail: { photoId?: string | undefined; collectionId?: string | undefined; referrer?: string }, count: number): Promise<void> {
  await addDailyCount(deps.db, {
    studio_id: portfolio.studio_id,
    portfolio_id: portfolio.id,
    day,
    kind,
    photo_id: detail.photoId ?? '',
    collection_id: detail.collectionId ?? '',
    referrer: detail.referrer ?? '',
    count,
  });
}

/**
 * Page views are counted in memory and written once a second (one upsert per distinct counter
 * and one insert per new visitor hash), so a busy page costs no write per request; a crash
 * loses at most a second of counts. Beacon events, already limited per network, are written
 * as they come.
 */
interface PendingViews {
  counts: Map<string, { portfolio: PortfolioRow; day: number; collectionId: string | undefined; referrer: string; count: number }>;
  visitors: Map<string, { portfolio_id: string; day: number; visitor_hash: string }>;
  timer: ReturnType<typeof setInterval>;
  flushing: Promise<void> | undefined;
}

const FLUSH_EVERY_MS = 1000;
const pending = new WeakMap<PortfolioDeps, PendingViews>();

function pendingOf(deps: PortfolioDeps): PendingViews {
  let held = pending.get(deps);
  if (!held) {
    const created: PendingViews = { counts: new Map(), visitors: new Map(), timer: setInterval(() => void flushPageViews(deps), FLUSH_EVERY_MS), flushing: undefined };
    created.timer.unref();
    pending.set(deps, created);
    held = created;
  }
  return held;
}

/** Writes the page views counted since the last flush. */
export async function flushPageViews(deps: PortfolioDeps): Promise<void> {
  const held = pending.get(deps);
  if (!held || (held.counts.size === 0 && held.visitors.size === 0)) return;
  if (held.flushing) return held.flushing;
  const counts = [...held.counts.values()];
  const visitors = [...held.visitors.values()];
  held.counts = new Map();
  held.visitors = new Map();
  // Each write on its own: a portfolio unpublished since its view was counted (its row gone)
  // loses only its own counts, not the rest of the second's.
  const written = async (write: () => Promise<void>) =>
    write().catch((error: unknown) => deps.logger.warn({ err: error }, 'portfolio page views were not counted'));
  held.flushing = (async () => {
    try {
      for (const entry of counts) await written(() => add(deps, entry.portfolio, entry.day, 'page_view', { collectionId: entry.collectionId, referrer: entry.referrer }, entry.count));
      for (const visitor of visitors) await written(() => insertVisitor(deps.db, visitor));
    } finally {
      held.flushing = undefined;
    }
  })();
  return held.flushing;
}

/** Flushes and stops the timer (the app is closing). */
export async function stopPageViews(deps: PortfolioDeps): Promise<void> {
  const held = pending.get(deps);
  if (!held) return;
  clearInterval(held.timer);
  await held.flushing;
  await flushPageViews(deps);
}

/** A visitor's page counts once in this window: reloading it, however often, adds nothing. */
export const REPEAT_VIEW_WINDOW_MS = 30 * 60_000;
/** (visitor hash, page) pairs remembered per app; past this the oldest are forgotten first. */
const MAX_RECENT_VIEWS = 100_000;
const recentViews = new WeakMap<PortfolioDeps, Map<string, number>>();

/**
 * Whether this visitor saw this page within the window, remembering it now if not. Kept in
 * memory by the salted visitor hash (never an address), per instance: behind several instances
 * a reloading visitor counts at most once per instance and window.
 */
function seenRecently(deps: PortfolioDeps, visitorHash: string, collectionId: string | null, now: number): boolean {
  let recent = recentViews.get(deps);
  if (!recent) {
    recent = new Map();
    recentViews.set(deps, recent);
  }
  const key = `${visitorHash}|${collectionId ?? ''}`;
  const until = recent.get(key);
  if (until !== undefined && until > now) return true;
  recent.delete(key);
  recent.set(key, now + REPEAT_VIEW_WINDOW_MS);
  // One window for all, so insertion order is expiry order: the oldest are the expired ones.
  for (const [oldest, expires] of recent) {
    if (expires > now && recent.size <= MAX_RECENT_VIEWS) break;
    recent.delete(oldest);
  }
  return false;
}

/** A server-rendered page was shown (home: collectionId null). Never throws: a page is never refused for its count. */
export async function recordPageView(deps: PortfolioDeps, portfolio: PortfolioRow, collectionId: string | null, visit: Visit): Promise<void> {
  if (!countable(visit)) return;
  try {
    const now = deps.now();
    const day = dayOf(now);
    const salt = await saltOf(deps, day);
    const visitorHash = hmacSha256Hex(Buffer.from(salt, 'utf8'), JSON.stringify([visit.ip, visit.userAgent, portfolio.id]));
    if (seenRecently(deps, visitorHash, collectionId, now)) return;
    const referrer = referrerHost(deps, visit.referer);
    const held = pendingOf(deps);
    const key = JSON.stringify([portfolio.id, day, collectionId ?? '', referrer]);
    const entry = held.counts.get(key);
    if (entry) entry.count += 1;
    else held.counts.set(key, { portfolio, day, collectionId: collectionId ?? undefined, referrer, count: 1 });
    held.visitors.set(`${portfolio.id}|${day}|${visitorHash}`, { portfolio_id: portfolio.id, day, visitor_hash: visitorHash });
  } catch (error) {
    deps.logger.warn({ err: error }, 'a portfolio page view was not counted');
  }
}

const LINK_TARGET = /^[\p{L}\p{N} ._-]{1,40}$/u;

/**
 * Events from the pages' beacon. Limited per network before anything is read; refused whole
 * (422) when one names a photo that is not published in this portfolio, a collection that is
 * not its own, or a download (portfolios offer none). Answers how many were counted: 0 for a
 * bot or an opted-out browser, which get the same 202 as anyone.
 */
export async function recordEvents(deps: PortfolioDeps, input: { portfolio: string; referrer?: string | undefined; events: AnalyticsEvent[] }, visit: Visit & { network: string }): Promise<number> {
  await deps.limits.consume('events', visit.network);
  const portfolio = await findPortfolioBySlug(deps.db, input.portfolio);
  if (!portfolio) throw new NotFoundError('portfolio_not_found', 'There is no such portfolio.');
  if (input.events.some((event) => event.kind === 'download')) throw new AppError('downloads_not_allowed', 'This portfolio offers no downloads.', 422);
  const photoIds = [...new Set(input.events.flatMap((event) => (event.photoId ? [event.photoId] : [])))];
  const published = await findPortfolioPhotos(deps.db, portfolio.studio_id, portfolio.id, photoIds);
  if (published.length !== photoIds.length) throw new AppError('photo_not_published', 'An event names a photo that is not published here.', 422);
  const photoCollection = new Map(published.map((photo) => [photo.id, photo.collection_id]));
  const collectionIds = [...new Set(input.events.flatMap((event) => (event.collectionId ? [event.collectionId] : [])))];
  for (const collectionId of collectionIds) {
    if (!(await findPortfolioCollection(deps.db, portfolio.studio_id, portfolio.id, collectionId))) throw new NotFoundError('collection_not_found', 'This collection does not exist.');
  }
  for (const event of input.events) {
    if ((event.kind === 'impression' || event.kind === 'view') && !event.photoId) throw new AppError('validation_failed', 'Impressions and views name a photo.', 400);
    if (event.target !== undefined && !LINK_TARGET.test(event.target)) throw new AppError('validation_failed', 'A click target is a short label.', 400);
  }
  if (!countable(visit)) return 0;
  const day = dayOf(deps.now());
  // One counter update per distinct (kind, photo, collection, target) of the batch.
  const grouped = new Map<string, { kind: AnalyticsKind; photoId?: string; collectionId?: string; referrer: string; count: number }>();
  for (const event of input.events) {
    const collectionId = event.photoId ? photoCollection.get(event.photoId) : event.collectionId;
    const detail = { kind: event.kind, ...(event.photoId ? { photoId: event.photoId } : {}), ...(collectionId ? { collectionId } : {}), referrer: event.kind === 'click' ? (event.target ?? '') : '' };
    const key = JSON.stringify(detail);
    const entry = grouped.get(key);
    if (entry) entry.count += 1;
    else grouped.set(key, { ...detail, count: 1 });
  }
  for (const entry of grouped.values()) await add(deps, portfolio, day, entry.kind, entry, entry.count);
  await countVisitor(deps, portfolio, day, visit);
  return input.events.length;
}
