import { NotFoundError } from '../errors.ts';
import type { RenderedImage, RenditionFormat } from '../images/service.ts';
import { DAY_MS } from './analytics.ts';
import type { PortfolioDeps } from './deps.ts';
import { assertStudioNotSuspended } from '../studios/service.ts';
import { parseSocialLinks, portfolioShown, portfolioUrls, portfoliosShown } from './profiles.ts';
import {
  type CollectionRow,
  type PhotoRow,
  type PortfolioRow,
  countCollectionPhotos,
  findPhoto,
  findPortfolioBySlug,
  findStudioCollection,
  findStudioPortfolio,
  listCollectionPhotoPage,
  listCollectionPhotos,
  listPortfolioCollections,
  listStudioCollections,
  listStudioPortfolios,
} from './repo.ts';
import { renderPublishedPhoto } from './watermarks.ts';

/**
 * The website data API (/api/site/v1): a studio's photographer profiles, published collections
 * and photos, read with its token. Image URLs are signed (crypto/signed-urls.ts, scope
 * `portfolio-site`) for the sizes and format the caller asks, valid until the end of the next
 * UTC day (so a page's URLs stay the same, and cacheable, for a day); each request for one
 * still finds the photo published first, so unpublishing stops it at once. A suspended studio's
 * token is refused (site-tokens.ts) and its signed images too (403 `studio_suspended`, as every
 * signed link of its files); a portfolio whose photographer's account is disabled is left out,
 * as if it did not exist (profiles.ts, `portfolioShown`).
 */

/** The studio's portfolios that are shown, in their order. */
async function shownPortfolios(deps: PortfolioDeps, studioId: string): Promise<PortfolioRow[]> {
  return portfoliosShown(deps, await listStudioPortfolios(deps.db, studioId));
}

export interface ImageOptions {
  sizes: number[];
  format: RenditionFormat;
}

export interface Paging {
  page: number;
  perPage: number;
}

const SCOPE = 'portfolio-site';

function notFound(what: string): NotFoundError {
  return new NotFoundError(`${what}_not_found`, `This ${what} does not exist.`);
}

async function signedImages(deps: PortfolioDeps, photo: Pick<PhotoRow, 'id' | 'width'>, options: ImageOptions): Promise<Record<string, string>> {
  const expiresAt = (Math.floor(deps.now() / DAY_MS) + 2) * DAY_MS;
  const entries: Array<[string, string]> = [];
  for (const size of options.sizes) {
    const variant = `w${size}.${options.format}`;
    const params = await deps.signer.sign({ scope: SCOPE, fileId: photo.id, variant }, expiresAt);
    entries.push([String(size), `${deps.publicUrl}/api/site/v1/images/${photo.id}/${variant}?${new URLSearchParams({ exp: params.exp, kv: params.kv, sig: params.sig })}`]);
  }
  return Object.fromEntries(entries);
}

