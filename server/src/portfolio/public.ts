import { NotFoundError } from '../errors.ts';
import type { RenderedImage, RenditionFormat } from '../images/service.ts';
import { type Visit, recordPageView } from './analytics.ts';
import type { PortfolioDeps } from './deps.ts';
import { type PageContext, type PagePhoto, collectionPage, homePage, sitemap } from './pages.ts';
import { parseSocialLinks, portfolioShown, portfolioUrls, portfoliosShown } from './profiles.ts';
import {
  type CollectionRow,
  type PhotoRow,
  type PortfolioRow,
  findCollectionBySlug,
  findPhoto,
  findPortfolioBySlug,
  listAllPortfolios,
  listCollectionPhotos,
  listCollectionsWithPhotos,
  listPortfolioCollections,
} from './repo.ts';
import { renderPublishedPhoto } from './watermarks.ts';

/**
 * The public side: pages, images, sitemap and robots.txt. A portfolio that is not shown (its
 * studio suspended, its photographer's account disabled: profiles.ts) is answered exactly as
 * one that does not exist — 404, out of the sitemap — so nothing tells it apart. Nothing here is reachable for a photo
 * that is not published: every image request finds the photo row by its public id, checks it
 * belongs to the portfolio in the path, and only then asks the image service for a derivative
 * (never the original: the image service re-encodes with every piece of metadata dropped).
 * Unpublishing deletes the row, so the next request is 404 whatever any cache holds; answers
 * are `no-cache` (revalidated by ETag each time), so no browser or proxy keeps showing one.
 */

/** Where the pages are served: under /p/{slug} on the app's host, or at / on the portfolio's own host. */
export interface Site {
  origin: string;
  /** The portfolio's own host ({slug}.{PORTFOLIO_DOMAIN}): pages at /. */
  ownHost: boolean;
}

function notFound(): NotFoundError {
  return new NotFoundError('not_found', 'There is no such page.');
}

function imageNotFound(): NotFoundError {
  return new NotFoundError('image_not_found', 'No published image has this id.');
}

async function portfolioOf(deps: PortfolioDeps, slug: string): Promise<PortfolioRow> {
  const portfolio = await findPortfolioBySlug(deps.db, slug);
  if (!portfolio || !(await portfolioShown(deps, portfolio))) throw notFound();
  return portfolio;
}

function contextOf(portfolio: PortfolioRow, site: Site): PageContext {
  return {
    prefix: site.ownHost ? '' : `/p/${portfolio.slug}`,
    origin: site.origin,
    slug: portfolio.slug,
    displayName: portfolio.display_name,
    bio: portfolio.bio,
    hasAvatar: portfolio.avatar_file_id !== null,
    contactUrl: portfolio.contact_url,
    socialLinks: parseSocialLinks(portfolio.social_links),
    hideFromSearch: portfolio.hide_from_search === 1,
  };
}

function pagePhoto(row: PhotoRow): PagePhoto {
  return { id: row.id, alt: row.alt, width: row.width, height: row.height };
}

function coverOf(collection: CollectionRow, photos: PhotoRow[]): PhotoRow | undefined {
  return photos.find((photo) => photo.id === collection.cover_photo_id) ?? photos[0];
}

export interface RenderedPage {
  html: string;
  hideFromSearch: boolean;
}

export async function renderHome(deps: PortfolioDeps, slug: string, site: Site, visit: Visit): Promise<RenderedPage> {
  const portfolio = await portfolioOf(deps, slug);
  const collections = await listPortfolioCollections(deps.db, portfolio.studio_id, portfolio.id);
  const photos = await listCollectionPhotos(
    deps.db,
    portfolio.studio_id,
    collections.map((collection) => collection.id),
  );
  const context = contextOf(portfolio, site);
  const html = homePage(
    context,
    collections.map((collection) => {
      const own = photos.filter((photo) => photo.collection_id === collection.id);
      const cover = coverOf(collection, own);
      return { slug: collection.slug, title: collection.title, description: collection.description, count: own.length, cover: cover ? pagePhoto(cover) : undefined };
    }),
  );
  void recordPageView(deps, portfolio, null, visit);
  return { html, hideFromSearch: context.hideFromSearch };
}

export async function renderCollection(deps: PortfolioDeps, slug: string, collectionSlug: string, site: Site, visit: Visit): Promise<RenderedPage> {
  const portfolio = await portfolioOf(deps, slug);
  const collection = await findCollectionBySlug(deps.db, portfolio.studio_id, portfolio.id, collectionSlug);
  if (!collection) throw notFound();
  const photos = await listCollectionPhotos(deps.db, portfolio.studio_id, [collection.id]);
  const context = contextOf(portfolio, site);
  const cover = coverOf(collection, photos);
  const html = collectionPage(context, collection, photos.map(pagePhoto), cover ? pagePhoto(cover) : undefined);
  void recordPageView(deps, portfolio, collection.id, visit);
  return { html, hideFromSearch: context.hideFromSearch };
}

