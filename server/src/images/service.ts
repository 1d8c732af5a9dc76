import type { Runtime } from '../runtime.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { OutputFormat } from '../imaging/transform-spec.ts';
import type { WatermarkSpec } from '../imaging/watermark-spec.ts';
import { assertStudioNotSuspended, studioDataKey } from '../studios/service.ts';
import type { VaultFiles } from '../vault/service.ts';
import { type ResultCache, createResultCache, reportCacheFailure } from './result-cache.ts';
import { canonicalOperations, decodable, specOf, withVariantBytes } from './serve.ts';

/**
 * The image service's interface for other capabilities (portfolios, docs/portfolio.md): a
 * derivative of a studio's vault file, resized and re-encoded in the imaging pool's key-less
 * children with every piece of metadata dropped (no EXIF, GPS, XMP or ICC), never the original
 * bytes, with the caller's visible watermark when it gives one. The caller has already decided that the file may be shown (a published portfolio
 * photo, checked on every request before this is called); this shares the image service's
 * encrypted result cache, so a rendition is transformed once, whichever route asked for it.
 */

export type RenditionFormat = Extract<OutputFormat, 'avif' | 'webp' | 'jpeg'>;

export interface Rendition {
  /** The output's width in pixels (never enlarged beyond the source). */
  width: number;
  format: RenditionFormat;
  /** A visible watermark drawn on the output (a portfolio collection's); none when absent. */
  watermark?: RenditionWatermark | undefined;
}

export interface RenditionWatermark {
  /** Names the drawing exactly (text, position, opacity, the logo's version): part of the cache key and the ETag, so a change shows at once. */
  version: string;
  /** The watermark itself, asked for only when the rendition must be made. */
  spec(): Promise<WatermarkSpec>;
}

export interface RenderedImage {
  status: 200 | 304;
  /** Names the rendition of this exact source: a changed original is a new ETag. */
  etag: string;
  mediaType: string;
  body: Buffer | null;
}

export interface ImageService {
  /** 404 `image_not_found` when the studio has no such visible file; 422 `source_not_ready` while a RAW's preview is made. */
  renderFile(studioId: string, fileId: string, rendition: Rendition, ifNoneMatch?: string): Promise<RenderedImage>;
}

const DATA_KEY_SECONDS = 60;
const NAMING_PURPOSE = 'images/result-cache-names';

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

export function createImageService(runtime: Runtime, vault: VaultFiles): ImageService {
  const db = runtime.database.db;
  const { config, logger } = runtime;
  let cache: Promise<ResultCache> | undefined;
  const resultCache = (): Promise<ResultCache> => {
    cache ??= runtime.keys.deriveKey(NAMING_PURPOSE).then(({ key }) => createResultCache(runtime.blobs, key, reportCacheFailure(logger)));
    return cache;
  };
  const dataKeys = new Map<string, { key: Promise<Buffer>; until: number }>();
  const dataKey = (studioId: string): Promise<Buffer> => {
    const now = Date.now();
    const held = dataKeys.get(studioId);
    if (held && held.until > now) return held.key;
    const key = studioDataKey({ db, keys: runtime.keys }, studioId);
    dataKeys.set(studioId, { key, until: now + DATA_KEY_SECONDS * 1000 });
    key.catch(() => dataKeys.delete(studioId));
    return key;
  };
  return {
    async renderFile(studioId, fileId, rendition, ifNoneMatch) {
      await assertStudioNotSuspended({ db }, studioId);
      const [file] = await vault.find(studioId, [fileId]);
      if (!file) throw new NotFoundError('image_not_found', 'No published image has this id.');
      const useOriginal = decodable.has(file.mediaType) && file.size <= config.vault.maxDecodeBytes;
      if (!useOriginal && !file.previewsReady) throw new AppError('source_not_ready', 'This image is still being prepared. Try again shortly.', 422);
      const variant = useOriginal ? 'original' : 'preview';
      const operations = { width: rendition.width, fit: 'inside' as const };
      const watermark = rendition.watermark ? `|watermark:${rendition.watermark.version}` : '';
      const canonical = `v1|file:${file.id}:${file.sha256}:${variant}|${canonicalOperations(operations)}|${rendition.format}${watermark}`;
      const results = await resultCache();
      const cacheKey = results.keyOf(canonical);
      const etag = `"${cacheKey.slice(0, 32)}"`;
      if (etagMatches(ifNoneMatch, etag)) return { status: 304, etag, mediaType: '', body: null };
      const key = await dataKey(studioId);
      const cached = await results.get(studioId, cacheKey, key, Date.now());
      if (cached) return { status: 200, etag, mediaType: cached.mediaType, body: cached.data };
      const image = await results.coalesce(`${studioId}|${cacheKey}`, async () => {
        const spec = { ...specOf(operations, rendition.format), ...(rendition.watermark && { watermark: await rendition.watermark.spec() }) };
        const output = await withVariantBytes(file, variant, config.vault.maxDecodeBytes, (bytes) => runtime.imaging.run('transform', bytes, { spec, maxPixels: config.vault.maxPixels }));
        const result = { data: output.data, mediaType: output.mediaType, staleAt: null };
        await results.put(studioId, cacheKey, key, result);
        return result;
      });
      return { status: 200, etag, mediaType: image.mediaType, body: image.data };
    },
  };
}
