/**
 * The signing route for ./next-image-loader.ts — server only, it holds the secret key:
 *
 *   // app/api/image/route.ts
 *   import { createImageRoute } from './next-image-route';
 *   export const GET = createImageRoute({
 *     baseUrl: process.env.SHUTTERLOCK_URL!,            // https://photos.example.com
 *     projectSlug: process.env.SHUTTERLOCK_PROJECT!,
 *     publicKey: process.env.SHUTTERLOCK_PUBLIC_KEY!,   // pk_…
 *     secretKey: process.env.SHUTTERLOCK_SECRET_KEY!,   // sk_…, never in client code
 *     // your CDN's images, and the vault sources (setFileWebUsage's `source`) you publish
 *     allowSource: (source) => source.startsWith('cdn.example.com/') || publishedSources.has(source),
 *   });
 *
 * The route only signs sources `allowSource` accepts and widths next/image really uses, so it
 * cannot be turned into a free signing service for any image and any size.
 */
import { UrlSignerError, bucketedExpiry, buildOptStuffUrl, optStuffSource } from '@shutterlock/url-signer';

export interface ImageRouteConfig {
  readonly baseUrl: string;
  readonly projectSlug: string;
  readonly publicKey: string;
  readonly secretKey: string;
  /** Receives the `{source}` form (`cdn.example.com/a.jpg`, or a vault source) and says whether to sign it. */
  readonly allowSource: (source: string) => boolean;
  /** Widths that may be signed; next/image's default deviceSizes and imageSizes. */
  readonly widths?: readonly number[];
  /** Signed URLs live at least this long (rounded up to the hour so they repeat and cache). */
  readonly ttlSeconds?: number;
}

const NEXT_DEFAULT_WIDTHS = [16, 32, 48, 64, 96, 128, 256, 384, 640, 750, 828, 1080, 1200, 1920, 2048, 3840];
const NEXT_DEFAULT_QUALITY = 75;
const REDIRECT_CACHE_SECONDS = 3600;

function refuse(message: string): Response {
  return new Response(message, { status: 400, headers: { 'Cache-Control': 'no-store', 'Content-Type': 'text/plain' } });
}

export function createImageRoute(config: ImageRouteConfig): (request: Request) => Promise<Response> {
  const widths = new Set(config.widths ?? NEXT_DEFAULT_WIDTHS);
  const ttlSeconds = config.ttlSeconds ?? 86_400;
  return async function GET(request: Request): Promise<Response> {
    const query = new URL(request.url).searchParams;
    const src = query.get('src');
    const width = Number(query.get('w'));
    const quality = query.has('q') ? Number(query.get('q')) : NEXT_DEFAULT_QUALITY;
    if (src === null || src === '') return refuse('src is required');
    if (!widths.has(width)) return refuse('w is not one of the configured widths');
    if (!Number.isInteger(quality) || quality < 1 || quality > 100) return refuse('q must be 1–100');
    try {
      // Remote URLs become OptStuff's {source} form; anything else is a vault source, used as it is.
      const source = /^https?:\/\//i.test(src) ? optStuffSource(src) : src;
      if (!config.allowSource(source)) return refuse('this source is not allowed');
      const signed = await buildOptStuffUrl({
        baseUrl: config.baseUrl,
        projectSlug: config.projectSlug,
        publicKey: config.publicKey,
        secretKey: config.secretKey,
        // auto: Shutterlock answers AVIF or WebP according to the browser's Accept header.
        operations: { width, quality, format: 'auto' },
        source,
        expiresAt: bucketedExpiry(ttlSeconds),
      });
      return new Response(null, {
        status: 302,
        headers: { Location: signed, 'Cache-Control': `public, max-age=${REDIRECT_CACHE_SECONDS}` },
      });
    } catch (error) {
      if (error instanceof UrlSignerError) return refuse(error.message);
      throw error;
    }
  };
}
