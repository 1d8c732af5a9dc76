import type { Kysely, Selectable, Updateable } from 'kysely';
import type {
  AnalyticsKind,
  PortfolioCollectionsTable,
  PortfolioPhotosTable,
  PortfolioSiteTokensTable,
  PortfoliosTable,
  Tables,
} from '../db/tables.ts';

/**
 * Portfolios' queries: the only code that reads or writes their tables. Every query on a
 * studio's data carries the studio (or, for public pages, a published row found by its public
 * slug or id, whose studio every later query then carries).
 */

export type PortfolioRow = Selectable<PortfoliosTable>;
export type CollectionRow = Selectable<PortfolioCollectionsTable>;
export type PhotoRow = Selectable<PortfolioPhotosTable>;
export type SiteTokenRow = Selectable<PortfolioSiteTokensTable>;
export type PortfolioPatch = Omit<Updateable<PortfoliosTable>, 'id' | 'studio_id' | 'user_id' | 'created_at'>;
export type CollectionPatch = Omit<Updateable<PortfolioCollectionsTable>, 'id' | 'studio_id' | 'portfolio_id' | 'created_at'>;

// --- portfolios

export async function insertPortfolio(db: Kysely<Tables>, row: PortfolioRow): Promise<void> {
  await db.insertInto('portfolios').values(row).execute();
}

export async function findUserPortfolio(db: Kysely<Tables>, studioId: string, userId: string): Promise<PortfolioRow | undefined> {
  return db.selectFrom('portfolios').selectAll().where('studio_id', '=', studioId).where('user_id', '=', userId).executeTakeFirst();
}

