import type { AnalyticsKind } from '../db/tables.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { Principal } from '../http/access.ts';
import { dayOf } from './analytics.ts';
import { photoPath } from './collections.ts';
import type { PortfolioDeps } from './deps.ts';
import { portfolioRequired } from './profiles.ts';
import { type CountRow, type PortfolioRow, findPhoto, findStudioCollection, findUserPortfolio, listAllPortfolios, listDailyCounts, listDailyUniques } from './repo.ts';

/**
 * The analytics dashboard and its CSV: a photographer sees their own portfolio only; an admin
 * sees every portfolio, each photographer's totals beside the sum, or one by `portfolioId`.
 * Read from the daily counters (and, for visitors, the kept daily counts plus the last two days'
 * hashes counted): there is nothing finer to read.
 */

export interface Totals {
  impressions: number;
  views: number;
  clicks: number;
  downloads: number;
  pageViews: number;
  visitors: number;
}

const fieldOf: Record<AnalyticsKind, keyof Totals> = { impression: 'impressions', view: 'views', click: 'clicks', download: 'downloads', page_view: 'pageViews' };

function emptyTotals(): Totals {
  return { impressions: 0, views: 0, clicks: 0, downloads: 0, pageViews: 0, visitors: 0 };
}

function dateOf(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

async function portfoliosFor(deps: PortfolioDeps, principal: Principal, portfolioId: string | undefined): Promise<PortfolioRow[]> {
  if (principal.role === 'admin') {
    const all = await listAllPortfolios(deps.db);
    if (portfolioId === undefined) return all;
    const one = all.filter((portfolio) => portfolio.id === portfolioId);
    if (one.length === 0) throw new NotFoundError('portfolio_not_found', 'There is no such portfolio.');
    return one;
  }
  if (!principal.studioId) throw new AppError('studio_required', 'Portfolios belong to a studio, and this account has none.', 403);
  const own = await findUserPortfolio(deps.db, principal.studioId, principal.userId);
  if (!own) throw portfolioRequired();
  // A photographer's analytics are their own: any other id is "no such portfolio".
  if (portfolioId !== undefined && portfolioId !== own.id) throw new NotFoundError('portfolio_not_found', 'There is no such portfolio.');
  return [own];
}

interface Window {
  days: number;
  fromDay: number;
  toDay: number;
}

function windowOf(deps: PortfolioDeps, days: number): Window {
  const toDay = dayOf(deps.now());
  return { days, fromDay: toDay - days + 1, toDay };
}

export async function getAnalytics(deps: PortfolioDeps, principal: Principal, query: { days?: string | undefined; portfolioId?: string | undefined }) {
  const window = windowOf(deps, Number(query.days ?? '30'));
  const portfolios = await portfoliosFor(deps, principal, query.portfolioId);
  const ids = portfolios.map((portfolio) => portfolio.id);
  const counts = await listDailyCounts(deps.db, ids, window.fromDay);
  const uniques = await listDailyUniques(deps.db, ids, window.fromDay);

  const totals = emptyTotals();
  const perDay = new Map<number, Totals>();
  for (let day = window.fromDay; day <= window.toDay; day++) perDay.set(day, emptyTotals());
  const perPortfolio = new Map(ids.map((id) => [id, emptyTotals()]));
  const photos = new Map<string, { portfolioId: string; views: number; impressions: number }>();
  const collections = new Map<string, { portfolioId: string; pageViews: number; views: number }>();
  const referrers = new Map<string, number>();
  for (const row of counts) {
    const field = fieldOf[row.kind];
    totals[field] += row.count;
    const day = perDay.get(row.day);
    if (day) day[field] += row.count;
    perPortfolio.get(row.portfolio_id)![field] += row.count;
    if (row.photo_id && (row.kind === 'view' || row.kind === 'impression')) {
      const entry = photos.get(row.photo_id) ?? { portfolioId: row.portfolio_id, views: 0, impressions: 0 };
      if (row.kind === 'view') entry.views += row.count;
      else entry.impressions += row.count;
      photos.set(row.photo_id, entry);
    }
    if (row.collection_id && (row.kind === 'page_view' || row.kind === 'view')) {
      const entry = collections.get(row.collection_id) ?? { portfolioId: row.portfolio_id, pageViews: 0, views: 0 };
      if (row.kind === 'page_view') entry.pageViews += row.count;
      else entry.views += row.count;
      collections.set(row.collection_id, entry);
    }
    if (row.kind === 'page_view' && row.referrer) referrers.set(row.referrer, (referrers.get(row.referrer) ?? 0) + row.count);
  }
  for (const row of uniques) {
    totals.visitors += row.visitors;
    const day = perDay.get(row.day);
    if (day) day.visitors += row.visitors;
    perPortfolio.get(row.portfolio_id)!.visitors += row.visitors;
  }

  const byId = new Map(portfolios.map((portfolio) => [portfolio.id, portfolio]));
  const topPhotos = [];
  for (const [photoId, entry] of [...photos].sort((a, b) => b[1].views - a[1].views || b[1].impressions - a[1].impressions).slice(0, 10)) {
    const portfolio = byId.get(entry.portfolioId)!;
    const published = await findPhoto(deps.db, photoId);
    topPhotos.push({ photoId, thumbnailUrl: published && published.portfolio_id === portfolio.id ? photoPath(portfolio.slug, photoId, 'w320.webp') : null, views: entry.views, impressions: entry.impressions });
  }
  const topCollections = [];
  for (const [collectionId, entry] of [...collections].sort((a, b) => b[1].pageViews - a[1].pageViews || b[1].views - a[1].views).slice(0, 10)) {
    const collection = await findStudioCollection(deps.db, byId.get(entry.portfolioId)!.studio_id, collectionId);
    topCollections.push({ collectionId, title: collection?.title ?? '(deleted)', pageViews: entry.pageViews, views: entry.views });
  }
  return {
    days: window.days,
    from: dateOf(window.fromDay),
    to: dateOf(window.toDay),
    totals,
    series: [...perDay].map(([day, dayTotals]) => ({ date: dateOf(day), ...dayTotals })),
    topPhotos,
    topCollections,
    referrers: [...referrers]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 20)
      .map(([referrer, pageViews]) => ({ referrer, pageViews })),
    photographers: portfolios.map((portfolio) => ({ portfolioId: portfolio.id, slug: portfolio.slug, displayName: portfolio.display_name, totals: perPortfolio.get(portfolio.id)! })),
  };
}

