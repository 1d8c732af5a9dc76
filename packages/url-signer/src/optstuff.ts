import { normaliseBaseUrl } from './base-url.ts';
import { base64UrlEncode, checkSourceText, percentDecode, percentEncode, utf8 } from './encoding.ts';
import { UrlSignerError } from './errors.ts';
import { toUnixSeconds } from './expiry.ts';
import { hmacSha256 } from './hmac.ts';
import { operationsString, type ImageOperations } from './operations.ts';

/** OptStuff (and Shutterlock) public keys: `pk_` and 16 random bytes in base64url. */
export const PUBLIC_KEY_PATTERN = /^pk_[A-Za-z0-9_-]{22}$/;
const SECRET_KEY_PATTERN = /^sk_[A-Za-z0-9_-]{16,}$/;
/** OptStuff keeps the first 32 base64url characters (192 bits) of the HMAC. */
export const OPTSTUFF_SIGNATURE_LENGTH = 32;
/** Characters left as they are in a path segment (RFC 3986 pchar, minus `+`, which some servers read as a space). */
const PATH_SEGMENT_SAFE = /^[A-Za-z0-9\-._~!$&'()*,;=:@]$/;
const SCHEME_PREFIX = /^https?:\/\//i;

export interface OptStuffSignatureInput {
  /** The whole secret key, `sk_…`: its UTF-8 bytes are the HMAC key. */
  readonly secretKey: string;
  /** The operations part exactly as it appears in the URL. */
  readonly operations: string;
  /** The source part as the server reads it (decoded). */
  readonly source: string;
  /** Unix seconds (or a Date); signed as `?exp={seconds}`. */
  readonly expiresAt?: number | Date;
}

export interface OptStuffUrlInput {
  /** Where `/api/v1/…` is served, e.g. `https://photos.example.com`. */
  readonly baseUrl: string;
  readonly projectSlug: string;
  /** `pk_…` — sent in the URL as `key`. */
  readonly publicKey: string;
  /** `sk_…` — never sent; signs the URL. */
  readonly secretKey: string;
  /** An operations object (serialised canonically) or a string (checked, used as given). */
  readonly operations: ImageOperations | string;
  /**
   * The `{source}` part: a remote image without `https://` (`cdn.example.com/photo.jpg`; keep
   * `http://` when the image is only on http), or the `source` Shutterlock's `setFileWebUsage`
   * answers for a vault file. `optStuffSource()` turns an absolute URL into this form.
   */
  readonly source: string;
  /** When the URL stops working: Unix seconds or a Date. */
  readonly expiresAt?: number | Date;
}

function checkSecretKey(secretKey: string): void {
  if (typeof secretKey === 'string' && secretKey.startsWith('pk_')) {
    throw new UrlSignerError('invalid_key', 'secretKey is a public key (pk_…); sign with the secret key (sk_…)');
  }
  if (typeof secretKey !== 'string' || !SECRET_KEY_PATTERN.test(secretKey)) {
    throw new UrlSignerError('invalid_key', 'secretKey must be an OptStuff-style secret key: sk_ and at least 16 base64url characters');
  }
}

function checkPublicKey(publicKey: string): void {
  if (typeof publicKey === 'string' && publicKey.startsWith('sk_')) {
    throw new UrlSignerError('invalid_key', 'publicKey is a secret key (sk_…); never put it in a URL');
  }
  if (typeof publicKey !== 'string' || !PUBLIC_KEY_PATTERN.test(publicKey)) {
    throw new UrlSignerError('invalid_key', 'publicKey must be pk_ followed by 22 base64url characters');
  }
}

/** Splits a source at its first `?`: the path part is sent as path segments, the rest as one encoded tail. */
function splitQuery(source: string): [path: string, query: string] {
  const queryStart = source.indexOf('?');
  return queryStart === -1 ? [source, ''] : [source.slice(0, queryStart), source.slice(queryStart)];
}

/**
 * Checks a source before it is signed. Dot segments and empty segments in its path are refused
 * because browsers, proxies and Next.js rewrite them (`a/../b` → `b`, `a//b` → `a/b`), and a
 * rewritten path no longer matches its signature.
 */
export function checkOptStuffSource(source: string): void {
  checkSourceText(source);
  if (source.startsWith('/')) {
    throw new UrlSignerError('invalid_source', 'source must start with a host name or a source id, not with /');
  }
  const [path] = splitQuery(source);
  const scheme = SCHEME_PREFIX.exec(path)?.[0] ?? '';
  for (const segment of path.slice(scheme.length).split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new UrlSignerError('invalid_source', 'the path of source must not contain empty, "." or ".." segments');
    }
  }
}