const RENDITION = /^w(320|640|960|1280|1920)\.(avif|webp|jpeg)$/;

export function parseRendition(rendition: string): { width: number; format: RenditionFormat } {
  const match = RENDITION.exec(rendition);
  if (!match) throw imageNotFound();
  return { width: Number(match[1]), format: match[2] as RenditionFormat };
}

/** A published photo of this portfolio as a derivative; 404 for anything else (unpublished, never published, another portfolio's). */
export async function publicImage(deps: PortfolioDeps, slug: string, photoId: string, rendition: string, ifNoneMatch: string | undefined): Promise<RenderedImage> {
  const { width, format } = parseRendition(rendition);
  const portfolio = await findPortfolioBySlug(deps.db, slug);
  const photo = await findPhoto(deps.db, photoId);
  if (!portfolio || !photo || photo.portfolio_id !== portfolio.id || photo.studio_id !== portfolio.studio_id || !(await portfolioShown(deps, portfolio))) throw imageNotFound();
  return renderPublishedPhoto(deps, photo, { width: Math.min(width, Math.max(photo.width, 320)), format }, ifNoneMatch);
}

export async function publicAvatar(deps: PortfolioDeps, slug: string, rendition: string, ifNoneMatch: string | undefined): Promise<RenderedImage> {
  const { width, format } = parseRendition(rendition);
  const portfolio = await findPortfolioBySlug(deps.db, slug);
  if (!portfolio?.avatar_file_id || !(await portfolioShown(deps, portfolio))) throw imageNotFound();
  return deps.images.renderFile(portfolio.studio_id, portfolio.avatar_file_id, { width: Math.min(width, 640), format }, ifNoneMatch);
}

async function portfolioUrlsFor(deps: PortfolioDeps, portfolio: PortfolioRow, base: string): Promise<Array<{ loc: string; lastmod: number }>> {
  const collections = await listPortfolioCollections(deps.db, portfolio.studio_id, portfolio.id);
  const photos = await listCollectionPhotos(
    deps.db,
    portfolio.studio_id,
    collections.map((collection) => collection.id),
  );
  const shown = collections.filter((collection) => photos.some((photo) => photo.collection_id === collection.id));
  return [
    { loc: base || '/', lastmod: Number(portfolio.updated_at) },
    ...shown.map((collection) => ({ loc: `${base}/${collection.slug}`, lastmod: Number(collection.updated_at) })),
  ];
}

/** The portfolios search engines may list (hidden ones never appear), or the one portfolio of its own host. */
export async function sitemapXml(deps: PortfolioDeps, site: Site, hostSlug?: string): Promise<string> {
  if (hostSlug !== undefined) {
    const portfolio = await portfolioOf(deps, hostSlug);
    if (portfolio.hide_from_search === 1) return sitemap([]);
    return sitemap(await portfolioUrlsFor(deps, portfolio, site.origin));
  }
  // A bounded number of queries whatever the number of portfolios: the portfolios, which of
  // them are shown, and every collection that has a photo — not a few queries per portfolio.
  const listed = (await listAllPortfolios(deps.db)).filter((portfolio) => portfolio.hide_from_search === 0);
  const shown = await portfoliosShown(deps, listed);
  const collections = Map.groupBy(await listCollectionsWithPhotos(deps.db), (collection) => collection.portfolio_id);
  return sitemap(
    shown.flatMap((portfolio) => {
      const base = portfolioUrls(deps, portfolio.slug).url;
      return [
        { loc: base, lastmod: Number(portfolio.updated_at) },
        ...(collections.get(portfolio.id) ?? []).map((collection) => ({ loc: `${base}/${collection.slug}`, lastmod: Number(collection.updated_at) })),
      ];
    }),
  );
}

/**
 * robots.txt: on the app's host, the portfolios are open to crawlers except the hidden ones,
 * and everything else (sign-in, the API) is not; on a portfolio's own host, all or nothing.
 */
export async function robotsTxt(deps: PortfolioDeps, site: Site, hostSlug?: string): Promise<string> {
  if (hostSlug !== undefined) {
    const portfolio = await findPortfolioBySlug(deps.db, hostSlug);
    if (!portfolio || portfolio.hide_from_search === 1 || !(await portfolioShown(deps, portfolio))) return 'User-agent: *\nDisallow: /\n';
    return `User-agent: *\nAllow: /\nDisallow: /api/\n\nSitemap: ${site.origin}/sitemap.xml\n`;
  }
  const hidden = (await listAllPortfolios(deps.db)).filter((portfolio) => portfolio.hide_from_search === 1);
  const lines = ['User-agent: *', 'Allow: /p/', ...hidden.flatMap((portfolio) => [`Disallow: /p/${portfolio.slug}$`, `Disallow: /p/${portfolio.slug}/`]), 'Disallow: /', '', `Sitemap: ${site.origin}/sitemap.xml`];
  return `${lines.join('\n')}\n`;
}
