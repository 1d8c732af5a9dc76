import {
  type ImageOperations,
  type ImgproxyOptions,
  PUBLIC_KEY_PATTERN,
  UrlSignerError,
  parseImgproxyPath,
  parseOperations,
  parseOptStuffPath,
  resolveOptStuffSource,
  serializeOperations,
} from '@shutterlock/url-signer';
import { Readable } from 'node:stream';
import { AppError, NotFoundError } from '../errors.ts';
import type { ServedFile } from '../http/send-file.ts';
import type { ImagingInput, ImagingPiece } from '../imaging/pool.ts';
import { type FitMode, type OutputFormat, type TransformSpec, mediaTypes } from '../imaging/transform-spec.ts';
import { refererAllowed, remoteSourceAllowed } from './allowlists.ts';
import type { ImagesDeps as DataPlaneDeps } from './deps.ts';
import { parseList } from './projects.ts';
import { signingSecrets } from './key-grants.ts';
import { type KeyRow, type ProjectRow, findImgproxyProjectsBySlug, touchKeyLastUsed } from './repo.ts';
import { fetchRemoteImage, sourceNotAllowed } from './remote-source.ts';
import { verifyImgproxy, verifyOptStuff } from './signatures.ts';
import type { Refusal } from './usage-recorder.ts';
import { OWN_SOURCE_PREFIX, publishedFile } from './web-files.ts';

/**
 * The data plane (docs/imaging.md): a signed image URL in, an image (or 304) out. In order:
 * the path and operations are read with @shutterlock/url-signer's parsers (bad → 400); the
 * caller's address must not have spent its failed-signature allowance; the key (by `pk_`) or,
 * for imgproxy URLs, the project's key and salt must sign the URL (constant time) and belong
 * to the project in the path; then expiry, the project's expiry rules, the referer allowlist,
 * the key's rate limits (minute before day), the source (an own published file of the key's
 * studio, or an allowlisted remote host); then the canonical form names the result, which is
 * answered 304, from the encrypted cache, or transformed once for every identical request in
 * flight, within the bounded transform slots. The published file is read on every request, and
 * the key at most a second after it changed (key-grants.ts: at once on the instance that changed
 * it), before any cached copy, so revoking or unpublishing stops service.
 */

export interface ImageRequest {
  /** The path after `/api/v1/` or `/imgproxy/`, still percent-encoded, without the query. */
  rawPath: string;
  query: { key?: string; sig?: string; exp?: string };
  referer: string | undefined;
  accept: string | undefined;
  ifNoneMatch: string | undefined;
  ip: string;
}

export interface ImageResponse {
  status: 200 | 304;
  headers: Record<string, string>;
  /** A stream only for an untouched original: the vault's reader, each piece verified before it is released. */
  body: Buffer | Readable | null;
}

/** The bytes an answer sends, for the project's usage. */
function bodyBytes(response: ImageResponse): number {
  if (response.body === null) return 0;
  return Buffer.isBuffer(response.body) ? response.body.length : Number(response.headers['content-length']);
}

const FAILURES_PER_IP = 50;
const OWN_MAX_AGE = 365 * 24 * 3600;
const REMOTE_MAX_AGE = 24 * 3600;
const DAY_MS = 24 * 3600_000;
const LAST_USED_EVERY_MS = 60_000;
/** imgproxy URLs carry no key: the project's own allowance, ten times a default key's. */
const IMGPROXY_PER_MINUTE = 600;
const IMGPROXY_PER_DAY = 100_000;
const MAX_IMGPROXY_CANDIDATES = 20;
const EXPIRY_DIGITS = /^[1-9]\d{0,11}$|^0$/;

interface Grant {
  studioId: string;
  project: ProjectRow;
  key: KeyRow | null;
  /** Unix seconds; null when the URL does not expire. */
  expiresAt: number | null;
  operations: ImageOperations;
  source: string;
}

function invalidRequest(error: unknown): never {
  if (error instanceof UrlSignerError) throw new AppError(error.code, error.message, 400);
  throw error;
}

function signatureInvalid(): AppError {
  return new AppError('signature_invalid', 'The signature does not match this URL.', 403);
}

function keyRefused(code: string, message: string): AppError {
  return new AppError(code, message, 401);
}

function imageNotFound(): NotFoundError {
  return new NotFoundError('image_not_found', 'No published image has this id.');
}

const refusalOf: Record<string, Refusal> = {
  signature_invalid: 'signature',
  url_expired: 'expired',
  expiry_required: 'expired',
  expiry_too_far: 'expired',
  referer_not_allowed: 'referer',
  source_not_allowed: 'source',
  rate_limited: 'rate_limit',
};