/**
 * The `{source}` part for an absolute image URL, as OptStuff's own client writes it: host, path
 * and query, with the scheme left out when it is the one the server assumes (`https`, or
 * `http` for `localhost`). The path stays percent-encoded as the URL has it.
 */
export function optStuffSource(imageUrl: string | URL): string {
  let url: URL;
  try {
    url = new URL(imageUrl);
  } catch {
    throw new UrlSignerError('invalid_source', 'imageUrl is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UrlSignerError('invalid_source', 'imageUrl must use https or http');
  }
  if (url.username !== '' || url.password !== '') {
    throw new UrlSignerError('invalid_source', 'imageUrl must not carry credentials');
  }
  const assumedProtocol = url.hostname === 'localhost' ? 'http:' : 'https:';
  const scheme = url.protocol === assumedProtocol ? '' : `${url.protocol}//`;
  const source = `${scheme}${url.host}${url.pathname === '/' ? '' : url.pathname}${url.search}`;
  checkOptStuffSource(source);
  return source;
}

/**
 * The absolute URL a remote source names, as OptStuff's server resolves it (`ensureProtocol`):
 * an explicit `http://` or `https://` is kept, `localhost` defaults to http, anything else to
 * https; a leading `/` or another scheme is refused.
 */
export function resolveOptStuffSource(source: string): URL {
  checkOptStuffSource(source);
  const explicitScheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(source)?.[1]?.toLowerCase();
  if (explicitScheme !== undefined && explicitScheme !== 'http' && explicitScheme !== 'https') {
    throw new UrlSignerError('invalid_source', `unsupported scheme ${explicitScheme}://; only http and https`);
  }
  const isLocalhost = source === 'localhost' || source.startsWith('localhost:') || source.startsWith('localhost/');
  const absolute = explicitScheme !== undefined ? source : `${isLocalhost ? 'http' : 'https'}://${source}`;
  try {
    return new URL(absolute);
  } catch {
    throw new UrlSignerError('invalid_source', 'source is not a valid URL');
  }
}

/**
 * The source part of the request path: each path segment percent-encoded, and the query (from
 * the first `?`) encoded whole, `/` included, so that decoding each request segment once and
 * joining them with `/` gives the source back.
 */
export function encodeOptStuffSource(source: string): string {
  checkOptStuffSource(source);
  const [path, query] = splitQuery(source);
  const encodedPath = path
    .split('/')
    .map((segment) => percentEncode(segment, PATH_SEGMENT_SAFE))
    .join('/');
  return encodedPath + percentEncode(query, PATH_SEGMENT_SAFE);
}

/** The signed payload: `{operations}/{source}`, plus `?exp={seconds}` when the URL expires. */
export function optStuffSignaturePayload(operations: string, source: string, expiresAt?: number | Date): string {
  const path = `${operations}/${source}`;
  return expiresAt === undefined ? path : `${path}?exp=${toUnixSeconds(expiresAt)}`;
}

/**
 * OptStuff's `sig`: the first 32 characters of base64url(HMAC-SHA256(key = the whole `sk_…`
 * string as UTF-8, payload)), exactly as OptStuff's `createUrlSignature` computes it.
 */
export async function signOptStuff(input: OptStuffSignatureInput): Promise<string> {
  checkSecretKey(input.secretKey);
  const payload = optStuffSignaturePayload(input.operations, input.source, input.expiresAt);
  const mac = await hmacSha256(utf8(input.secretKey), utf8(payload));
  return base64UrlEncode(mac).slice(0, OPTSTUFF_SIGNATURE_LENGTH);
}

function encodeProjectSlug(projectSlug: string): string {
  if (typeof projectSlug !== 'string' || projectSlug.length === 0 || projectSlug.includes('/')) {
    throw new UrlSignerError('invalid_argument', 'projectSlug must be a non-empty string without /');
  }
  if (projectSlug === '.' || projectSlug === '..') {
    throw new UrlSignerError('invalid_argument', 'projectSlug must not be "." or ".."');
  }
  return encodeURIComponent(projectSlug);
}

/**
 * A signed OptStuff-style URL:
 * `{baseUrl}/api/v1/{projectSlug}/{operations}/{source}?key={pk}&sig={sig}[&exp={seconds}]`.
 * Works against Shutterlock and, for sources without `%`, against OptStuff itself.
 */
export async function buildOptStuffUrl(input: OptStuffUrlInput): Promise<string> {
  const base = normaliseBaseUrl(input.baseUrl);
  const slug = encodeProjectSlug(input.projectSlug);
  checkPublicKey(input.publicKey);
  const operations = operationsString(input.operations);
  const encodedSource = encodeOptStuffSource(input.source);
  const expiresAt = input.expiresAt === undefined ? undefined : toUnixSeconds(input.expiresAt);
  const sig = await signOptStuff({
    secretKey: input.secretKey,
    operations,
    source: input.source,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  });
  const query = `key=${encodeURIComponent(input.publicKey)}&sig=${sig}${expiresAt === undefined ? '' : `&exp=${expiresAt}`}`;
  return `${base}/api/v1/${slug}/${operations}/${encodedSource}?${query}`;
}

export interface ParsedOptStuffPath {
  readonly projectSlug: string;
  /** The operations part as signed (decoded once). */
  readonly operations: string;
  /** The source as Shutterlock reads it: each segment decoded once, `https:/` restored to `https://`. */
  readonly source: string;
  /**
   * OptStuff's own reading, present only when it differs: OptStuff decodes the joined source a
   * second time after its router already did. A URL signed for OptStuff verifies against this.
   */
  readonly optStuffSource?: string;
}

/** OptStuff's `restoreProtocolSlashes`: proxies that merge `//` turn `https://x` into `https:/x`. */
function restoreProtocolSlashes(path: string): string {
  return path.replace(/^(https?:\/)(?!\/)/, '$1/');
}

/**
 * Reads the raw (still percent-encoded) path after `/api/v1/` — `{projectSlug}/{operations}/{source…}`,
 * query string ignored — the way OptStuff's route does. Throws `invalid_path`.
 */
export function parseOptStuffPath(rawPath: string): ParsedOptStuffPath {
  const pathOnly = rawPath.split('?', 1)[0]!.replace(/^\/+/, '');
  const segments = pathOnly.split('/').map((segment) => percentDecode(segment));
  if (segments.some((segment) => segment === undefined)) {
    throw new UrlSignerError('invalid_path', 'the path has malformed percent-encoding');
  }
  const [projectSlug, operations, ...sourceSegments] = segments as string[];
  if (!projectSlug || !operations || sourceSegments.length === 0) {
    throw new UrlSignerError('invalid_path', 'expected /api/v1/{projectSlug}/{operations}/{source}');
  }
  const joined = sourceSegments.join('/');
  if (joined === '') throw new UrlSignerError('invalid_path', 'the source part is empty');
  const source = restoreProtocolSlashes(joined);
  const decodedAgain = percentDecode(joined);
  const optStuffSource = decodedAgain === undefined ? undefined : restoreProtocolSlashes(decodedAgain);
  return {
    projectSlug,
    operations,
    source,
    ...(optStuffSource !== undefined && optStuffSource !== source ? { optStuffSource } : {}),
  };
}
