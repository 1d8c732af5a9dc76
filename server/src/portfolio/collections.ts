import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { inTransaction, isUniqueViolation } from '../db/database.ts';
import { generateBase64UrlSecret, generateId } from '../crypto/tokens.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import { type Watermark, parseWatermark, watermarkJson } from '../imaging/watermark-spec.ts';
import { cleanText } from '../text.ts';
import type { PortfolioDeps } from './deps.ts';
import { portfolioUrls, requirePortfolio } from './profiles.ts';
import {
  type CollectionPatch,
  type CollectionRow,
  type PhotoRow,
  type PortfolioRow,
  deleteCollectionPhotos,
  deletePortfolioCollection,
  findCollectionBySlug,
  findPortfolioCollection,
  insertCollection,
  insertPhotos,
  listCollectionPhotos,
  listPortfolioCollections,
  nextCollectionPosition,
  nextPhotoPosition,
  setPhotoPosition,
  updatePortfolioCollection,
} from './repo.ts';

/**
 * Collections and publishing. Publishing copies nothing: a photo row names the vault file
 * (checked to be the studio's, visible, not trashed) under a fresh public id; public pages and
 * the site API serve it only as derivatives through the image service. Unpublishing deletes
 * the row, and every public request looks it up before anything cached: the next one is 404.
 */

export interface PhotoView {
  id: string;
  fileId: string;
  alt: string;
  width: number;
  height: number;
  position: number;
  publishedAt: string;
  thumbnailUrl: string;
}

export interface CollectionView {
  id: string;
  slug: string;
  title: string;
  description: string;
  coverPhotoId: string | null;
  position: number;
  /** Drawn on every public rendition of the collection's photos (pages, site API); null: none. */
  watermark: Watermark | null;
  url: string;
  photos: PhotoView[];
  updatedAt: string;
}

function collectionNotFound(): NotFoundError {
  return new NotFoundError('collection_not_found', 'This collection does not exist.');
}

function slugTaken(): AppError {
  return new AppError('slug_taken', 'Another collection of this portfolio uses this address.', 409);
}

/** A collection's address from its title: ascii letters and digits, hyphens between. */
export function slugOf(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return slug === '' ? 'collection' : slug;
}

export function photoPath(portfolioSlug: string, photoId: string, rendition: string): string {
  return `/p/${portfolioSlug}/photos/${photoId}/${rendition}`;
}

export function photoView(portfolio: PortfolioRow, row: PhotoRow): PhotoView {
  return {
    id: row.id,
    fileId: row.file_id,
    alt: row.alt,
    width: row.width,
    height: row.height,
    position: row.position,
    publishedAt: new Date(Number(row.published_at)).toISOString(),
    thumbnailUrl: photoPath(portfolio.slug, row.id, 'w320.webp'),
  };
}