async function guardAddress(deps: DataPlaneDeps, ip: string): Promise<void> {
  if (await deps.quotas.spent('failuresPerIp', ip, FAILURES_PER_IP)) {
    throw new AppError('rate_limited', 'Too many refused image requests from this address. Try again later.', 429, { headers: { 'retry-after': '600' } });
  }
}

async function countFailure(deps: DataPlaneDeps, ip: string): Promise<void> {
  await deps.quotas.take('failuresPerIp', ip, FAILURES_PER_IP).catch(() => undefined);
}

function parseExpiry(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!EXPIRY_DIGITS.test(text)) throw new AppError('expiry_invalid', 'exp must be Unix seconds.', 400);
  // OptStuff signs exp only when it is truthy: exp=0 is a URL without expiry.
  return text === '0' ? undefined : Number(text);
}

/** OptStuff-format: `/api/v1/{projectSlug}/{operations}/{source}?key=&sig=[&exp=]`. */
export async function serveOptStuffImage(deps: DataPlaneDeps, request: ImageRequest): Promise<ImageResponse> {
  let path: ReturnType<typeof parseOptStuffPath>;
  let operations: ImageOperations;
  try {
    path = parseOptStuffPath(request.rawPath);
    operations = parseOperations(path.operations);
  } catch (error) {
    invalidRequest(error);
  }
  const expiresAt = parseExpiry(request.query.exp);
  await guardAddress(deps, request.ip);
  const { key: publicKey, sig } = request.query;
  if (publicKey === undefined || !PUBLIC_KEY_PATTERN.test(publicKey) || sig === undefined) {
    await countFailure(deps, request.ip);
    throw keyRefused('key_invalid', 'The URL needs key=pk_… and sig=….');
  }
  const grant = await deps.keyGrants.find(publicKey);
  if (!grant) {
    await countFailure(deps, request.ip);
    throw keyRefused('key_invalid', 'No API key has this public id.');
  }
  const { key, project } = grant;
  return answerFor(deps, request, project, key.id, async () => {
    if (project.slug !== path.projectSlug) throw keyRefused('key_project_mismatch', 'This key belongs to another project.');
    const now = deps.now();
    if (key.revoked_at !== null) throw keyRefused('key_revoked', 'This API key was revoked.');
    if (key.expires_at !== null && key.expires_at <= now) throw keyRefused('key_expired', 'This API key has expired.');
    const sources = path.optStuffSource === undefined ? [path.source] : [path.source, path.optStuffSource];
    const verified = await verifyOptStuff({ secrets: signingSecrets(grant, now), operations: path.operations, sources, ...(expiresAt === undefined ? {} : { expiresAt }), sig });
    if (verified === undefined) {
      await countFailure(deps, request.ip);
      throw signatureInvalid();
    }
    touchLastUsed(deps, key, now);
    return { studioId: key.studio_id, project, key, expiresAt: expiresAt ?? null, operations, source: verified };
  });
}

function touchLastUsed(deps: DataPlaneDeps, key: KeyRow, now: number): void {
  const last = deps.lastUsedWrites.get(key.id) ?? key.last_used_at ?? 0;
  if (now - last < LAST_USED_EVERY_MS) return;
  deps.lastUsedWrites.set(key.id, now);
  void touchKeyLastUsed(deps.db, key.id, now).catch((error: unknown) => deps.logger.warn({ err: error }, 'last use of an image key not recorded'));
}

const resizingFits: Record<string, FitMode> = { fit: 'inside', fill: 'cover', 'fill-down': 'cover', force: 'fill', auto: 'cover' };

/** imgproxy's options as the operations they mean, so both formats share canonical forms and cache entries. */
function imgproxyOperations(options: ImgproxyOptions): ImageOperations {
  const { resizingType, expires, ...common } = options;
  void expires;
  const type = resizingType ?? 'fit';
  return { ...common, fit: resizingFits[type]!, ...(type === 'fill-down' ? { enlarge: false } : {}) } as ImageOperations;
}

