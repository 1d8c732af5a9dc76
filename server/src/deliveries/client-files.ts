import type { Readable } from 'node:stream';
import { recordAudit } from '../audit/audit-log.ts';
import { type SignatureParams, signedQuery } from '../crypto/signed-urls.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { RangeHeaders } from '../http/byte-ranges.ts';
import type { RequestOrigin } from '../http/request-origin.ts';
import type { ServedFile } from '../http/send-file.ts';
import { type ClientBranding, clientBranding } from '../studios/branding.ts';
import { assertStudioNotSuspended, studioSecrets } from '../studios/service.ts';
import type { Variant } from '../vault/service.ts';
import { type ZipEntrySource, createZipStream, zipByteLength } from '../zip/zip-stream.ts';
import type { DeliveriesDeps } from './deps.ts';
import { openDeliveryDetails } from './details.ts';
import { deliveredFile, deliveredFiles, totalsOf } from './files.ts';
import { notifyFirstDownload } from './notifications.ts';
import { type DeliveryRow, countDownload, findDeliveryById, insertDeliveryEvent, markFirstDownload } from './repo.ts';
import { deliveryEnded, deliveryNotFound, endReason } from './state.ts';
import { listDeliverySets, listPlacements } from './gallery-repo.ts';
import { openSetName } from './set-names.ts';
import { type Watermark, parseWatermark } from '../imaging/watermark-spec.ts';
import { type MadeVariant, makeVariant } from './web-variants.ts';

/**
 * What a client with an open delivery sees and downloads. Thumbnails and previews come through
 * links signed for viewing, originals through links signed for downloading; both name this
 * delivery in their signature scope, so a link cannot be moved to another delivery or to the
 * vault, and the delivery's state is checked again on every download, so revoking, expiry and
 * the download limit take effect at once, whatever links a client still holds.
 */

export type LinkUse = 'view' | 'download';

export interface ClientDeliveryView {
  title: string;
  message: string;
  /** The studio's branding name (never an email address): the same as `branding.name`. */
  studioName: string;
  branding: ClientBranding;
  expiresAt: string;
  allowOriginals: boolean;
  allowZip: boolean;
  fileCount: number;
  totalBytes: number;
  downloadsLeft: number | null;
  viewOnly: boolean;
  createdAt: string;
  coverFileId: string | null;
  watermarked: boolean;
}

export interface ClientSetView {
  id: string;
  name: string;
}

/** Original, or the web-size JPEG (web-variants.ts); without a size, as before: the original, or the preview when originals are not offered. */
export type DownloadSize = 'original' | 'web';

/** What a link to a delivery's file names: a stored variant, or the web size made from the preview. */
export type ClientVariant = Variant | 'web';

export interface ClientFileView {
  id: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  thumbnailUrl: string | null;
  previewUrl: string | null;
  setId: string | null;
  capturedAt: string | null;
  thumbhash: string | null;
}

function scopeOf(deliveryId: string, use: LinkUse): string {
  return `delivery/${deliveryId}/${use}`;
}

async function signedDeliveryUrl(deps: DeliveriesDeps, deliveryId: string, fileId: string, variant: ClientVariant, use: LinkUse): Promise<{ url: string; expiresAt: string }> {
  const params = await deps.signer.sign({ scope: scopeOf(deliveryId, use), fileId, variant }, deps.now() + deps.linkSeconds * 1000);
  const query = `as=${use}&${signedQuery(params)}`;
  return { url: `/api/delivery-files/${deliveryId}/${fileId}/${variant}?${query}`, expiresAt: new Date(Number(params.exp) * 1000).toISOString() };
}

export async function clientDeliveryView(deps: DeliveriesDeps, row: DeliveryRow): Promise<ClientDeliveryView> {
  const details = await openDeliveryDetails(await studioSecrets(deps, row.studio_id), row.id, row.details_sealed);
  const { fileCount, totalBytes } = await totalsOf(deps, row);
  const downloadsLeft = row.download_limit === null ? null : Math.max(0, row.download_limit - row.download_count);
  const branding = await clientBranding(deps, row.studio_id);
  return {
    title: details.title,
    message: details.message,
    studioName: branding.name,
    branding,
    expiresAt: new Date(row.expires_at).toISOString(),
    allowOriginals: row.allow_originals === 1,
    allowZip: zipRefusal(row) === undefined,
    fileCount,
    totalBytes,
    downloadsLeft,
    viewOnly: downloadsLeft === 0,
    createdAt: new Date(row.created_at).toISOString(),
    // Only while it is still one of the delivery's files.
    coverFileId: row.cover_file_id !== null && (await deliveredFile(deps, row, row.cover_file_id)) ? row.cover_file_id : null,
    watermarked: parseWatermark(row.watermark_json) !== null,
  };
}

