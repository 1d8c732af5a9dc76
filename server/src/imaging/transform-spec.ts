import type { Crop, Gravity } from '@shutterlock/url-signer';
import type { WatermarkSpec } from './watermark-spec.ts';

/**
 * What the image service asks of a transform and gets back (transform.ts, which runs in the
 * imaging pool's children): the server process uses these without loading sharp.
 */

export type OutputFormat = 'webp' | 'avif' | 'jpeg' | 'png';
export type FitMode = 'cover' | 'contain' | 'fill' | 'inside' | 'outside';

export interface TransformSpec {
  width?: number;
  height?: number;
  fit: FitMode;
  gravity?: Gravity;
  crop?: Crop;
  /** Multiplies width and height. */
  dpr?: number;
  quality?: number;
  format: OutputFormat;
  blur?: number;
  sharpen?: number;
  rotate?: 0 | 90 | 180 | 270;
  /** Six hex digits, for padding and transparent areas. */
  background?: string;
  /** Allow output larger than the source. */
  enlarge: boolean;
  /** Drawn last, on the output's pixels (a portfolio collection's watermark). */
  watermark?: WatermarkSpec;
}

export interface TransformResult {
  data: Buffer;
  mediaType: string;
  width: number;
  height: number;
}

export const mediaTypes: Record<OutputFormat, string> = { webp: 'image/webp', avif: 'image/avif', jpeg: 'image/jpeg', png: 'image/png' };
