import { normaliseBaseUrl } from './base-url.ts';
import {
  base64UrlDecode,
  base64UrlEncode,
  checkSourceText,
  decodeUtf8,
  hexToBytes,
  isHex,
  percentDecode,
  percentEncode,
  utf8,
} from './encoding.ts';
import { UrlSignerError } from './errors.ts';
import { toUnixSeconds } from './expiry.ts';
import { concatBytes, hmacSha256 } from './hmac.ts';
import { normaliseCommon, type CommonTransform, type Crop, type Mutable } from './transform.ts';
import {
  formatDecimal,
  formatGravity,
  isGravityName,
  normaliseFormat,
  normaliseHexColour,
  parseDecimal,
  parseGravityParts,
  parseInteger,
  type Gravity,
  type ImageFormat,
  type ImageFormatInput,
  type Rotation,
} from './values.ts';

/** imgproxy's resizing types (`rt:`); imgproxy's default is `fit`. */
export const RESIZING_TYPES = ['fit', 'fill', 'fill-down', 'force', 'auto'] as const;
export type ResizingType = (typeof RESIZING_TYPES)[number];

/**
 * imgproxy processing options, the common core Shutterlock serves. Serialised with imgproxy's
 * short names: `rs:{type}:{width}:{height}[:1]`, `el:1`, `g:`, `c:`, `dpr:`, `q:`, `f:`, `bl:`,
 * `sh:`, `rot:`, `bg:`, `exp:`.
 */
export interface ImgproxyOptions extends CommonTransform {
  /** `rt:` — how width and height are applied. */
  readonly resizingType?: ResizingType;
  /** `exp:` — the URL answers 404 after this Unix time (seconds) or Date. */
  readonly expires?: number | Date;
}

export type ImgproxySourceEncoding = 'base64' | 'plain';

export interface ImgproxyPathInput {
  /** An options object (serialised) or a string of `/`-separated options such as `rs:fill:300:400/g:sm` (checked, used as given). */
  readonly options?: ImgproxyOptions | string;
  /** The source image URL (for Shutterlock also the `source` of a vault file). */
  readonly source: string;
  /** `base64` (default; safe for any URL) or `plain` (`/plain/{percent-encoded URL}`). */
  readonly sourceEncoding?: ImgproxySourceEncoding;
  /** The output format as a URL extension: `.{ext}` after base64, `@{ext}` after plain. */
  readonly extension?: ImageFormatInput;
  /** Split the base64 source into `/`-separated chunks of this length (imgproxy accepts any split). */
  readonly base64ChunkLength?: number;
}

export interface ImgproxySignatureInput {
  /** The key, hex-encoded (`IMGPROXY_KEY`). */
  readonly key: string;
  /** The salt, hex-encoded (`IMGPROXY_SALT`). */
  readonly salt: string;
  /** Bytes of the HMAC kept, 1–32 (`IMGPROXY_SIGNATURE_SIZE`); default 32. */
  readonly signatureSize?: number;
  /** Everything after the signature, starting with `/`. */
  readonly path: string;
}

export interface ImgproxyUrlInput extends ImgproxyPathInput, Omit<ImgproxySignatureInput, 'path'> {
  /** The imgproxy endpoint; for Shutterlock `https://photos.example.com/imgproxy/{projectSlug}`. */
  readonly baseUrl: string;
}

export interface ParsedImgproxyPath {
  /** The signature segment as sent. */
  readonly signature: string;
  /** What the signature covers: `/` and the rest of the path, re-normalised as imgproxy does. */
  readonly signedPath: string;
  /** The options, canonical; an extension is folded into `format`. */
  readonly options: ImgproxyOptions;
  /** The decoded source URL. */
  readonly sourceUrl: string;
  readonly sourceEncoding: ImgproxySourceEncoding;
}