function collectionView(deps: PortfolioDeps, portfolio: PortfolioRow, row: CollectionRow, photos: PhotoRow[]): CollectionView {
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    description: row.description,
    coverPhotoId: row.cover_photo_id,
    position: row.position,
    watermark: parseWatermark(row.watermark_json),
    url: `${portfolioUrls(deps, portfolio.slug).url}/${row.slug}`,
    photos: photos.map((photo) => photoView(portfolio, photo)),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

async function ownCollection(deps: PortfolioDeps, actor: StudioActor, collectionId: string): Promise<{ portfolio: PortfolioRow; collection: CollectionRow }> {
  const portfolio = await requirePortfolio(deps, actor);
  const collection = await findPortfolioCollection(deps.db, actor.studioId, portfolio.id, collectionId);
  if (!collection) throw collectionNotFound();
  return { portfolio, collection };
}

async function viewOf(deps: PortfolioDeps, actor: StudioActor, portfolio: PortfolioRow, collectionId: string): Promise<CollectionView> {
  const collection = await findPortfolioCollection(deps.db, actor.studioId, portfolio.id, collectionId);
  if (!collection) throw collectionNotFound();
  return collectionView(deps, portfolio, collection, await listCollectionPhotos(deps.db, actor.studioId, [collection.id]));
}

export async function listCollections(deps: PortfolioDeps, actor: StudioActor): Promise<CollectionView[]> {
  const portfolio = await requirePortfolio(deps, actor);
  const rows = await listPortfolioCollections(deps.db, actor.studioId, portfolio.id);
  const photos = await listCollectionPhotos(
    deps.db,
    actor.studioId,
    rows.map((row) => row.id),
  );
  return rows.map((row) =>
    collectionView(
      deps,
      portfolio,
      row,
      photos.filter((photo) => photo.collection_id === row.id),
    ),
  );
}

export async function createCollection(
  deps: PortfolioDeps,
  actor: StudioActor,
  input: { title: string; slug?: string | undefined; description?: string | undefined; watermark?: Watermark | null | undefined },
): Promise<CollectionView> {
  const portfolio = await requirePortfolio(deps, actor);
  const title = cleanText(input.title);
  if (title === '') throw new AppError('validation_failed', 'The title must not be empty.', 400);
  let slug = input.slug ?? slugOf(title);
  if (input.slug === undefined) {
    // A title's slug that is taken gets a short suffix rather than an error.
    for (let attempt = 2; (await findCollectionBySlug(deps.db, actor.studioId, portfolio.id, slug)) && attempt < 50; attempt++) slug = `${slugOf(title).slice(0, 36)}-${attempt}`;
  }
  const now = deps.now();
  const id = generateId();
  try {
    await insertCollection(deps.db, {
      id,
      studio_id: actor.studioId,
      portfolio_id: portfolio.id,
      slug,
      title,
      description: cleanText(input.description ?? ''),
      cover_photo_id: null,
      watermark_json: watermarkJson(input.watermark ?? null),
      position: await nextCollectionPosition(deps.db, actor.studioId, portfolio.id),
      created_at: now,
      updated_at: now,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken();
    throw error;
  }
  await recordAudit(deps.db, { ...auditContext(actor), action: 'portfolio.collection_created', details: { collectionId: id } });
  return viewOf(deps, actor, portfolio, id);
}

export async function updateCollection(
  deps: PortfolioDeps,
  actor: StudioActor,
  collectionId: string,
  input: {
    title?: string | undefined;
    slug?: string | undefined;
    description?: string | undefined;
    coverPhotoId?: string | null | undefined;
    position?: number | undefined;
    watermark?: Watermark | null | undefined;
  },
): Promise<CollectionView> {
  const { portfolio, collection } = await ownCollection(deps, actor, collectionId);
  const patch: CollectionPatch = { updated_at: deps.now() };
  if (input.title !== undefined) {
    patch.title = cleanText(input.title);
    if (patch.title === '') throw new AppError('validation_failed', 'The title must not be empty.', 400);
  }
  if (input.slug !== undefined) patch.slug = input.slug;
  if (input.description !== undefined) patch.description = cleanText(input.description);
  if (input.position !== undefined) patch.position = input.position;
  if (input.watermark !== undefined) patch.watermark_json = watermarkJson(input.watermark);
  if (input.coverPhotoId !== undefined) {
    if (input.coverPhotoId !== null) {
      const photos = await listCollectionPhotos(deps.db, actor.studioId, [collection.id]);
      if (!photos.some((photo) => photo.id === input.coverPhotoId)) throw new NotFoundError('photo_not_found', 'The cover must be a photo of this collection.');
    }
    patch.cover_photo_id = input.coverPhotoId;
  }
  try {
    await updatePortfolioCollection(deps.db, actor.studioId, portfolio.id, collection.id, patch);
  } catch (error) {
    if (isUniqueViolation(error)) throw slugTaken();
    throw error;
  }
  return viewOf(deps, actor, portfolio, collection.id);
}

export async function deleteCollection(deps: PortfolioDeps, actor: StudioActor, collectionId: string): Promise<void> {
  const portfolio = await requirePortfolio(deps, actor);
  if (!(await deletePortfolioCollection(deps.db, actor.studioId, portfolio.id, collectionId))) throw collectionNotFound();
  await recordAudit(deps.db, { ...auditContext(actor), action: 'portfolio.collection_deleted', details: { collectionId } });
}

export async function publishPhotos(deps: PortfolioDeps, actor: StudioActor, collectionId: string, input: { fileIds: string[]; alt?: string | undefined }): Promise<CollectionView> {
  const { portfolio, collection } = await ownCollection(deps, actor, collectionId);
  const files = await deps.vault.find(actor.studioId, input.fileIds);
  if (files.length !== input.fileIds.length) throw new NotFoundError('file_not_found', 'A file does not exist.');
  const unfit = files.find((file) => file.width === null || file.height === null || !file.mediaType.startsWith('image/'));
  if (unfit) throw new AppError('file_not_publishable', 'Only photos can be published.', 422);
  const now = deps.now();
  const alt = cleanText(input.alt ?? '');
  await inTransaction(deps.db, async (trx) => {
    let position = await nextPhotoPosition(trx, actor.studioId, collection.id);
    await insertPhotos(
      trx,
      files.map((file) => ({
        id: generateBase64UrlSecret(16),
        studio_id: actor.studioId,
        portfolio_id: portfolio.id,
        collection_id: collection.id,
        file_id: file.id,
        position: position++,
        alt,
        width: file.width!,
        height: file.height!,
        published_at: now,
      })),
    );
    await updatePortfolioCollection(trx, actor.studioId, portfolio.id, collection.id, { updated_at: now });
  });
  await recordAudit(deps.db, { ...auditContext(actor), action: 'portfolio.photos_published', details: { collectionId, files: input.fileIds.length } });
  return viewOf(deps, actor, portfolio, collection.id);
}

export async function unpublishPhotos(deps: PortfolioDeps, actor: StudioActor, collectionId: string, photoIds: string[]): Promise<number> {
  const { portfolio, collection } = await ownCollection(deps, actor, collectionId);
  const removed = await inTransaction(deps.db, async (trx) => {
    const count = await deleteCollectionPhotos(trx, actor.studioId, collection.id, photoIds);
    const patch: CollectionPatch = { updated_at: deps.now() };
    if (collection.cover_photo_id !== null && photoIds.includes(collection.cover_photo_id)) patch.cover_photo_id = null;
    await updatePortfolioCollection(trx, actor.studioId, portfolio.id, collection.id, patch);
    return count;
  });
  await recordAudit(deps.db, { ...auditContext(actor), action: 'portfolio.photos_unpublished', details: { collectionId, photos: photoIds.length } });
  return removed;
}

export async function reorderCollection(deps: PortfolioDeps, actor: StudioActor, collectionId: string, photoIds: string[]): Promise<CollectionView> {
  const { portfolio, collection } = await ownCollection(deps, actor, collectionId);
  const current = await listCollectionPhotos(deps.db, actor.studioId, [collection.id]);
  const known = new Set(current.map((photo) => photo.id));
  if (photoIds.length !== current.length || !photoIds.every((id) => known.has(id))) {
    throw new AppError('order_mismatch', 'The new order must name every photo of the collection exactly once.', 400);
  }
  await inTransaction(deps.db, async (trx) => {
    for (const [position, id] of photoIds.entries()) await setPhotoPosition(trx, actor.studioId, collection.id, id, position);
    await updatePortfolioCollection(trx, actor.studioId, portfolio.id, collection.id, { updated_at: deps.now() });
  });
  return viewOf(deps, actor, portfolio, collection.id);
}
