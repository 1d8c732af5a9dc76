import type { Sharp } from 'sharp';
import { AppError } from '../errors.ts';
import { type Dimensions, fileCorrupt, imageTooLarge } from './refusals.ts';

/**
 * Everything the product asks of sharp (libvips): checking an upload is a decodable image
 * within the pixel limit, and rendering previews. sharp buffers its input, so callers pass
 * bytes they already bounded (VAULT_MAX_DECODE_BYTES).
 */

/**
 * sharp is loaded on first use: the server process imports this module for its errors and
 * types, while decoding runs in the imaging child processes (pool.ts); loading libvips there
 * would cost the server some 20 MiB of resident memory for nothing.
 */
let loadedSharp: Promise<typeof import('sharp').default> | undefined;

function loadSharp(): Promise<typeof import('sharp').default> {
  loadedSharp ??= import('sharp').then(({ default: sharp }) => {
    // Every image is new to us: libvips' operation cache would only hold memory.
    sharp.cache(false);
    return sharp;
  });
  return loadedSharp;
}

function isPixelLimitError(error: unknown): boolean {
  return error instanceof Error && /pixel limit/i.test(error.message);
}

/** Width and height as displayed: orientations 5–8 turn the image a quarter. */
function displayDimensions(width: number, height: number, orientation: number | undefined | null): Dimensions {
  return (orientation ?? 1) >= 5 ? { width: height, height: width } : { width, height };
}

/**
 * Reads the header (and, with `decode`, every pixel — that is what catches a truncated file)
 * under the pixel limit, which libvips checks from the header before allocating anything.
 */
export async function checkImage(bytes: Buffer, maxPixels: number, options: { decode: boolean }): Promise<Dimensions> {
  const sharp = await loadSharp();
  try {
    const metadata = await sharp(bytes, { limitInputPixels: maxPixels }).metadata();
    if (!metadata.width || !metadata.height) throw fileCorrupt();
    if (options.decode) {
      // A tiny output lets JPEG shrink on load; every scan is still decoded to the end.
      await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'truncated', sequentialRead: true }).resize(64, 64, { fit: 'inside' }).raw().toBuffer();
    }
    return displayDimensions(metadata.width, metadata.height, metadata.orientation);
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (isPixelLimitError(error)) throw imageTooLarge(maxPixels);
    throw fileCorrupt();
  }
}

export interface RenderedPreviews {
  thumbnail: Buffer;
  preview: Buffer;
  /** ThumbHash (base64) of the picture: the placeholder galleries paint before the thumbnail arrives. */
  thumbhash: string;
}

const THUMBNAIL_SIZE = 400;
const PREVIEW_SIZE = 2048;

/** ThumbHash wants at most 100 × 100 RGBA pixels. */
async function thumbHashOf(image: Sharp): Promise<string> {
  const { rgbaToThumbHash } = await import('thumbhash');
  const { data, info } = await image.resize(100, 100, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}

/** sharp's operations for EXIF orientations 2–8, for sources whose own orientation tag is missing (a RAW's embedded JPEG). */
function orient(image: Sharp, orientation: number): Sharp {
  const turns: Record<number, [angle: number, mirror: boolean]> = { 2: [0, true], 3: [180, false], 4: [180, true], 5: [90, true], 6: [90, false], 7: [270, true], 8: [270, false] };
  const [angle, mirror] = turns[orientation] ?? [0, false];
  const rotated = angle === 0 ? image : image.rotate(angle);
  return mirror ? rotated.flop() : rotated;
}

/**
 * The thumbnail (~400 px) and the large preview (~2048 px), WebP in sRGB: the source is
 * decoded once, turned upright, converted from its own colour profile to sRGB and resized;
 * both outputs come from that one pass. sharp writes no metadata unless asked, so neither
 * carries EXIF, GPS or the source's profile.
 */
export async function renderPreviews(source: Buffer, maxPixels: number, orientation: number | null): Promise<RenderedPreviews> {
  const sharp = await loadSharp();
  try {
    const input = sharp(source, { limitInputPixels: maxPixels, failOn: 'none' });
    const upright = orientation === null ? input.autoOrient() : orient(input, orientation);
    const { data, info } = await upright
      .resize(PREVIEW_SIZE, PREVIEW_SIZE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
    const [preview, thumbnail, thumbhash] = await Promise.all([
      sharp(data, raw).webp({ quality: 82 }).toBuffer(),
      sharp(data, raw).resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 75 }).toBuffer(),
      thumbHashOf(sharp(data, raw)),
    ]);
    return { thumbnail, preview, thumbhash };
  } catch (error) {
    if (isPixelLimitError(error)) throw imageTooLarge(maxPixels);
    throw error;
  }
}