function profileOf(deps: PortfolioDeps, row: PortfolioRow): Record<string, unknown> {
  const urls = portfolioUrls(deps, row.slug);
  return {
    slug: row.slug,
    displayName: row.display_name,
    bio: row.bio,
    contactUrl: row.contact_url,
    socialLinks: parseSocialLinks(row.social_links),
    url: urls.url,
    hostUrl: urls.hostUrl,
    hasAvatar: row.avatar_file_id !== null,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

async function photoOf(deps: PortfolioDeps, row: PhotoRow, options: ImageOptions): Promise<Record<string, unknown>> {
  return { id: row.id, alt: row.alt, width: row.width, height: row.height, position: row.position, publishedAt: new Date(Number(row.published_at)).toISOString(), images: await signedImages(deps, row, options) };
}

async function collectionSummary(deps: PortfolioDeps, portfolios: Map<string, PortfolioRow>, row: CollectionRow, photos: PhotoRow[], options: ImageOptions): Promise<Record<string, unknown>> {
  const cover = photos.find((photo) => photo.id === row.cover_photo_id) ?? photos[0];
  return {
    id: row.id,
    portfolio: portfolios.get(row.portfolio_id)?.slug ?? null,
    slug: row.slug,
    title: row.title,
    description: row.description,
    position: row.position,
    photoCount: photos.length,
    cover: cover ? await photoOf(deps, cover, options) : null,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

export async function siteListPortfolios(deps: PortfolioDeps, studioId: string): Promise<unknown> {
  return { portfolios: (await shownPortfolios(deps, studioId)).map((row) => profileOf(deps, row)) };
}

export async function siteGetPortfolio(deps: PortfolioDeps, studioId: string, slug: string, options: ImageOptions): Promise<unknown> {
  const portfolio = await findPortfolioBySlug(deps.db, slug);
  if (!portfolio || portfolio.studio_id !== studioId || !(await portfolioShown(deps, portfolio))) throw notFound('portfolio');
  const collections = await listPortfolioCollections(deps.db, studioId, portfolio.id);
  const photos = await listCollectionPhotos(
    deps.db,
    studioId,
    collections.map((collection) => collection.id),
  );
  const byId = new Map([[portfolio.id, portfolio]]);
  const summaries = [];
  for (const collection of collections) {
    const own = photos.filter((photo) => photo.collection_id === collection.id);
    if (own.length > 0) summaries.push(await collectionSummary(deps, byId, collection, own, options));
  }
  return { portfolio: profileOf(deps, portfolio), collections: summaries };
}

export async function siteListCollections(deps: PortfolioDeps, studioId: string, paging: Paging, options: ImageOptions): Promise<unknown> {
  const rows = await listStudioCollections(deps.db, studioId, paging.perPage + 1, (paging.page - 1) * paging.perPage);
  const portfolios = new Map((await shownPortfolios(deps, studioId)).map((row) => [row.id, row]));
  // Paged before a hidden portfolio's collections are left out: such a page may hold fewer.
  const page = rows.slice(0, paging.perPage).filter((row) => portfolios.has(row.portfolio_id));
  const photos = await listCollectionPhotos(
    deps.db,
    studioId,
    page.map((row) => row.id),
  );
  const collections = [];
  for (const row of page) {
    collections.push(
      await collectionSummary(
        deps,
        portfolios,
        row,
        photos.filter((photo) => photo.collection_id === row.id),
        options,
      ),
    );
  }
  return { collections, page: paging.page, perPage: paging.perPage, nextPage: rows.length > paging.perPage ? paging.page + 1 : null };
}

export async function siteGetCollection(deps: PortfolioDeps, studioId: string, collectionId: string, paging: Paging, options: ImageOptions): Promise<unknown> {
  const collection = await findStudioCollection(deps.db, studioId, collectionId);
  if (!collection) throw notFound('collection');
  const portfolio = await findStudioPortfolio(deps.db, studioId, collection.portfolio_id);
  if (!portfolio || !(await portfolioShown(deps, portfolio))) throw notFound('collection');
  const total = await countCollectionPhotos(deps.db, studioId, collection.id);
  const rows = await listCollectionPhotoPage(deps.db, studioId, collection.id, paging.perPage, (paging.page - 1) * paging.perPage);
  const photos = [];
  for (const row of rows) photos.push(await photoOf(deps, row, options));
  return {
    collection: { id: collection.id, portfolio: portfolio.slug, slug: collection.slug, title: collection.title, description: collection.description, coverPhotoId: collection.cover_photo_id, photoCount: total },
    photos,
    page: paging.page,
    perPage: paging.perPage,
    total,
    nextPage: paging.page * paging.perPage < total ? paging.page + 1 : null,
  };
}

const RENDITION = /^w([1-9]\d{1,3})\.(avif|webp|jpeg)$/;

function imageNotFound(): NotFoundError {
  return new NotFoundError('image_not_found', 'No published image has this id.');
}

/** A signed site image: the signature first (403), then the photo must still be published (404). */
export async function siteImage(deps: PortfolioDeps, photoId: string, rendition: string, query: { exp?: string | undefined; kv?: string | undefined; sig?: string | undefined }, ifNoneMatch: string | undefined): Promise<RenderedImage> {
  await deps.signer.verify({ scope: SCOPE, fileId: photoId, variant: rendition }, query, deps.now());
  const match = RENDITION.exec(rendition);
  const photo = await findPhoto(deps.db, photoId);
  if (!match || !photo) throw imageNotFound();
  await assertStudioNotSuspended(deps, photo.studio_id);
  const portfolio = await findStudioPortfolio(deps.db, photo.studio_id, photo.portfolio_id);
  if (!portfolio || !(await portfolioShown(deps, portfolio))) throw imageNotFound();
  const width = Math.min(Number(match[1]), photo.width, 4096);
  return renderPublishedPhoto(deps, photo, { width, format: match[2] as RenditionFormat }, ifNoneMatch);
}
