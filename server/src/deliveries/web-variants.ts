import { createHash } from 'node:crypto';
import type { ServedFile } from '../http/send-file.ts';
import { WEB_SIZE, type Watermark, type WatermarkSpec } from '../imaging/watermark-spec.ts';
import type { VaultFile } from '../vault/service.ts';
import type { DeliveriesDeps } from './deps.ts';

/**
 * The images a delivery makes from a photo's large preview in the imaging pool (never in the
 * server process, imaging/web-image.ts): the "web size" download — a JPEG of at most 2048 px
 * with the delivery's watermark, if it has one — and, for a watermarked delivery, the preview
 * the gallery shows, watermarked too. Made on demand and kept in a small in-memory cache,
 * keyed by file, kind and watermark, so a client paging back and forth costs one render.
 */

export type MadeVariant = 'web' | 'marked-preview';

const CACHE_BYTES = 64 * 1024 * 1024;
const cache = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(key: string, bytes: Buffer): void {
  cache.set(key, bytes);
  cachedBytes += bytes.length;
  for (const [oldest, value] of cache) {
    if (cachedBytes <= CACHE_BYTES) break;
    cache.delete(oldest);
    cachedBytes -= value.length;
  }
}

function recall(key: string): Buffer | undefined {
  const bytes = cache.get(key);
  if (bytes) {
    // Most recently used last.
    cache.delete(key);
    cache.set(key, bytes);
  }
  return bytes;
}

function baseName(name: string): string {
  return name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
}

export async function makeVariant(deps: DeliveriesDeps, file: VaultFile, made: MadeVariant, watermark: Watermark | null): Promise<ServedFile> {
  const mark: WatermarkSpec | null = watermark ? { text: watermark.text, position: watermark.position, opacity: watermark.opacity } : null;
  const key = JSON.stringify([file.id, file.sha256, made, mark]);
  let bytes = recall(key);
  if (!bytes) {
    const preview = await file.read('preview', { range: undefined, ifRange: undefined });
    bytes = await deps.imaging.run('webImage', preview.body, { format: made === 'web' ? 'jpeg' : 'webp', maxSide: WEB_SIZE, watermark: mark, maxPixels: deps.maxPixels });
    remember(key, bytes);
  }
  return {
    range: undefined,
    length: bytes.length,
    mediaType: made === 'web' ? 'image/jpeg' : 'image/webp',
    name: made === 'web' ? `${baseName(file.name)}-web.jpg` : `${baseName(file.name)}-preview.webp`,
    disposition: 'inline',
    etag: `"${createHash('sha256').update(bytes).digest('hex')}"`,
    body: bytes,
  };
}