export async function findPortfolioBySlug(db: Kysely<Tables>, slug: string): Promise<PortfolioRow | undefined> {
  return db.selectFrom('portfolios').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** Any studio's portfolio by id: the admin's domain mapping. */
export async function findPortfolioById(db: Kysely<Tables>, portfolioId: string): Promise<PortfolioRow | undefined> {
  return db.selectFrom('portfolios').selectAll().where('id', '=', portfolioId).executeTakeFirst();
}

/** The portfolio a custom domain (lower-case ASCII host) serves: where a request on that host starts. */
export async function findPortfolioByDomain(db: Kysely<Tables>, host: string): Promise<PortfolioRow | undefined> {
  return db.selectFrom('portfolios').selectAll().where('custom_domain', '=', host).executeTakeFirst();
}

/** Sets (or with null clears) the portfolio's custom domain. */
export async function setPortfolioDomain(db: Kysely<Tables>, studioId: string, portfolioId: string, host: string | null, now: number): Promise<void> {
  await db.updateTable('portfolios').set({ custom_domain: host, updated_at: now }).where('studio_id', '=', studioId).where('id', '=', portfolioId).execute();
}

export async function findStudioPortfolio(db: Kysely<Tables>, studioId: string, portfolioId: string): Promise<PortfolioRow | undefined> {
  return db.selectFrom('portfolios').selectAll().where('studio_id', '=', studioId).where('id', '=', portfolioId).executeTakeFirst();
}

export async function listStudioPortfolios(db: Kysely<Tables>, studioId: string): Promise<PortfolioRow[]> {
  return db.selectFrom('portfolios').selectAll().where('studio_id', '=', studioId).orderBy('display_name').orderBy('id').execute();
}

/** Every portfolio (the admin's analytics, the sitemap). */
export async function listAllPortfolios(db: Kysely<Tables>): Promise<PortfolioRow[]> {
  return db.selectFrom('portfolios').selectAll().orderBy('slug').execute();
}

export async function updateStudioPortfolio(db: Kysely<Tables>, studioId: string, portfolioId: string, patch: PortfolioPatch): Promise<void> {
  await db.updateTable('portfolios').set(patch).where('studio_id', '=', studioId).where('id', '=', portfolioId).execute();
}

/** Deletes a portfolio; its collections, published photos and analytics go with it (foreign keys cascade). */
export async function deleteStudioPortfolio(db: Kysely<Tables>, studioId: string, portfolioId: string): Promise<boolean> {
  const result = await db.deleteFrom('portfolios').where('studio_id', '=', studioId).where('id', '=', portfolioId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

// --- collections

export async function insertCollection(db: Kysely<Tables>, row: CollectionRow): Promise<void> {
  await db.insertInto('portfolio_collections').values(row).execute();
}

export async function listPortfolioCollections(db: Kysely<Tables>, studioId: string, portfolioId: string): Promise<CollectionRow[]> {
  return db
    .selectFrom('portfolio_collections')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('portfolio_id', '=', portfolioId)
    .orderBy('position')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Every collection with at least one published photo, of every portfolio, in each portfolio's
 * order: the sitemap's pages in one query (it is public and spans studios, as listAllPortfolios;
 * the photo must be of the collection's own studio).
 */
export async function listCollectionsWithPhotos(db: Kysely<Tables>): Promise<Array<Pick<CollectionRow, 'portfolio_id' | 'slug' | 'updated_at'>>> {
  return db
    .selectFrom('portfolio_collections')
    .select(['portfolio_collections.portfolio_id', 'portfolio_collections.slug', 'portfolio_collections.updated_at'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('portfolio_photos')
          .select('portfolio_photos.id')
          .whereRef('portfolio_photos.collection_id', '=', 'portfolio_collections.id')
          .whereRef('portfolio_photos.studio_id', '=', 'portfolio_collections.studio_id'),
      ),
    )
    .orderBy('portfolio_collections.portfolio_id')
    .orderBy('portfolio_collections.position')
    .orderBy('portfolio_collections.created_at')
    .orderBy('portfolio_collections.id')
    .execute();
}

export async function listStudioCollections(db: Kysely<Tables>, studioId: string, limit: number, offset: number): Promise<CollectionRow[]> {
  return db
    .selectFrom('portfolio_collections')
    .selectAll()
    .where('studio_id', '=', studioId)
    .orderBy('portfolio_id')
    .orderBy('position')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function findPortfolioCollection(db: Kysely<Tables>, studioId: string, portfolioId: string, collectionId: string): Promise<CollectionRow | undefined> {
  return db
    .selectFrom('portfolio_collections')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('portfolio_id', '=', portfolioId)
    .where('id', '=', collectionId)
    .executeTakeFirst();
}

export async function findStudioCollection(db: Kysely<Tables>, studioId: string, collectionId: string): Promise<CollectionRow | undefined> {
  return db.selectFrom('portfolio_collections').selectAll().where('studio_id', '=', studioId).where('id', '=', collectionId).executeTakeFirst();
}

export async function findCollectionBySlug(db: Kysely<Tables>, studioId: string, portfolioId: string, slug: string): Promise<CollectionRow | undefined> {
  return db
    .selectFrom('portfolio_collections')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('portfolio_id', '=', portfolioId)
    .where('slug', '=', slug)
    .executeTakeFirst();
}

export async function nextCollectionPosition(db: Kysely<Tables>, studioId: string, portfolioId: string): Promise<number> {
  const row = await db
    .selectFrom('portfolio_collections')
    .select((eb) => eb.fn.max('position').as('last'))
    .where('studio_id', '=', studioId)
    .where('portfolio_id', '=', portfolioId)
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

export async function updatePortfolioCollection(db: Kysely<Tables>, studioId: string, portfolioId: string, collectionId: string, patch: CollectionPatch): Promise<void> {
  await db.updateTable('portfolio_collections').set(patch).where('studio_id', '=', studioId).where('portfolio_id', '=', portfolioId).where('id', '=', collectionId).execute();
}

export async function deletePortfolioCollection(db: Kysely<Tables>, studioId: string, portfolioId: string, collectionId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('portfolio_collections')
    .where('studio_id', '=', studioId)
    .where('portfolio_id', '=', portfolioId)
    .where('id', '=', collectionId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

// --- photos

export async function insertPhotos(db: Kysely<Tables>, rows: PhotoRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('portfolio_photos')
    .values(rows)
    .onConflict((conflict) => conflict.columns(['collection_id', 'file_id']).doNothing())
    .execute();
}

export async function listCollectionPhotos(db: Kysely<Tables>, studioId: string, collectionIds: readonly string[]): Promise<PhotoRow[]> {
  if (collectionIds.length === 0) return [];
  return db
    .selectFrom('portfolio_photos')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('collection_id', 'in', collectionIds)
    .orderBy('collection_id')
    .orderBy('position')
    .orderBy('published_at')
    .orderBy('id')
    .execute();
}

export async function countCollectionPhotos(db: Kysely<Tables>, studioId: string, collectionId: string): Promise<number> {
  const row = await db
    .selectFrom('portfolio_photos')
    .select((eb) => eb.fn.countAll().as('count'))
    .where('studio_id', '=', studioId)
    .where('collection_id', '=', collectionId)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function listCollectionPhotoPage(db: Kysely<Tables>, studioId: string, collectionId: string, limit: number, offset: number): Promise<PhotoRow[]> {
  return db
    .selectFrom('portfolio_photos')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('collection_id', '=', collectionId)
    .orderBy('position')
    .orderBy('published_at')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** A published photo by its public id: where every public image request starts. */
export async function findPhoto(db: Kysely<Tables>, photoId: string): Promise<PhotoRow | undefined> {
  return db.selectFrom('portfolio_photos').selectAll().where('id', '=', photoId).executeTakeFirst();
}

/** Of `photoIds`, those published in the portfolio. */
export async function findPortfolioPhotos(db: Kysely<Tables>, studioId: string, portfolioId: string, photoIds: readonly string[]): Promise<PhotoRow[]> {
  if (photoIds.length === 0) return [];
  return db.selectFrom('portfolio_photos').selectAll().where('studio_id', '=', studioId).where('portfolio_id', '=', portfolioId).where('id', 'in', photoIds).execute();
}


export async function nextPhotoPosition(db: Kysely<Tables>, studioId: string, collectionId: string): Promise<number> {
  const row = await db
    .selectFrom('portfolio_photos')
    .select((eb) => eb.fn.max('position').as('last'))
    .where('studio_id', '=', studioId)
    .where('collection_id', '=', collectionId)
    .executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

export async function deleteCollectionPhotos(db: Kysely<Tables>, studioId: string, collectionId: string, photoIds: readonly string[]): Promise<number> {
  if (photoIds.length === 0) return 0;
  const result = await db
    .deleteFrom('portfolio_photos')
    .where('studio_id', '=', studioId)
    .where('collection_id', '=', collectionId)
    .where('id', 'in', photoIds)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function setPhotoPosition(db: Kysely<Tables>, studioId: string, collectionId: string, photoId: string, position: number): Promise<void> {
  await db.updateTable('portfolio_photos').set({ position }).where('studio_id', '=', studioId).where('collection_id', '=', collectionId).where('id', '=', photoId).execute();
}

// --- site tokens

export async function insertSiteToken(db: Kysely<Tables>, row: SiteTokenRow): Promise<void> {
  await db.insertInto('portfolio_site_tokens').values(row).execute();
}

export async function listStudioSiteTokens(db: Kysely<Tables>, studioId: string): Promise<SiteTokenRow[]> {
  return db.selectFrom('portfolio_site_tokens').selectAll().where('studio_id', '=', studioId).orderBy('created_at').orderBy('id').execute();
}

export async function findStudioSiteToken(db: Kysely<Tables>, studioId: string, tokenId: string): Promise<SiteTokenRow | undefined> {
  return db.selectFrom('portfolio_site_tokens').selectAll().where('studio_id', '=', studioId).where('id', '=', tokenId).executeTakeFirst();
}

export async function findSiteTokenByHash(db: Kysely<Tables>, tokenHash: string): Promise<SiteTokenRow | undefined> {
  return db.selectFrom('portfolio_site_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** The origins of every token still usable: what a CORS preflight (which carries no token) is answered from. */
export async function listUsableSiteTokenOrigins(db: Kysely<Tables>, now: number): Promise<string[]> {
  const rows = await db
    .selectFrom('portfolio_site_tokens')
    .select('origins')
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .execute();
  return rows.map((row) => row.origins);
}

export async function updateStudioSiteToken(
  db: Kysely<Tables>,
  studioId: string,
  tokenId: string,
  patch: Pick<Updateable<PortfolioSiteTokensTable>, 'expires_at' | 'revoked_at' | 'last_used_at'>,
): Promise<void> {
  await db.updateTable('portfolio_site_tokens').set(patch).where('studio_id', '=', studioId).where('id', '=', tokenId).execute();
}

// --- analytics

export interface CountDelta {
  studio_id: string;
  portfolio_id: string;
  day: number;
  kind: AnalyticsKind;
  photo_id: string;
  collection_id: string;
  referrer: string;
  count: number;
}

export async function addDailyCount(db: Kysely<Tables>, delta: CountDelta): Promise<void> {
  await db
    .insertInto('portfolio_daily_counts')
    .values(delta)
    .onConflict((conflict) =>
      conflict.columns(['portfolio_id', 'day', 'kind', 'photo_id', 'collection_id', 'referrer']).doUpdateSet((eb) => ({ count: eb('portfolio_daily_counts.count', '+', delta.count) })),
    )
    .execute();
}

export async function insertVisitor(db: Kysely<Tables>, row: { portfolio_id: string; day: number; visitor_hash: string }): Promise<void> {
  await db
    .insertInto('portfolio_visitors')
    .values(row)
    .onConflict((conflict) => conflict.columns(['portfolio_id', 'day', 'visitor_hash']).doNothing())
    .execute();
}

export async function findSalt(db: Kysely<Tables>, day: number): Promise<string | undefined> {
  return (await db.selectFrom('portfolio_salts').select('salt').where('day', '=', day).executeTakeFirst())?.salt;
}

export async function insertSalt(db: Kysely<Tables>, day: number, salt: string): Promise<void> {
  await db
    .insertInto('portfolio_salts')
    .values({ day, salt })
    .onConflict((conflict) => conflict.column('day').doNothing())
    .execute();
}

export async function deleteSaltsBefore(db: Kysely<Tables>, day: number): Promise<void> {
  await db.deleteFrom('portfolio_salts').where('day', '<', day).execute();
}

export interface CountRow {
  portfolio_id: string;
  day: number;
  kind: AnalyticsKind;
  photo_id: string;
  collection_id: string;
  referrer: string;
  count: number;
}

export async function listDailyCounts(db: Kysely<Tables>, portfolioIds: readonly string[], fromDay: number): Promise<CountRow[]> {
  if (portfolioIds.length === 0) return [];
  const rows = await db
    .selectFrom('portfolio_daily_counts')
    .select(['portfolio_id', 'day', 'kind', 'photo_id', 'collection_id', 'referrer', 'count'])
    .where('portfolio_id', 'in', portfolioIds)
    .where('day', '>=', fromDay)
    .orderBy('day')
    .orderBy('portfolio_id')
    .execute();
  return rows.map((row) => ({ ...row, day: Number(row.day), count: Number(row.count) }));
}

/** Visitors per portfolio and day: the kept counts of past days and the hashes of the last two. */
export async function listDailyUniques(db: Kysely<Tables>, portfolioIds: readonly string[], fromDay: number): Promise<Array<{ portfolio_id: string; day: number; visitors: number }>> {
  if (portfolioIds.length === 0) return [];
  const kept = await db
    .selectFrom('portfolio_daily_uniques')
    .select(['portfolio_id', 'day', 'visitors'])
    .where('portfolio_id', 'in', portfolioIds)
    .where('day', '>=', fromDay)
    .execute();
  const recent = await db
    .selectFrom('portfolio_visitors')
    .select((eb) => ['portfolio_id', 'day', eb.fn.countAll().as('visitors')])
    .where('portfolio_id', 'in', portfolioIds)
    .where('day', '>=', fromDay)
    .groupBy(['portfolio_id', 'day'])
    .execute();
  return [...kept, ...recent].map((row) => ({ portfolio_id: row.portfolio_id, day: Number(row.day), visitors: Number(row.visitors) }));
}

/** Days before `day` still held as hashes: counted into portfolio_daily_uniques, then the hashes deleted. */
export async function rollUpVisitors(db: Kysely<Tables>, beforeDay: number): Promise<void> {
  const counted = await db
    .selectFrom('portfolio_visitors')
    .innerJoin('portfolios', 'portfolios.id', 'portfolio_visitors.portfolio_id')
    .select((eb) => ['portfolio_visitors.portfolio_id', 'portfolio_visitors.day', 'portfolios.studio_id', eb.fn.countAll().as('visitors')])
    .where('portfolio_visitors.day', '<', beforeDay)
    .groupBy(['portfolio_visitors.portfolio_id', 'portfolio_visitors.day', 'portfolios.studio_id'])
    .execute();
  for (const row of counted) {
    await db
      .insertInto('portfolio_daily_uniques')
      .values({ studio_id: row.studio_id, portfolio_id: row.portfolio_id, day: Number(row.day), visitors: Number(row.visitors) })
      .onConflict((conflict) => conflict.columns(['portfolio_id', 'day']).doUpdateSet((eb) => ({ visitors: eb('portfolio_daily_uniques.visitors', '+', Number(row.visitors)) })))
      .execute();
  }
  await db.deleteFrom('portfolio_visitors').where('day', '<', beforeDay).execute();
}
