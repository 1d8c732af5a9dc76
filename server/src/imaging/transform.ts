import type { Gravity } from '@shutterlock/url-signer';
import sharp, { type Sharp } from 'sharp';
import { AppError } from '../errors.ts';
import { type TransformResult, type TransformSpec, mediaTypes } from './transform-spec.ts';
import { drawWatermark } from './watermark.ts';

/**
 * The image service's transform (docs/imaging.md): plaintext bytes and validated operations in,
 * an encoded image out. Every source is decoded under the pixel limit (libvips checks it from
 * the header before allocating), turned upright from its EXIF orientation, converted to sRGB
 * and written with no metadata at all — no EXIF, no GPS, no XMP, no profile — whatever it held.
 * Order: orientation, rotation, crop, resize (with gravity or a focal point), blur, sharpen,
 * background, watermark (a portfolio collection's, watermark.ts: drawn on the output's own pixels), encode.
 */

export const DEFAULT_QUALITY = 80;
const MAX_OUTPUT_SIDE = 8192;

export function sourceUndecodable(): AppError {
  return new AppError('source_undecodable', 'The source is not an image this service can read.', 422);
}

function imageTooLarge(maxPixels: number): AppError {
  return new AppError('image_too_large', `The source has more than ${maxPixels} pixels.`, 422);
}

const positions: Record<string, string> = {
  ce: 'centre',
  no: 'north',
  so: 'south',
  ea: 'east',
  we: 'west',
  noea: 'northeast',
  nowe: 'northwest',
  soea: 'southeast',
  sowe: 'southwest',
};

function position(gravity: Gravity | undefined): string | number {
  if (gravity === undefined || typeof gravity !== 'string') return 'centre';
  return gravity === 'sm' ? sharp.strategy.attention : (positions[gravity] ?? 'centre');
}

/** Where a `length` window starts along a side of `size`: by gravity name (smart crops fall back to the centre) or a focal point. */
function windowStart(size: number, length: number, gravity: Gravity | undefined, axis: 'x' | 'y'): number {
  const free = Math.max(0, size - length);
  if (gravity !== undefined && typeof gravity !== 'string') {
    const focus = gravity.focalPoint[axis === 'x' ? 0 : 1] * size;
    return Math.min(free, Math.max(0, Math.round(focus - length / 2)));
  }
  const name = gravity ?? 'ce';
  const start = axis === 'x' ? name.endsWith('we') : name.startsWith('no');
  const end = axis === 'x' ? name.endsWith('ea') : name.startsWith('so');
  if (start) return 0;
  if (end) return free;
  return Math.floor(free / 2);
}

function cropSide(side: number, size: number): number {
  if (side === 0) return size;
  return Math.max(1, Math.min(size, side < 1 ? Math.round(side * size) : side));
}

function scaled(value: number | undefined, dpr: number): number | undefined {
  return value === undefined ? undefined : Math.min(MAX_OUTPUT_SIDE, Math.round(value * dpr));
}

function encode(image: Sharp, spec: TransformSpec): Sharp {
  const quality = spec.quality ?? DEFAULT_QUALITY;
  switch (spec.format) {
    case 'webp':
      return image.webp({ quality });
    case 'avif':
      return image.avif({ quality, effort: 2 });
    case 'png':
      return image.png();
    case 'jpeg':
      return image.jpeg({ quality, mozjpeg: false });
  }
}

/** The upright size of a source, and a check that it is an image within the pixel limit. */
async function uprightSize(input: Buffer, maxPixels: number): Promise<{ width: number; height: number }> {
  const metadata = await sharp(input, { limitInputPixels: maxPixels }).metadata();
  if (!metadata.width || !metadata.height) throw sourceUndecodable();
  if (metadata.width * metadata.height > maxPixels) throw imageTooLarge(maxPixels);
  return metadata.autoOrient ?? { width: metadata.width, height: metadata.height };
}

export async function transformImage(input: Buffer, spec: TransformSpec, limits: { maxPixels: number }): Promise<TransformResult> {
  try {
    let { width, height } = await uprightSize(input, limits.maxPixels);
    let image = sharp(input, { limitInputPixels: limits.maxPixels, failOn: 'error', sequentialRead: true }).autoOrient();
    if (spec.rotate) {
      image = image.rotate(spec.rotate);
      if (spec.rotate !== 180) [width, height] = [height, width];
    }
    if (spec.crop) {
      const cropWidth = cropSide(spec.crop.width, width);
      const cropHeight = cropSide(spec.crop.height, height);
      const gravity = spec.crop.gravity ?? spec.gravity;
      image = image.extract({ left: windowStart(width, cropWidth, gravity, 'x'), top: windowStart(height, cropHeight, gravity, 'y'), width: cropWidth, height: cropHeight });
      [width, height] = [cropWidth, cropHeight];
    }
    const dpr = spec.dpr ?? 1;
    const targetWidth = scaled(spec.width, dpr);
    const targetHeight = scaled(spec.height, dpr);
    const background = spec.background === undefined ? undefined : `#${spec.background}`;
    const focalPoint = spec.gravity !== undefined && typeof spec.gravity !== 'string';
    if (targetWidth !== undefined && targetHeight !== undefined && spec.fit === 'cover' && focalPoint) {
      // sharp has no focal-point gravity: scale to cover, then cut the window around the point.
      const scale = Math.max(targetWidth / width, targetHeight / height);
      const factor = spec.enlarge ? scale : Math.min(1, scale);
      const coverWidth = Math.max(1, Math.round(width * factor));
      const coverHeight = Math.max(1, Math.round(height * factor));
      const windowWidth = Math.min(targetWidth, coverWidth);
      const windowHeight = Math.min(targetHeight, coverHeight);
      image = image
        .resize(coverWidth, coverHeight, { fit: 'fill' })
        .extract({ left: windowStart(coverWidth, windowWidth, spec.gravity, 'x'), top: windowStart(coverHeight, windowHeight, spec.gravity, 'y'), width: windowWidth, height: windowHeight });
    } else if (targetWidth !== undefined || targetHeight !== undefined) {
      image = image.resize(targetWidth ?? null, targetHeight ?? null, {
        fit: spec.fit,
        position: position(spec.gravity),
        withoutEnlargement: !spec.enlarge,
        ...(background ? { background } : {}),
      });
    }
    if (spec.blur !== undefined) image = image.blur(spec.blur);
    if (spec.sharpen !== undefined) image = image.sharpen({ sigma: spec.sharpen });
    if (background !== undefined || spec.format === 'jpeg') image = image.flatten({ background: background ?? '#ffffff' });
    image = image.toColourspace('srgb');
    if (spec.watermark) {
      const pixels = await image.raw().toBuffer({ resolveWithObject: true });
      image = await drawWatermark({ data: pixels.data, info: { width: pixels.info.width, height: pixels.info.height, channels: pixels.info.channels === 4 ? 4 : 3 } }, spec.watermark);
    }
    const { data, info } = await encode(image, spec).toBuffer({ resolveWithObject: true });
    return { data, mediaType: mediaTypes[spec.format], width: info.width, height: info.height };
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (error instanceof Error && /pixel limit/i.test(error.message)) throw imageTooLarge(limits.maxPixels);
    throw sourceUndecodable();
  }
}