export async function listClientFiles(deps: DeliveriesDeps, row: DeliveryRow): Promise<ClientFileView[]> {
  const files = await deliveredFiles(deps, row);
  const sets = new Map((await listPlacements(deps.db, row.id)).map((placement) => [placement.fileId, placement.setId]));
  return Promise.all(
    files.map(async (file) => ({
      id: file.id,
      name: file.name,
      type: file.mediaType,
      size: file.size,
      sha256: file.sha256,
      width: file.width,
      height: file.height,
      thumbnailUrl: file.previewsReady ? (await signedDeliveryUrl(deps, row.id, file.id, 'thumbnail', 'view')).url : null,
      previewUrl: file.previewsReady ? (await signedDeliveryUrl(deps, row.id, file.id, 'preview', 'view')).url : null,
      setId: sets.get(file.id) ?? null,
      capturedAt: file.capturedAt,
      thumbhash: file.thumbhash,
    })),
  );
}

/** The delivery's sets, in order, that hold at least one of `files`. */
export async function listClientSets(deps: DeliveriesDeps, row: DeliveryRow, files: readonly ClientFileView[]): Promise<ClientSetView[]> {
  const used = new Set(files.map((file) => file.setId));
  const sets = (await listDeliverySets(deps.db, row.id)).filter((set) => used.has(set.id));
  if (sets.length === 0) return [];
  const secrets = await studioSecrets(deps, row.studio_id);
  return Promise.all(sets.map(async (set) => ({ id: set.id, name: await openSetName(secrets, set.id, set.name_sealed) })));
}

function fileNotFound(): NotFoundError {
  return new NotFoundError('file_not_found', 'This file is not part of this delivery.');
}

/** What a download gives: the original, or the large preview when the photographer offers no originals. */
function downloadVariant(row: DeliveryRow): Variant {
  return row.allow_originals === 1 ? 'original' : 'preview';
}

/**
 * What the client is actually sent for a link to `variant`: a stored file, or an image made
 * from the preview (the web size; the large preview of a watermarked delivery, watermarked).
 * The one rule of single files and the ZIP alike, so "download all" can never hand out the
 * unwatermarked preview that the gallery and the single downloads hide.
 */
type Rendition = { stored: Variant } | { made: MadeVariant; watermark: Watermark | null };

function renditionOf(row: DeliveryRow, variant: ClientVariant): Rendition {
  const watermark = parseWatermark(row.watermark_json);
  if (variant === 'web') return { made: 'web', watermark };
  if (variant === 'preview' && watermark) return { made: 'marked-preview', watermark };
  return { stored: variant };
}

/**
 * Why this delivery has no "download all", or undefined when it has one. A ZIP holds only stored
 * files (its layout is planned from their lengths before the first byte), so a delivery whose
 * downloads are watermarked previews offers none: each one is downloaded, watermarked, on its own.
 */
function zipRefusal(row: DeliveryRow): AppError | undefined {
  if (row.allow_zip !== 1) return new AppError('zip_not_offered', 'This delivery does not offer a download of everything at once.', 403);
  if ('made' in renditionOf(row, downloadVariant(row))) {
    return new AppError('zip_not_offered_watermarked', 'This delivery’s photos are watermarked previews: download them one by one.', 403);
  }
  return undefined;
}

/**
 * A download link, counted as one download when it is made (410 once the limit is spent):
 * whatever ranges are then asked of it while it lives — a resumed transfer, a download
 * manager's probes — cost nothing more, and no Range trick avoids the count.
 */
export async function createClientDownloadUrl(
  deps: DeliveriesDeps,
  row: DeliveryRow,
  fileId: string,
  origin: RequestOrigin,
  size?: DownloadSize,
): Promise<{ url: string; expiresAt: string }> {
  const file = await deliveredFile(deps, row, fileId);
  if (!file) throw fileNotFound();
  if (size === 'original' && row.allow_originals !== 1) throw new AppError('originals_not_offered', 'This delivery offers previews only.', 403);
  const variant: ClientVariant = size === 'web' ? 'web' : downloadVariant(row);
  if (variant !== 'original' && !file.previewsReady) throw new AppError('preview_not_ready', 'This file’s preview is not ready yet.', 409);
  await deps.limits.consume('downloadLinksPerDelivery', row.id);
  await countClientDownload(deps, row, { kind: 'file_downloaded', fileId: file.id }, origin);
  return signedDeliveryUrl(deps, row.id, file.id, variant, 'download');
}

