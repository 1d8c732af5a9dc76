/**
 * next/image with Shutterlock: the custom loader (this file, safe in the browser) and the
 * signing route it points at (./next-image-route.ts, server only).
 *
 * A loader runs in the browser and must answer synchronously, so it cannot hold the secret key
 * or sign. It sends each width next/image asks for to a route of your own site, which signs
 * the Shutterlock URL on the server and redirects to it.
 *
 *   // next.config.ts
 *   export default { images: { loader: 'custom', loaderFile: './image-loader.ts' } };
 *
 *   // a page: src is a remote image URL, or the `source` Shutterlock's setFileWebUsage gave you
 *   <Image src="https://cdn.example.com/weddings/first-dance.jpg" width={1200} height={800} alt="" />
 */

/** The props next/image passes to a loader (`ImageLoaderProps` from 'next/image'). */
export interface ImageLoaderProps {
  readonly src: string;
  readonly width: number;
  readonly quality?: number;
}

/** Where ./next-image-route.ts is mounted (app/api/image/route.ts). */
export const SIGNING_ROUTE = '/api/image';

export default function shutterlockImageLoader({ src, width, quality }: ImageLoaderProps): string {
  const params = new URLSearchParams({ src, w: String(width) });
  if (quality !== undefined) params.set('q', String(quality));
  return `${SIGNING_ROUTE}?${params.toString()}`;
}
