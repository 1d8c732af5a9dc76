import { UrlSignerError } from './errors.ts';
import { normaliseCommon, type CommonTransform, type Mutable } from './transform.ts';
import {
  CROP_HELP,
  GRAVITY_HELP,
  MAX_BLUR_SIGMA,
  MAX_DIMENSION,
  MAX_DPR,
  MAX_SHARPEN_SIGMA,
  MIN_BLUR_SIGMA,
  MIN_DPR,
  MIN_SHARPEN_SIGMA,
  ROTATIONS,
  formatDecimal,
  formatGravity,
  isCropSide,
  normaliseFormat,
  normaliseHexColour,
  parseDecimal,
  parseGravityParts,
  parseInteger,
  type Rotation,
} from './values.ts';

export const FITS = ['cover', 'contain', 'fill', 'inside', 'outside'] as const;
export type Fit = (typeof FITS)[number];

/**
 * The operations of an OptStuff-style URL (`/api/v1/{project}/{operations}/{source}`), written
 * `w_800,h_600,q_80,f_webp,fit_cover`. `width` (`w_`), `height` (`h_`), `quality` (`q_`),
 * `format` (`f_`) and `fit` (`fit_`) are OptStuff's own; `gravity` (`g_`), `crop` (`c_`),
 * `dpr` (`dpr_`), `blur` (`blur_`), `sharpen` (`sharpen_`), `rotate` (`rotate_`),
 * `background` (`b_`) and `enlarge` are Shutterlock's additions with imgproxy's meaning.
 */
export interface ImageOperations extends CommonTransform {
  /** `fit_` — how the image fills a width × height box (sharp's fit modes). */
  readonly fit?: Fit;
}

/** The operations string meaning "no operations". */
export const NO_OPERATIONS = '_';
/** Longer operation strings are refused before any parsing. */
export const MAX_OPERATIONS_LENGTH = 512;

function invalid(message: string): never {
  throw new UrlSignerError('invalid_operations', message);
}

/** Checks an operations object and returns its canonical form (see `normaliseCommon`). Throws `invalid_operations`. */
export function normaliseOperations(operations: ImageOperations): ImageOperations {
  const result: Mutable<ImageOperations> = normaliseCommon(operations, ['fit'], 'invalid_operations');
  if (operations.fit !== undefined) {
    if (!(FITS as readonly unknown[]).includes(operations.fit)) invalid(`fit must be one of: ${FITS.join(', ')}`);
    result.fit = operations.fit;
  }
  return result;
}

/**
 * The canonical operations string: `w_800,h_600,q_80,f_webp,fit_cover` (OptStuff's own order,
 * then Shutterlock's additions), `_` when there is nothing to do. Two objects meaning the same
 * transform give the same string. Throws `invalid_operations`.
 */
export function serializeOperations(operations: ImageOperations): string {
  const ops = normaliseOperations(operations);
  const tokens: string[] = [];
  if (ops.width !== undefined) tokens.push(`w_${ops.width}`);
  if (ops.height !== undefined) tokens.push(`h_${ops.height}`);
  if (ops.quality !== undefined) tokens.push(`q_${ops.quality}`);
  if (ops.format !== undefined) tokens.push(`f_${ops.format === 'jpeg' ? 'jpg' : ops.format}`);
  if (ops.fit !== undefined) tokens.push(`fit_${ops.fit}`);
  if (ops.gravity !== undefined) tokens.push(`g_${formatGravity(ops.gravity, '_')}`);
  if (ops.crop !== undefined) {
    const { width, height, gravity } = ops.crop;
    const where = gravity === undefined ? '' : `_${formatGravity(gravity, '_')}`;
    tokens.push(`c_${formatDecimal(width)}_${formatDecimal(height)}${where}`);
  }
  if (ops.dpr !== undefined) tokens.push(`dpr_${formatDecimal(ops.dpr)}`);
  if (ops.blur !== undefined) tokens.push(`blur_${formatDecimal(ops.blur)}`);
  if (ops.sharpen !== undefined) tokens.push(`sharpen_${formatDecimal(ops.sharpen)}`);
  if (ops.rotate !== undefined) tokens.push(`rotate_${ops.rotate}`);
  if (ops.background !== undefined) tokens.push(`b_${ops.background}`);
  if (ops.enlarge === true) tokens.push('enlarge');
  return tokens.length === 0 ? NO_OPERATIONS : tokens.join(',');
}

function parseIntegerValue(name: string, value: string | undefined, min: number, max: number): number {
  const parsed = value === undefined ? undefined : parseInteger(value);
  if (parsed === undefined || parsed < min || parsed > max) invalid(`${name} must be an integer between ${min} and ${max}`);
  return parsed;
}

function parseDecimalValue(name: string, value: string | undefined, min: number, max: number): number {
  const parsed = value === undefined ? undefined : parseDecimal(value);
  if (parsed === undefined || parsed < min || parsed > max) invalid(`${name} must be a number between ${min} and ${max}`);
  return parsed;
}

function requireValue(name: string, value: string | undefined): string {
  if (value === undefined || value === '') invalid(`${name} needs a value (${name}_…)`);
  return value;
}

/**
 * Parses an operations string as a Shutterlock server reads it: everything OptStuff accepts
 * (`w`, `h`, `s_{w}x{h}`, `q`, `f`, `fit`, `embed`) plus Shutterlock's additions. Stricter than
 * OptStuff where OptStuff is ambiguous: an empty, repeated or unknown operation is refused
 * (OptStuff skips empty ones and lets the last repeat win). Throws `invalid_operations`.
 */