export const MAX_IMGPROXY_PATH_LENGTH = 8192;
const DEFAULT_SIGNATURE_SIZE = 32;
/** Left as they are in a plain source URL; `%`, `?`, `@`, `#` and `:` after the scheme are always encoded. */
const PLAIN_URL_SAFE = /^[A-Za-z0-9\-._~!$&'()*+,;=/]$/;
const TRUE_WORDS = ['1', 't', 'T', 'TRUE', 'true', 'True'];
const FALSE_WORDS = ['0', 'f', 'F', 'FALSE', 'false', 'False'];

function invalid(message: string): never {
  throw new UrlSignerError('invalid_options', message);
}

/** Checks an options object and returns its canonical form (see `normaliseCommon`). Throws `invalid_options`. */
export function normaliseImgproxyOptions(options: ImgproxyOptions): ImgproxyOptions {
  const result: Mutable<ImgproxyOptions> = normaliseCommon(options, ['resizingType', 'expires'], 'invalid_options');
  if (options.resizingType !== undefined) {
    if (!(RESIZING_TYPES as readonly unknown[]).includes(options.resizingType)) {
      invalid(`resizingType must be one of: ${RESIZING_TYPES.join(', ')}`);
    }
    result.resizingType = options.resizingType;
  }
  if (options.expires !== undefined) result.expires = toUnixSeconds(options.expires);
  return result;
}

function formatExtension(format: ImageFormat): string {
  return format === 'jpeg' ? 'jpg' : format;
}

/** The options part of the path, `/`-separated, without leading or trailing slash; '' when there are none. */
export function serializeImgproxyOptions(options: ImgproxyOptions): string {
  const o = normaliseImgproxyOptions(options);
  const segments: string[] = [];
  if (o.resizingType !== undefined || o.width !== undefined || o.height !== undefined) {
    const args = [o.resizingType ?? '', o.width?.toString() ?? '', o.height?.toString() ?? '', o.enlarge ? '1' : ''];
    while (args.at(-1) === '') args.pop();
    segments.push(`rs:${args.join(':')}`);
  } else if (o.enlarge) {
    segments.push('el:1');
  }
  if (o.gravity !== undefined) segments.push(`g:${formatGravity(o.gravity, ':')}`);
  if (o.crop !== undefined) {
    const where = o.crop.gravity === undefined ? '' : `:${formatGravity(o.crop.gravity, ':')}`;
    segments.push(`c:${formatDecimal(o.crop.width)}:${formatDecimal(o.crop.height)}${where}`);
  }
  if (o.dpr !== undefined) segments.push(`dpr:${formatDecimal(o.dpr)}`);
  if (o.quality !== undefined) segments.push(`q:${o.quality}`);
  if (o.format !== undefined) segments.push(`f:${formatExtension(o.format as ImageFormat)}`);
  if (o.blur !== undefined) segments.push(`bl:${formatDecimal(o.blur)}`);
  if (o.sharpen !== undefined) segments.push(`sh:${formatDecimal(o.sharpen)}`);
  if (o.rotate !== undefined) segments.push(`rot:${o.rotate}`);
  if (o.background !== undefined) segments.push(`bg:${o.background}`);
  if (o.expires !== undefined) segments.push(`exp:${String(o.expires)}`);
  return segments.join('/');
}

// ---- Parsing, the way imgproxy's options parser reads a path ----

type Draft = Mutable<Omit<ImgproxyOptions, 'crop'>> & { crop?: Mutable<Crop> };

function maxArgs(name: string, args: readonly string[], max: number): void {
  if (args.length > max) invalid(`${name} takes at most ${max} arguments`);
}

/** Go's strconv.ParseBool; imgproxy treats anything else as false with a warning, Shutterlock refuses it. */
function parseBool(name: string, text: string): boolean {
  if (TRUE_WORDS.includes(text)) return true;
  if (FALSE_WORDS.includes(text)) return false;
  return invalid(`${name}: ${text} is not a boolean (1, t, true, 0, f, false)`);
}

function parseSignedInteger(name: string, text: string): number {
  const match = /^([+-]?)(\d+)$/.exec(text);
  const magnitude = match === null ? undefined : parseInteger(match[2]!);
  if (magnitude === undefined) invalid(`${name}: ${text} is not an integer`);
  return match![1] === '-' ? -magnitude : magnitude;
}

function parseNonNegative(name: string, text: string): number {
  const value = parseDecimal(text);
  if (value === undefined) invalid(`${name}: ${text} is not a non-negative number`);
  return value;
}

/** `{type}[:{x}:{y}]`; offsets other than 0 are refused (Shutterlock supports none). */
function parseGravity(name: string, args: readonly string[]): Gravity {
  const [type, ...offsets] = args;
  if (type === 'fp' || type === 'sm') {
    const gravity = parseGravityParts(args);
    if (gravity === undefined) invalid(`${name}: ${args.join(':')} is not a gravity (sm, or fp:{x}:{y} with x and y from 0 to 1)`);
    return gravity;
  }
  if (!isGravityName(type)) invalid(`${name}: unknown gravity type ${String(type)}`);
  maxArgs(name, args, 3);
  for (const offset of offsets) {
    if (offset !== '' && parseDecimal(offset) !== 0) invalid(`${name}: gravity offsets are not supported`);
  }
  return type;
}

function applySize(o: Draft, name: string, args: readonly string[]): void {
  maxArgs(name, args, 4);
  const [width, height, enlarge, extend] = args;
  if (width) applyWidth(o, 'width', width);
  if (height) applyHeight(o, 'height', height);
  if (enlarge) o.enlarge = parseBool('enlarge', enlarge);
  if (extend && parseBool('extend', extend)) invalid('extend is not supported');
}

function parseDimension(name: string, text: string): number | undefined {
  const value = parseInteger(text);
  if (value === undefined) invalid(`${name}: ${text} is not a whole number`);
  return value === 0 ? undefined : value;
}

function applyWidth(o: Draft, name: string, text: string): void {
  o.width = parseDimension(name, text);
}

function applyHeight(o: Draft, name: string, text: string): void {
  o.height = parseDimension(name, text);
}

function applyResizingType(o: Draft, text: string): void {
  if (!(RESIZING_TYPES as readonly string[]).includes(text)) {
    invalid(`resizing type must be one of: ${RESIZING_TYPES.join(', ')}`);
  }
  o.resizingType = text as ResizingType;
}

function applyFormat(o: Draft, text: string): void {
  const format = normaliseFormat(text);
  if (format === undefined) invalid(`format ${text} is not served (webp, avif, jpeg or jpg, png, auto)`);
  o.format = format;
}

function applyBackground(o: Draft, args: readonly string[]): void {
  if (args.length === 1) {
    if (args[0] === '') {
      delete o.background;
      return;
    }
    const colour = args[0]!.startsWith('#') ? undefined : normaliseHexColour(args[0]);
    if (colour === undefined) invalid(`background: ${args[0]} is not a hex colour`);
    o.background = colour;
    return;
  }
  if (args.length !== 3) invalid('background takes a hex colour or R:G:B');
  const channels = args.map((channel) => {
    const value = parseInteger(channel);
    if (value === undefined || value > 255) invalid(`background: ${channel} is not a number from 0 to 255`);
    return value.toString(16).padStart(2, '0');
  });
  o.background = channels.join('');
}

/** Applies one option as imgproxy does: later options override earlier ones. */
function applyOption(o: Draft, name: string, args: readonly string[]): void {
  const single = (): string => {
    maxArgs(name, args, 1);
    return args[0]!;
  };
  switch (name) {
    case 'resize':
    case 'rs':
      maxArgs(name, args, 5);
      if (args[0]) applyResizingType(o, args[0]);
      applySize(o, name, args.slice(1));
      return;
    case 'size':
    case 's':
      applySize(o, name, args);
      return;
    case 'resizing_type':
    case 'rt':
      applyResizingType(o, single());
      return;
    case 'width':
    case 'w':
      applyWidth(o, name, single());
      return;
    case 'height':
    case 'h':
      applyHeight(o, name, single());
      return;
    case 'enlarge':
    case 'el':
      o.enlarge = parseBool(name, single());
      return;
    case 'gravity':
    case 'g':
      o.gravity = parseGravity(name, args);
      return;
    case 'crop':
    case 'c': {
      maxArgs(name, args, 5);
      const width = parseNonNegative('crop width', args[0]!);
      const height = args.length > 1 ? parseNonNegative('crop height', args[1]!) : (o.crop?.height ?? 0);
      o.crop = { width, height };
      if (args.length > 2) o.crop.gravity = parseGravity('crop gravity', args.slice(2));
      return;
    }
    case 'dpr':
      o.dpr = parseNonNegative(name, single());
      return;
    case 'quality':
    case 'q': {
      const quality = parseInteger(single());
      if (quality === undefined || quality > 100) invalid(`quality must be a whole number from 0 to 100`);
      o.quality = quality === 0 ? undefined : quality;
      return;
    }
    case 'format':
    case 'f':
    case 'ext':
      applyFormat(o, single());
      return;
    case 'blur':
    case 'bl': {
      const sigma = parseNonNegative(name, single());
      o.blur = sigma === 0 ? undefined : sigma;
      return;
    }
    case 'sharpen':
    case 'sh': {
      const sigma = parseNonNegative(name, single());
      o.sharpen = sigma === 0 ? undefined : sigma;
      return;
    }
    case 'rotate':
    case 'rot': {
      const angle = parseSignedInteger(name, single());
      if (angle % 90 !== 0) invalid('rotation angle must be a multiple of 90');
      const rotation = (((angle % 360) + 360) % 360) as Rotation;
      o.rotate = rotation === 0 ? undefined : rotation;
      return;
    }
    case 'background':
    case 'bg':
      applyBackground(o, args);
      return;
    case 'expires':
    case 'exp': {
      const timestamp = parseSignedInteger(name, single());
      o.expires = timestamp > 0 ? timestamp : undefined;
      return;
    }
    default:
      invalid(`unknown or unsupported processing option: ${name}`);
  }
}

function withoutUndefined(draft: Draft): ImgproxyOptions {
  return Object.fromEntries(Object.entries(draft).filter(([, value]) => value !== undefined)) as ImgproxyOptions;
}

/**
 * Splits `/`-separated path parts into options (parts containing `:`) and the source parts
 * that follow, as imgproxy does, and applies the options in order.
 */
function applyOptionParts(parts: readonly string[]): { draft: Draft; sourceParts: string[] } {
  const draft: Draft = {};
  let index = 0;
  for (; index < parts.length; index += 1) {
    const [name, ...args] = parts[index]!.split(':');
    if (args.length === 0) break;
    applyOption(draft, name!, args);
  }
  return { draft, sourceParts: parts.slice(index) };
}

/** Checks an options string (`rs:fill:300:400/g:sm`) the way the server will read it. Throws `invalid_options`. */
export function parseImgproxyOptions(text: string): ImgproxyOptions {
  if (text === '') return {};
  const parts = text.split('/');
  const { draft, sourceParts } = applyOptionParts(parts);
  if (sourceParts.length > 0) invalid(`not a processing option (name:arguments): ${sourceParts[0]}`);
  return normaliseImgproxyOptions(withoutUndefined(draft));
}

/**
 * imgproxy's `RedenormalizePath`: undoes what browsers and CDNs do to paths — `%3A` back to `:`
 * in the options, and `scheme:/x` back to `scheme://x` at the start of a plain URL. The
 * regular expression is imgproxy's, greedy as it is: it rewrites the last `:/` followed by a
 * character other than `/`, so a plain URL with `:/x` in its path is rewritten too.
 */
export function redenormaliseImgproxyPath(path: string): string {
  let options: string;
  let plainUrl = '';
  let hasPlain = false;
  if (path.startsWith('plain/')) {
    options = '';
    plainUrl = path.slice('plain/'.length);
    hasPlain = true;
  } else {
    const at = path.indexOf('/plain/');
    options = at === -1 ? path : path.slice(0, at);
    if (at !== -1) {
      plainUrl = path.slice(at + '/plain/'.length);
      hasPlain = true;
    }
  }
  const fixedOptions = options.replaceAll('%3A', ':');
  if (!hasPlain) return fixedOptions.replace(/^\//, '');
  // Go's \S is [^\t\n\f\r ]; JavaScript's would also exclude Unicode spaces.
  const match = /^([^\t\n\f\r ]+):\/([^/])/.exec(plainUrl);
  if (match) {
    const replacement = `${match[1]}://${match[1] === 'local' ? '/' : ''}${match[2]}`;
    plainUrl = replacement + plainUrl.slice(match[0].length);
  }
  return `${fixedOptions}/plain/${plainUrl}`.replace(/^\//, '');
}

function invalidPath(message: string): never {
  throw new UrlSignerError('invalid_path', message);
}

function decodeSource(parts: readonly string[]): { sourceUrl: string; encoding: ImgproxySourceEncoding; extension?: string } {
  if (parts.length === 0) invalidPath('the source URL is missing');
  if (parts[0] === 'plain' && parts.length > 1) {
    const [encoded, extension, ...more] = parts.slice(1).join('/').split('@');
    if (!encoded) invalidPath('the source URL is empty');
    if (more.length > 0) invalidPath('more than one @ in a plain source URL: encode @ in the URL as %40');
    const sourceUrl = percentDecode(encoded);
    if (sourceUrl === undefined) invalidPath('the plain source URL has malformed percent-encoding');
    return { sourceUrl, encoding: 'plain', ...(extension ? { extension } : {}) };
  }
  const [encoded, extension, ...more] = parts.join('').split('.');
  if (!encoded) invalidPath('the source URL is empty');
  if (more.length > 0) invalidPath('more than one . in a base64 source URL');
  const bytes = base64UrlDecode(encoded.replace(/=+$/, ''));
  const sourceUrl = bytes === undefined ? undefined : decodeUtf8(bytes);
  if (sourceUrl === undefined) invalidPath('the source URL is not URL-safe base64 of UTF-8 text');
  return { sourceUrl, encoding: 'base64', ...(extension ? { extension } : {}) };
}

/**
 * Reads the raw (still percent-encoded) path after the imgproxy endpoint —
 * `/{signature}/{options…}/{source}` — exactly as imgproxy does: the query string is ignored,
 * the signature is the first segment, the rest is re-normalised, options are applied in order
 * and the extension overrides `f:`. The caller verifies `signature` against `signedPath`.
 * Throws `invalid_path` or `invalid_options`.
 */
export function parseImgproxyPath(rawPath: string): ParsedImgproxyPath {
  if (rawPath.length > MAX_IMGPROXY_PATH_LENGTH) invalidPath(`the path is longer than ${MAX_IMGPROXY_PATH_LENGTH} characters`);
  const withoutQuery = rawPath.split('?', 1)[0]!;
  const trimmed = withoutQuery.startsWith('/') ? withoutQuery.slice(1) : withoutQuery;
  const slash = trimmed.indexOf('/');
  const signature = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const rest = slash === -1 ? '' : trimmed.slice(slash + 1);
  if (signature === '' || rest === '') invalidPath('expected /{signature}/{options}/{source}');
  const path = redenormaliseImgproxyPath(rest);
  const parts = path.split('/');
  if ((RESIZING_TYPES as readonly string[]).includes(parts[0]!)) {
    invalidPath('this is imgproxy’s retired basic URL format; use processing options (rs:fill:300:400)');
  }
  const { draft, sourceParts } = applyOptionParts(parts);
  const { sourceUrl, encoding, extension } = decodeSource(sourceParts);
  if (extension !== undefined) applyFormat(draft, extension);
  return {
    signature,
    signedPath: `/${path}`,
    options: normaliseImgproxyOptions(withoutUndefined(draft)),
    sourceUrl,
    sourceEncoding: encoding,
  };
}

// ---- Building ----

/**
 * A plain source URL percent-encoded so that imgproxy's single unescape gives it back and its
 * re-normalisation never applies: the scheme's `:` stays only when `//` follows it.
 */
function encodePlainSource(source: string): string {
  const scheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:(?=\/\/)/.exec(source)?.[0] ?? '';
  const encoded = percentEncode(source.slice(scheme.length), PLAIN_URL_SAFE);
  // Browsers resolve "." and ".." segments (even written %2E) before sending, which would change the signed path.
  if (encoded.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new UrlSignerError('invalid_source', 'a plain source must not contain "." or ".." segments; use the base64 encoding');
  }
  return scheme + encoded;
}

function encodeSourcePart(input: ImgproxyPathInput): string {
  checkSourceText(input.source);
  const extension = input.extension === undefined ? undefined : normaliseFormat(input.extension);
  if (input.extension !== undefined && extension === undefined) {
    throw new UrlSignerError('invalid_options', 'extension must be one of: webp, avif, jpeg or jpg, png, auto');
  }
  const encoding = input.sourceEncoding ?? 'base64';
  if (encoding === 'plain') {
    return `plain/${encodePlainSource(input.source)}${extension === undefined ? '' : `@${formatExtension(extension)}`}`;
  }
  if (encoding !== 'base64') throw new UrlSignerError('invalid_argument', 'sourceEncoding must be base64 or plain');
  const encoded = base64UrlEncode(utf8(input.source));
  const chunk = input.base64ChunkLength;
  if (chunk !== undefined && (!Number.isSafeInteger(chunk) || chunk <= 0)) {
    throw new UrlSignerError('invalid_argument', 'base64ChunkLength must be a positive whole number');
  }
  const chunks = chunk === undefined ? [encoded] : (encoded.match(new RegExp(`.{1,${chunk}}`, 'g')) ?? []);
  return `${chunks.join('/')}${extension === undefined ? '' : `.${formatExtension(extension)}`}`;
}

/** The unsigned path: `/{options}/{source}` (no leading options segment when there are none). */
export function buildImgproxyPath(input: ImgproxyPathInput): string {
  let options = '';
  if (typeof input.options === 'string') {
    parseImgproxyOptions(input.options);
    options = input.options;
  } else if (input.options !== undefined) {
    options = serializeImgproxyOptions(input.options);
  }
  const source = encodeSourcePart(input);
  return options === '' ? `/${source}` : `/${options}/${source}`;
}

function hexBytes(value: string, what: 'key' | 'salt'): Uint8Array<ArrayBuffer> {
  if (typeof value !== 'string' || !isHex(value)) {
    throw new UrlSignerError('invalid_key', `${what} must be hex-encoded bytes (an even number of 0-9, a-f)`);
  }
  return hexToBytes(value);
}

/**
 * imgproxy's signature: URL-safe base64 without padding of the first `signatureSize` bytes of
 * HMAC-SHA256(key, salt ‖ path), with key and salt hex-decoded and `/` put in front of a path
 * that lacks it (as imgproxy does).
 */
export async function signImgproxyPath(input: ImgproxySignatureInput): Promise<string> {
  const key = hexBytes(input.key, 'key');
  const salt = hexBytes(input.salt, 'salt');
  const size = input.signatureSize ?? DEFAULT_SIGNATURE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > 32) {
    throw new UrlSignerError('invalid_argument', 'signatureSize must be a whole number of bytes from 1 to 32');
  }
  if (typeof input.path !== 'string' || input.path === '') {
    throw new UrlSignerError('invalid_path', 'path must be a non-empty string');
  }
  const path = input.path.startsWith('/') ? input.path : `/${input.path}`;
  const mac = await hmacSha256(key, concatBytes(salt, utf8(path)));
  return base64UrlEncode(mac.subarray(0, size));
}

/** A signed imgproxy URL: `{baseUrl}/{signature}/{options}/{source}`. */
export async function buildImgproxyUrl(input: ImgproxyUrlInput): Promise<string> {
  const base = normaliseBaseUrl(input.baseUrl);
  const path = buildImgproxyPath(input);
  const signature = await signImgproxyPath({
    key: input.key,
    salt: input.salt,
    path,
    ...(input.signatureSize === undefined ? {} : { signatureSize: input.signatureSize }),
  });
  return `${base}/${signature}${path}`;
}