/** imgproxy-format: `/imgproxy/{projectSlug}/{signature}/{options…}/{source}`, signed with the project's key and salt. */
export async function serveImgproxyImage(deps: DataPlaneDeps, request: ImageRequest): Promise<ImageResponse> {
  const slash = request.rawPath.indexOf('/');
  const slug = slash === -1 ? '' : request.rawPath.slice(0, slash);
  let parsed: ReturnType<typeof parseImgproxyPath>;
  try {
    if (slug === '') throw new UrlSignerError('invalid_path', 'expected /imgproxy/{projectSlug}/{signature}/{options}/{source}');
    parsed = parseImgproxyPath(request.rawPath.slice(slash));
  } catch (error) {
    invalidRequest(error);
  }
  await guardAddress(deps, request.ip);
  const candidates = await findImgproxyProjectsBySlug(deps.db, decodeURIComponent(slug), MAX_IMGPROXY_CANDIDATES);
  const project = await verifyImgproxy(deps.secrets, candidates, parsed.signedPath, parsed.signature);
  if (!project) {
    await countFailure(deps, request.ip);
    throw signatureInvalid();
  }
  const expires = parsed.options.expires;
  return answerFor(deps, request, project, '', async () => ({
    studioId: project.studio_id,
    project,
    key: null,
    expiresAt: expires === undefined ? null : Number(expires),
    operations: imgproxyOperations(parsed.options),
    source: parsed.sourceUrl,
  }));
}

/** Runs the checks and the answer, counting what was served and what was refused (by reason) for the project's usage. */
async function answerFor(deps: DataPlaneDeps, request: ImageRequest, project: ProjectRow, keyId: string, authorize: () => Promise<Grant>): Promise<ImageResponse> {
  const usage = { studioId: project.studio_id, projectId: project.id, keyId };
  try {
    const grant = await authorize();
    const { response, cacheHit } = await deliver(deps, request, grant);
    deps.usage.record({ ...usage, outcome: { served: { bytes: bodyBytes(response), cacheHit } } });
    return response;
  } catch (error) {
    const refusal = error instanceof AppError ? refusalOf[error.code] : undefined;
    if (refusal) deps.usage.record({ ...usage, outcome: { refused: refusal } });
    throw error;
  }
}

function checkExpiry(deps: DataPlaneDeps, grant: Grant): void {
  const nowSeconds = Math.floor(deps.now() / 1000);
  if (grant.expiresAt !== null && grant.expiresAt <= nowSeconds) throw new AppError('url_expired', 'This image URL has expired.', 403);
  if (grant.expiresAt === null && grant.project.require_expiry === 1) throw new AppError('expiry_required', 'This project only serves URLs with exp.', 403);
  const maxLifetime = grant.project.max_lifetime_seconds;
  if (grant.expiresAt !== null && maxLifetime !== null && grant.expiresAt - nowSeconds > maxLifetime) {
    throw new AppError('expiry_too_far', `This project serves URLs expiring within ${maxLifetime} seconds.`, 403);
  }
}

async function takeQuotas(deps: DataPlaneDeps, grant: Grant): Promise<Record<string, string>> {
  const bucket = grant.key?.id ?? `project:${grant.project.id}`;
  const minute = await deps.quotas.take('perMinute', bucket, grant.key?.per_minute ?? IMGPROXY_PER_MINUTE);
  await deps.quotas.take('perDay', bucket, grant.key?.per_day ?? IMGPROXY_PER_DAY);
  return minute.headers;
}

/** `auto`: AVIF when the browser takes it, else WebP, else JPEG. */
function negotiatedFormat(accept: string | undefined): OutputFormat {
  const accepted = (accept ?? '').toLowerCase();
  if (accepted.includes('image/avif')) return 'avif';
  if (accepted.includes('image/webp')) return 'webp';
  return 'jpeg';
}

function formatOfMediaType(mediaType: string): OutputFormat {
  const found = (Object.entries(mediaTypes) as Array<[OutputFormat, string]>).find(([, type]) => type === mediaType);
  return found?.[0] ?? 'jpeg';
}

/** The canonical operations (format aside): what a cache entry's name is made of. */
export function canonicalOperations(operations: ImageOperations): string {
  const { format, ...rest } = operations;
  void format;
  const resizes = rest.width !== undefined || rest.height !== undefined;
  return serializeOperations(resizes ? { ...rest, fit: rest.fit ?? 'cover' } : { ...rest, fit: undefined });
}

export function specOf(operations: ImageOperations, format: OutputFormat): TransformSpec {
  const { fit, format: requested, rotate, ...rest } = operations;
  void requested;
  return { ...rest, fit: fit ?? 'cover', format, enlarge: operations.enlarge === true, ...(rotate ? { rotate } : {}) };
}

/** A source's bytes as the imaging pool takes them: streamed for a vault file, whole for a fetched remote image. */
interface SourceInput {
  input: ImagingInput;
  mediaType: string;
}