export function parseOperations(text: string): ImageOperations {
  if (typeof text !== 'string' || text.length === 0) invalid('the operations part is empty; use _ for none');
  if (text.length > MAX_OPERATIONS_LENGTH) invalid(`the operations part is longer than ${MAX_OPERATIONS_LENGTH} characters`);
  if (text === NO_OPERATIONS) return {};
  const ops: Mutable<ImageOperations> = {};
  const seen = new Set<string>();
  const claim = (field: keyof ImageOperations, token: string): void => {
    if (seen.has(field)) invalid(`${token}: ${field} is given more than once`);
    seen.add(field);
  };
  for (const token of text.split(',')) {
    if (token === '') invalid('empty operation (two commas in a row, or a leading or trailing comma)');
    const separator = token.indexOf('_');
    const name = separator > 0 ? token.slice(0, separator) : token;
    const value = separator > 0 ? token.slice(separator + 1) : undefined;
    switch (name) {
      case 'w':
        claim('width', token);
        ops.width = parseIntegerValue('w', value, 1, MAX_DIMENSION);
        break;
      case 'h':
        claim('height', token);
        ops.height = parseIntegerValue('h', value, 1, MAX_DIMENSION);
        break;
      case 's': {
        claim('width', token);
        claim('height', token);
        const size = /^(\d+)x(\d+)$/.exec(requireValue('s', value));
        if (!size) invalid('s must be written s_{width}x{height}');
        ops.width = parseIntegerValue('s width', size[1], 1, MAX_DIMENSION);
        ops.height = parseIntegerValue('s height', size[2], 1, MAX_DIMENSION);
        break;
      }
      case 'q':
        claim('quality', token);
        ops.quality = parseIntegerValue('q', value, 1, 100);
        break;
      case 'f': {
        claim('format', token);
        const format = normaliseFormat(requireValue('f', value));
        if (format === undefined) invalid('f must be one of: webp, avif, jpg (or jpeg), png, auto');
        ops.format = format;
        break;
      }
      case 'fit': {
        claim('fit', token);
        const fit = requireValue('fit', value);
        if (!(FITS as readonly string[]).includes(fit)) invalid(`fit must be one of: ${FITS.join(', ')}`);
        ops.fit = fit as Fit;
        break;
      }
      case 'embed':
        // OptStuff validates `embed` as a flag, but its image engine (IPX 3) has no handler for
        // it, so it changes nothing. Accepted for compatibility, with the same no effect.
        if (value !== undefined) invalid('embed is a flag without a value');
        break;
      case 'g': {
        claim('gravity', token);
        const gravity = parseGravityParts(requireValue('g', value).split('_'));
        if (gravity === undefined) invalid(`g must be ${GRAVITY_HELP} (g_fp_{x}_{y})`);
        ops.gravity = gravity;
        break;
      }
      case 'c': {
        claim('crop', token);
        const [width, height, ...where] = requireValue('c', value).split('_');
        const cropWidth = width === undefined ? undefined : parseDecimal(width);
        const cropHeight = height === undefined ? undefined : parseDecimal(height);
        if (!isCropSide(cropWidth) || !isCropSide(cropHeight)) {
          invalid(`c must be c_{width}_{height}[_{gravity}] with each side ${CROP_HELP}`);
        }
        if (where.length === 0) {
          ops.crop = { width: cropWidth, height: cropHeight };
        } else {
          const gravity = parseGravityParts(where);
          if (gravity === undefined) invalid(`the gravity of c must be ${GRAVITY_HELP}`);
          ops.crop = { width: cropWidth, height: cropHeight, gravity };
        }
        break;
      }
      case 'dpr': {
        claim('dpr', token);
        const dpr = parseDecimalValue('dpr', value, MIN_DPR, MAX_DPR);
        if (dpr !== 1) ops.dpr = dpr;
        break;
      }
      case 'blur':
        claim('blur', token);
        ops.blur = parseDecimalValue('blur', value, MIN_BLUR_SIGMA, MAX_BLUR_SIGMA);
        break;
      case 'sharpen':
        claim('sharpen', token);
        ops.sharpen = parseDecimalValue('sharpen', value, MIN_SHARPEN_SIGMA, MAX_SHARPEN_SIGMA);
        break;
      case 'rotate': {
        claim('rotate', token);
        const rotate = parseIntegerValue('rotate', value, 0, 270);
        if (!(ROTATIONS as readonly number[]).includes(rotate)) invalid(`rotate must be one of: ${ROTATIONS.join(', ')}`);
        if (rotate !== 0) ops.rotate = rotate as Rotation;
        break;
      }
      case 'b': {
        claim('background', token);
        const background = requireValue('b', value);
        const colour = background.startsWith('#') ? undefined : normaliseHexColour(background);
        if (colour === undefined) invalid('b must be a hex colour of 3 or 6 digits, such as b_ffffff');
        ops.background = colour;
        break;
      }
      case 'enlarge':
        claim('enlarge', token);
        if (value !== undefined) invalid('enlarge is a flag without a value');
        ops.enlarge = true;
        break;
      default:
        invalid(`unknown operation: ${name === '' ? token : name}`);
    }
  }
  return normaliseOperations(ops);
}

/** An operations object or string, as the URL builders accept it: objects are serialised, strings checked. */
export function operationsString(operations: ImageOperations | string): string {
  if (typeof operations === 'string') {
    parseOperations(operations);
    return operations;
  }
  return serializeOperations(operations);
}
