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
 * count of them stays. Events are added to daily counters at once; nothing else is kept. Bots
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

/** A server-rendered page was shown (home: collectionId null). Never throws: a page is never refused for its count. */
export async function recordPageView(deps: PortfolioDeps, portfolio: PortfolioRow, collectionId: string | null, visit: Visit): Promise<void> {
  if (!countable(visit)) return;
  try {
    const day = dayOf(deps.now());
    await add(deps, portfolio, day, 'page_view', { ...(collectionId ? { collectionId } : {}), referrer: referrerHost(deps, visit.referer) }, 1);
    await countVisitor(deps, portfolio, day, visit);
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