interface Resolved {
  /** The source's version in the canonical form. */
  version: string;
  /** Null: the format is chosen from the source once loaded. */
  format: OutputFormat | null;
  maxAge: number;
  /** Epoch ms after which a cached result is not used. */
  staleAt: number | null;
  /** Runs `work` over the source's bytes; a vault file's stream is closed however `work` ends. */
  withSource<T>(work: (source: SourceInput) => Promise<T>): Promise<T>;
  /** Set when the answer is the original bytes, untouched (the project allows it): its ETag, known before any byte is read, and its reader. */
  original?: () => Promise<{ etag: string; read: () => Promise<ServedFile> }>;
}

export const decodable = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif', 'image/tiff']);

type VaultFile = Awaited<ReturnType<DataPlaneDeps['vault']['find']>>[number];

function sourceTooLarge(): AppError {
  return new AppError('image_too_large', 'The source is too large to transform.', 422);
}

async function* withinLimit(body: AsyncIterable<ImagingPiece>, maxBytes: number): AsyncGenerator<ImagingPiece> {
  let length = 0;
  for await (const piece of body) {
    if (piece instanceof Uint8Array) length += piece.byteLength;
    else for (const part of piece) length += part.byteLength;
    if (length > maxBytes) throw sourceTooLarge();
    yield piece;
  }
}

/**
 * Runs `work` over a variant's bytes as they are read, to stream them to the imaging pool: the
 * server never holds a whole original (its memory stays flat in the file's size). Each piece is
 * verified before it is passed on (the vault's `readWhole`), a failure ends the pieces with its
 * error (the pool then fails the task: the decoder never runs on a partial source), and what was
 * opened is closed however `work` ends, also when the pool refused the task before reading a byte.
 */
export async function withVariantBytes<T>(file: VaultFile, variant: 'original' | 'preview', maxBytes: number, work: (bytes: ImagingInput) => Promise<T>): Promise<T> {
  const whole = await file.readWhole(variant);
  if (Buffer.isBuffer(whole)) {
    if (whole.length > maxBytes) throw sourceTooLarge();
    return work(whole);
  }
  try {
    if (whole.length > maxBytes) throw sourceTooLarge();
    return await work({ length: whole.length, pieces: withinLimit(whole.pieces, maxBytes) });
  } finally {
    // A stream is open already; pieces open their blob only once read, and close it when left.
    if (whole.pieces instanceof Readable) whole.pieces.destroy();
  }
}

async function resolveSource(deps: DataPlaneDeps, grant: Grant, requested: OutputFormat | undefined): Promise<Resolved> {
  if (grant.source.startsWith(OWN_SOURCE_PREFIX)) {
    const published = await publishedFile(deps, grant.studioId, grant.source);
    if (!published) throw imageNotFound();
    // The row alone decides; the file is opened (name, metadata) only when its bytes are read.
    const summary = await deps.vault.summary(grant.studioId, published.file_id);
    if (!summary) throw imageNotFound();
    const useOriginal = decodable.has(summary.mediaType) && summary.size <= deps.limits.maxDecodeBytes;
    if (!useOriginal && !summary.previewsReady) throw new AppError('source_not_ready', 'This image is still being prepared. Try again shortly.', 422);
    const variant = useOriginal ? 'original' : 'preview';
    const opened = async () => {
      const [file] = await deps.vault.find(grant.studioId, [summary.id]);
      if (!file) throw imageNotFound();
      return file;
    };
    const mediaType = useOriginal ? summary.mediaType : 'image/webp';
    const untouched = Object.keys(grant.operations).length === 0 && grant.project.allow_original === 1;
    return {
      // A visible file's bytes never change under its id (an upload makes a new file), so the id names the version.
      version: `file:${summary.id}:${variant}`,
      format: requested ?? formatOfMediaType(useOriginal ? summary.mediaType : 'image/webp'),
      maxAge: OWN_MAX_AGE,
      staleAt: null,
      withSource: async (work) => withVariantBytes(await opened(), variant, deps.limits.maxDecodeBytes, (input) => work({ input, mediaType })),
      ...(untouched
        ? {
            original: async () => {
              const file = await opened();
              // Streamed as the vault's reader releases it (memory flat in the file's size): each
              // chunk authenticated, or each block of a plain blob matched against its recorded
              // hash, before it is passed on; a failure aborts the answer (vault/downloads.ts).
              return { etag: `"o-${file.sha256.slice(0, 40)}"`, read: () => file.read('original', { range: undefined, ifRange: undefined }) };
            },
          }
        : {}),
    };
  }
  let url: URL;
  try {
    url = grant.key === null ? new URL(grant.source) : resolveOptStuffSource(grant.source);
  } catch {
    throw sourceNotAllowed('This source is not a URL this service fetches.');
  }
  const projectSources = parseList(grant.project.sources) ?? [];
  const keySources = grant.key === null ? null : parseList(grant.key.sources);
  if (!remoteSourceAllowed(url, projectSources, keySources)) throw sourceNotAllowed();
  const day = Math.floor(deps.now() / DAY_MS);
  return {
    // A remote image may change: its results are named by day and used for a day at most.
    version: `url:${url.href}:${day}`,
    format: requested ?? null,
    maxAge: REMOTE_MAX_AGE,
    staleAt: (day + 1) * DAY_MS,
    withSource: async (work) => {
      const image = await fetchRemoteImage(url, {
        maxBytes: deps.limits.remoteMaxBytes,
        timeoutMs: deps.limits.remoteTimeoutMs,
        allowed: (next) => remoteSourceAllowed(next, projectSources, keySources),
        ...(deps.remoteLookup ? { lookup: deps.remoteLookup } : {}),
      });
      return work({ input: image.bytes, mediaType: image.mediaType });
    },
  };
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim().replace(/^W\//, '');
    return tag === '*' || tag === etag;
  });
}