/** Counts a download against the limit (410 once spent), logs it, and tells the photographer of the first. */
async function countClientDownload(deps: DeliveriesDeps, row: DeliveryRow, event: { kind: 'file_downloaded' | 'zip_downloaded'; fileId: string | null }, origin: RequestOrigin): Promise<void> {
  const now = deps.now();
  if (!(await countDownload(deps.db, row.id, now))) throw deliveryEnded('exhausted');
  await insertDeliveryEvent(deps.db, { deliveryId: row.id, kind: event.kind, fileId: event.fileId, at: now, ...origin });
  // Client downloads join the audit log too, so unusual volume from one delivery raises an alert.
  await recordAudit(deps.db, { action: `delivery.${event.kind}`, ...origin, details: { deliveryId: row.id, studioId: row.studio_id, fileId: event.fileId } }, now);
  if (await markFirstDownload(deps.db, row.id, now)) notifyFirstDownload(deps, row);
}

export interface ClientDownloadRequest extends RangeHeaders {
  deliveryId: string;
  fileId: string;
  variant: ClientVariant;
  use: LinkUse;
  signature: Partial<SignatureParams>;
}

export async function openClientDownload(deps: DeliveriesDeps, request: ClientDownloadRequest): Promise<ServedFile> {
  const { deliveryId, fileId, variant, use } = request;
  await deps.signer.verify({ scope: scopeOf(deliveryId, use), fileId, variant }, request.signature, deps.now());
  const row = await findDeliveryById(deps.db, deliveryId);
  if (!row) throw deliveryNotFound();
  const ended = endReason(row, deps.now());
  // A download link was counted when it was made: the limit it may have spent does not stop it;
  // and a delivery whose limit is spent stays viewable.
  if (ended && ended !== 'exhausted') throw deliveryEnded(ended);
  await assertStudioNotSuspended(deps, row.studio_id);
  // Checked live: the photographer may have withdrawn originals after the link was made.
  if (variant === 'original' && row.allow_originals !== 1) throw new AppError('originals_not_offered', 'This delivery offers previews only.', 403);
  const file = await deliveredFile(deps, row, fileId);
  if (!file) throw fileNotFound();
  const disposition = use === 'download' ? 'attachment' : 'inline';
  const rendition = renditionOf(row, variant);
  if ('made' in rendition) {
    if (!file.previewsReady) throw new AppError('preview_not_ready', 'This file’s preview is not ready yet.', 409);
    return { ...(await makeVariant(deps, file, rendition.made, rendition.watermark)), disposition };
  }
  const download = await file.read(rendition.stored, request);
  return { ...download, disposition };
}

/** "Download all": the delivery's originals (or unwatermarked previews) and their SHA-256 manifest, as one streamed ZIP. */
export async function openClientZip(
  deps: DeliveriesDeps,
  row: DeliveryRow,
  origin: RequestOrigin,
  options: { count: boolean } = { count: true },
): Promise<{ title: string; length: number; body: Readable }> {
  const refusal = zipRefusal(row);
  if (refusal) throw refusal;
  const variant = downloadVariant(row);
  const files = (await deliveredFiles(deps, row)).filter((file) => variant === 'original' || file.previewsReady);
  if (files.length === 0) throw new AppError('nothing_to_download', 'This delivery has no files ready to download.', 409);
  const entries: ZipEntrySource[] = [];
  // One at a time: a delivery may hold thousands of files.
  for (const file of files) entries.push(await file.zipEntry(variant));
  // Planned (and refused, for a layout it cannot write) before the download is counted.
  const body = createZipStream(entries);
  try {
    if (options.count) await countClientDownload(deps, row, { kind: 'zip_downloaded', fileId: null }, origin);
  } catch (error) {
    body.destroy();
    throw error;
  }
  const details = await openDeliveryDetails(await studioSecrets(deps, row.studio_id), row.id, row.details_sealed);
  return { title: details.title, length: zipByteLength(entries), body };
}
