import { UrlSignerError, type UrlSignerErrorCode } from './errors.ts';
import {
  CROP_HELP,
  GRAVITY_HELP,
  IMAGE_FORMATS,
  MAX_BLUR_SIGMA,
  MAX_DIMENSION,
  MAX_DPR,
  MAX_SHARPEN_SIGMA,
  MIN_BLUR_SIGMA,
  MIN_DPR,
  MIN_SHARPEN_SIGMA,
  ROTATIONS,
  isCropSide,
  isDecimalIn,
  isIntegerIn,
  normaliseFormat,
  normaliseGravity,
  normaliseHexColour,
  roundDecimal,
  type Gravity,
  type ImageFormat,
  type ImageFormatInput,
  type Rotation,
} from './values.ts';

/**
 * The transform fields both URL formats share (OptStuff-style operations and imgproxy options),
 * with the same names, meanings and limits.
 */
export interface CommonTransform {
  /** Output width in pixels, 1–8192. */
  readonly width?: number;
  /** Output height in pixels, 1–8192. */
  readonly height?: number;
  /** Encoder quality, 1–100. */
  readonly quality?: number;
  /** Output format; `auto` picks AVIF or WebP from the request's `Accept` (Shutterlock). */
  readonly format?: ImageFormatInput;
  /** Which part of the image to keep when cropping. */
  readonly gravity?: Gravity;
  /** A region cut from the source before resizing. */
  readonly crop?: Crop;
  /** Device pixel ratio multiplying width and height, 1–4. */
  readonly dpr?: number;
  /** Gaussian blur sigma, 0.3–100. */
  readonly blur?: number;
  /** Sharpen sigma, 0.01–10. */
  readonly sharpen?: number;
  /** Clockwise rotation, applied after the EXIF orientation. */
  readonly rotate?: Rotation;
  /** Background colour (hex) for transparent areas and padding. */
  readonly background?: string;
  /** Allow output larger than the source (off by default). */
  readonly enlarge?: boolean;
}

export interface Crop {
  /** 0 keeps the full width, below 1 is a fraction of it, from 1 whole source pixels. */
  readonly width: number;
  readonly height: number;
  /** Where the crop is taken; the image's `gravity` when omitted. */
  readonly gravity?: Gravity;
}

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type NormalisedCommon = Mutable<Omit<CommonTransform, 'format'>> & { format?: ImageFormat };

export const COMMON_KEYS: readonly (keyof CommonTransform)[] = [
  'width',
  'height',
  'quality',
  'format',
  'gravity',
  'crop',
  'dpr',
  'blur',
  'sharpen',
  'rotate',
  'background',
  'enlarge',
];

/**
 * Checks the shared fields and returns them in canonical form: JPEG spelled `jpeg`, colours as
 * six lower-case hex digits, decimals rounded to four places, and identities (dpr 1, rotate 0,
 * enlarge false) dropped. Unknown fields (other than `extraKeys`) are refused. Throws a
 * `UrlSignerError` with `code` naming the first bad field.
 */
export function normaliseCommon(
  input: CommonTransform,
  extraKeys: readonly string[],
  code: UrlSignerErrorCode,
): NormalisedCommon {
  const invalid = (message: string): never => {
    throw new UrlSignerError(code, message);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) invalid('expected an object');
  for (const key of Object.keys(input)) {
    if (!(COMMON_KEYS as readonly string[]).includes(key) && !extraKeys.includes(key)) invalid(`unknown field: ${key}`);
  }
  const result: NormalisedCommon = {};
  const { width, height, quality, format, gravity, crop, dpr, blur, sharpen, rotate, background, enlarge } = input;
  if (width !== undefined) {
    if (!isIntegerIn(width, 1, MAX_DIMENSION)) invalid(`width must be an integer between 1 and ${MAX_DIMENSION}`);
    result.width = width;
  }
  if (height !== undefined) {
    if (!isIntegerIn(height, 1, MAX_DIMENSION)) invalid(`height must be an integer between 1 and ${MAX_DIMENSION}`);
    result.height = height;
  }
  if (quality !== undefined) {
    if (!isIntegerIn(quality, 1, 100)) invalid('quality must be an integer between 1 and 100');
    result.quality = quality;
  }
  if (format !== undefined) {
    const normalised = normaliseFormat(format);
    if (normalised === undefined) invalid(`format must be one of: ${IMAGE_FORMATS.join(', ')} (or jpg)`);
    result.format = normalised;
  }
  if (gravity !== undefined) {
    const normalised = normaliseGravity(gravity);
    if (normalised === undefined) invalid(`gravity must be ${GRAVITY_HELP}`);
    result.gravity = normalised;
  }
  if (crop !== undefined) {
    if (typeof crop !== 'object' || crop === null) invalid('crop must be an object with width and height');
    for (const key of Object.keys(crop)) {
      if (key !== 'width' && key !== 'height' && key !== 'gravity') invalid(`unknown crop field: ${key}`);
    }
    if (!isCropSide(crop.width) || !isCropSide(crop.height)) invalid(`crop width and height must each be ${CROP_HELP}`);
    const sides = { width: roundDecimal(crop.width), height: roundDecimal(crop.height) };
    if (crop.gravity === undefined) {
      result.crop = sides;
    } else {
      const cropGravity = normaliseGravity(crop.gravity);
      if (cropGravity === undefined) invalid(`crop gravity must be ${GRAVITY_HELP}`);
      result.crop = { ...sides, gravity: cropGravity };
    }
  }
  if (dpr !== undefined) {
    if (!isDecimalIn(dpr, MIN_DPR, MAX_DPR)) invalid(`dpr must be a number between ${MIN_DPR} and ${MAX_DPR}`);
    if (roundDecimal(dpr) !== 1) result.dpr = roundDecimal(dpr);
  }
  if (blur !== undefined) {
    if (!isDecimalIn(blur, MIN_BLUR_SIGMA, MAX_BLUR_SIGMA)) {
      invalid(`blur must be a number between ${MIN_BLUR_SIGMA} and ${MAX_BLUR_SIGMA}`);
    }
    result.blur = roundDecimal(blur);
  }
  if (sharpen !== undefined) {
    if (!isDecimalIn(sharpen, MIN_SHARPEN_SIGMA, MAX_SHARPEN_SIGMA)) {
      invalid(`sharpen must be a number between ${MIN_SHARPEN_SIGMA} and ${MAX_SHARPEN_SIGMA}`);
    }
    result.sharpen = roundDecimal(sharpen);
  }
  if (rotate !== undefined) {
    if (!(ROTATIONS as readonly unknown[]).includes(rotate)) invalid(`rotate must be one of: ${ROTATIONS.join(', ')}`);
    if (rotate !== 0) result.rotate = rotate;
  }
  if (background !== undefined) {
    const normalised = normaliseHexColour(background);
    if (normalised === undefined) invalid('background must be a hex colour such as ffffff or #fff');
    result.background = normalised;
  }
  if (enlarge !== undefined) {
    if (typeof enlarge !== 'boolean') invalid('enlarge must be true or false');
    if (enlarge) result.enlarge = true;
  }
  return result;
}