const csvColumns = ['date', 'portfolio', 'kind', 'photo_id', 'collection_id', 'referrer_or_target', 'count'];

/** The same selection as CSV, one row per daily counter (and one `visitors` row per portfolio and day). */
export async function exportAnalytics(deps: PortfolioDeps, principal: Principal, query: { days?: string | undefined; portfolioId?: string | undefined }): Promise<string> {
  const window = windowOf(deps, Number(query.days ?? '30'));
  const portfolios = await portfoliosFor(deps, principal, query.portfolioId);
  const ids = portfolios.map((portfolio) => portfolio.id);
  const slugs = new Map(portfolios.map((portfolio) => [portfolio.id, portfolio.slug]));
  const counts: CountRow[] = await listDailyCounts(deps.db, ids, window.fromDay);
  const uniques = await listDailyUniques(deps.db, ids, window.fromDay);
  const rows: Array<Array<string | number>> = [
    ...counts.map((row) => [dateOf(row.day), slugs.get(row.portfolio_id)!, row.kind, row.photo_id, row.collection_id, row.referrer, row.count]),
    ...uniques.map((row) => [dateOf(row.day), slugs.get(row.portfolio_id)!, 'visitors', '', '', '', row.visitors]),
  ].sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])) || String(a[2]).localeCompare(String(b[2])));
  // Loaded by the first export, not at start. Spreadsheet formula injection: cells starting with = + - @ are defused.
  const { stringify } = await import('csv-stringify/sync');
  return stringify([csvColumns, ...rows], { escape_formulas: true });
}
