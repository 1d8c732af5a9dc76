/**
 * The vocabulary both URL formats share: output formats, gravity, colours and how numbers are
 * written. Limits are Shutterlock's (docs/imaging.md); both URL formats are held to them.
 */

export const MAX_DIMENSION = 8192;
/** Absolute crop sizes are source pixels, so they may exceed the output limit. */
export const MAX_CROP_PIXELS = 65535;
export const MIN_DPR = 1;
export const MAX_DPR = 4;
export const MIN_BLUR_SIGMA = 0.3;
export const MAX_BLUR_SIGMA = 100;
export const MIN_SHARPEN_SIGMA = 0.01;
export const MAX_SHARPEN_SIGMA = 10;
/** Fractional digits kept in the canonical form of a decimal number. */
export const DECIMAL_PLACES = 4;

export const IMAGE_FORMATS = ['webp', 'avif', 'jpeg', 'png', 'auto'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];
/** `jpg` is accepted everywhere as a spelling of `jpeg` (OptStuff only knows `jpg`). */
export type ImageFormatInput = ImageFormat | 'jpg';

export const ROTATIONS = [0, 90, 180, 270] as const;
export type Rotation = (typeof ROTATIONS)[number];

/**
 * imgproxy's gravity names: `ce` centre; the edges and corners `no` (top), `so` (bottom),
 * `ea` (right), `we` (left), `noea`, `nowe`, `soea`, `sowe`; `sm` smart (libvips picks the
 * most interesting region).
 */
export const GRAVITY_NAMES = ['ce', 'no', 'so', 'ea', 'we', 'noea', 'nowe', 'soea', 'sowe', 'sm'] as const;
export type GravityName = (typeof GRAVITY_NAMES)[number];
/** A focal point: x from 0 (left) to 1 (right), y from 0 (top) to 1 (bottom). */
export interface FocalPoint {
  readonly focalPoint: readonly [x: number, y: number];
}
export type Gravity = GravityName | FocalPoint;

const DECIMAL_PATTERN = /^\d+(?:\.\d+)?$/;
const INTEGER_PATTERN = /^\d+$/;
const HEX_COLOUR_PATTERN = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

/** Rounds to the canonical precision, so equal-looking numbers compare equal. */
export function roundDecimal(value: number): number {
  return Number(value.toFixed(DECIMAL_PLACES));
}

/** Plain decimal notation, never an exponent, at most DECIMAL_PLACES fractional digits. */
export function formatDecimal(value: number): string {
  const fixed = roundDecimal(value).toFixed(DECIMAL_PLACES);
  return fixed.replace(/\.?0+$/, '');
}

/** Digits with an optional fraction: no sign, exponent, spaces or hex. */
export function parseDecimal(text: string): number | undefined {
  return DECIMAL_PATTERN.test(text) ? roundDecimal(Number(text)) : undefined;
}

export function parseInteger(text: string): number | undefined {
  if (!INTEGER_PATTERN.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function isDecimalIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isFinite(value) && roundDecimal(value) >= min && roundDecimal(value) <= max;
}

/** `#abc`, `abc`, `#aabbcc` or `aabbcc` → `aabbcc`; anything else → undefined. */
export function normaliseHexColour(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = HEX_COLOUR_PATTERN.exec(value);
  if (!match) return undefined;
  const digits = match[1]!.toLowerCase();
  return digits.length === 3 ? [...digits].map((digit) => digit + digit).join('') : digits;
}

export function normaliseFormat(value: unknown): ImageFormat | undefined {
  if (value === 'jpg') return 'jpeg';
  return (IMAGE_FORMATS as readonly unknown[]).includes(value) ? (value as ImageFormat) : undefined;
}

export function isGravityName(value: unknown): value is GravityName {
  return (GRAVITY_NAMES as readonly unknown[]).includes(value);
}

/** A valid gravity with its focal point rounded, or undefined. */
export function normaliseGravity(value: unknown): Gravity | undefined {
  if (isGravityName(value)) return value;
  if (typeof value !== 'object' || value === null || !('focalPoint' in value)) return undefined;
  const point = (value as FocalPoint).focalPoint;
  if (!Array.isArray(point) || point.length !== 2) return undefined;
  const [x, y] = point as unknown[];
  if (!isDecimalIn(x, 0, 1) || !isDecimalIn(y, 0, 1)) return undefined;
  return { focalPoint: [roundDecimal(x), roundDecimal(y)] };
}

/** Crop sides: 0 keeps the full side, below 1 is a fraction, from 1 whole source pixels. */
export function isCropSide(value: unknown): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const rounded = roundDecimal(value);
  if (rounded >= 0 && rounded < 1) return true;
  return isIntegerIn(rounded, 1, MAX_CROP_PIXELS);
}

export const GRAVITY_HELP = `${GRAVITY_NAMES.join(', ')} or a focal point with x and y between 0 and 1`;
export const CROP_HELP = `0 (full side), a fraction below 1, or whole pixels from 1 to ${MAX_CROP_PIXELS}`;

/** A gravity written as parts: `[name]` or `['fp', x, y]`; undefined when it is not one. */
export function parseGravityParts(parts: readonly string[]): Gravity | undefined {
  if (parts.length === 1 && isGravityName(parts[0])) return parts[0];
  if (parts.length !== 3 || parts[0] !== 'fp') return undefined;
  const x = parseDecimal(parts[1]!);
  const y = parseDecimal(parts[2]!);
  if (x === undefined || y === undefined) return undefined;
  return normaliseGravity({ focalPoint: [x, y] });
}

/** A gravity written with `separator` between its parts: `sm`, or `fp{sep}{x}{sep}{y}`. */
export function formatGravity(gravity: Gravity, separator: string): string {
  if (typeof gravity === 'string') return gravity;
  const [x, y] = gravity.focalPoint;
  return ['fp', formatDecimal(x), formatDecimal(y)].join(separator);
}