async function deliver(deps: DataPlaneDeps, request: ImageRequest, grant: Grant): Promise<{ response: ImageResponse; cacheHit: boolean }> {
  checkExpiry(deps, grant);
  // A disabled photographer's images pause with the rest of their studio (docs/security/auth.md).
  const studio = await deps.studio(grant.studioId);
  const refererLists = { project: parseList(grant.project.referers) ?? [], key: grant.key === null ? null : parseList(grant.key.referers) };
  if (!refererAllowed(request.referer, refererLists.project, refererLists.key)) {
    throw new AppError('referer_not_allowed', 'Images of this project are only served to its listed websites.', 403);
  }
  const quotaHeaders = await takeQuotas(deps, grant);
  const requested = grant.operations.format === undefined ? undefined : grant.operations.format === 'auto' ? negotiatedFormat(request.accept) : (grant.operations.format as OutputFormat);
  const vary = [...(grant.operations.format === 'auto' ? ['Accept'] : []), ...(refererLists.project.length > 0 || (refererLists.key?.length ?? 0) > 0 ? ['Referer'] : [])];
  const resolved = await resolveSource(deps, grant, requested);
  const nowSeconds = Math.floor(deps.now() / 1000);
  const maxAge = Math.max(0, Math.min(resolved.maxAge, grant.expiresAt === null ? resolved.maxAge : grant.expiresAt - nowSeconds));
  const headers = (etag: string): Record<string, string> => ({
    ...quotaHeaders,
    etag,
    'cache-control': `public, max-age=${maxAge}, immutable`,
    ...(vary.length > 0 ? { vary: vary.join(', ') } : {}),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    // These URLs exist to be embedded by the studio's websites; the app's same-origin default
    // would make browsers drop every one of them (the signature, not the origin, is the check).
    'cross-origin-resource-policy': 'cross-origin',
  });

  if (resolved.original) {
    const original = await resolved.original();
    if (etagMatches(request.ifNoneMatch, original.etag)) return { response: { status: 304, headers: headers(original.etag), body: null }, cacheHit: true };
    const served = await original.read();
    return { response: { status: 200, headers: { ...headers(original.etag), 'content-type': served.mediaType, 'content-length': String(served.length) }, body: served.body }, cacheHit: false };
  }

  const canonical = `v1|${resolved.version}|${canonicalOperations(grant.operations)}|${resolved.format ?? 'source'}`;
  const cacheKey = deps.cache.keyOf(canonical);
  const etag = `"${cacheKey.slice(0, 32)}"`;
  if (etagMatches(request.ifNoneMatch, etag)) return { response: { status: 304, headers: headers(etag), body: null }, cacheHit: true };
  const dataKey = await studio.dataKey();
  const cached = await deps.cache.get(grant.studioId, cacheKey, dataKey, deps.now());
  if (cached) return { response: { status: 200, headers: { ...headers(etag), 'content-type': cached.mediaType }, body: cached.data }, cacheHit: true };

  // Coalesced per studio: each studio's request passes its own checks and redirect allowlist.
  const result = await deps.cache.coalesce(`${grant.studioId}|${cacheKey}`, async () => {
    const output = await resolved.withSource((source) => deps.transform(source.input, specOf(grant.operations, resolved.format ?? formatOfMediaType(source.mediaType))));
    const image = { data: output.data, mediaType: output.mediaType, staleAt: resolved.staleAt };
    await deps.cache.put(grant.studioId, cacheKey, dataKey, image);
    return image;
  });
  return { response: { status: 200, headers: { ...headers(etag), 'content-type': result.mediaType }, body: result.data }, cacheHit: false };
}
