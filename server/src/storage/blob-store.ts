/**
 * Blob storage: opaque byte objects addressed by keys. This is the only layer in the product
 * that turns keys into file paths or S3 requests, so every key is validated here before a
 * backend sees it. The backends (local-store.ts, s3-store.ts) implement this interface;
 * create-blob-store.ts picks one from the config.
 */
import type { Readable } from 'node:stream';
import { AppError, NotFoundError } from '../errors.ts';

export interface BlobInfo {
  size: number;
}

export interface BlobEntry extends BlobInfo {
  key: string;
}

/** Inclusive on both ends, like an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * What put() stores: bytes, piece by piece, or in batches of pieces stored in order. A batch
 * spares its producer the join into one buffer (a copy of every byte): the local store writes
 * it with one vectored write. A store may still be writing a piece after it has pulled the
 * next one: a producer must not reuse a buffer it has yielded.
 */
export type BlobBody = Readable | AsyncIterable<Uint8Array | readonly Uint8Array[]>;

export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Atomic: either the whole object appears under `key` or nothing does. */
  put(key: string, body: BlobBody): Promise<BlobInfo>;
  /**
   * Rejects with blob_not_found when absent, range_not_satisfiable when the range is not
   * inside the object. The stream holds a file descriptor or a connection: read it to the end
   * or destroy it.
   */
  get(key: string, range?: ByteRange): Promise<Readable>;
  head(key: string): Promise<BlobInfo | null>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /** Keys starting with `prefix`, in lexicographic (byte) order. */
  list(prefix: string): AsyncIterable<string>;
  /** The same keys with their stored sizes (one listing request per 1000 keys on S3): for usage figures. */
  listSizes(prefix: string): AsyncIterable<BlobEntry>;
  /** For readiness probes: rejects when the backend cannot be reached. */
  ping(): Promise<void>;
}

export type BlobStoreConfig =
  | { kind: 'local'; root: string }
  | {
      kind: 's3';
      bucket: string;
      endpoint?: string;
      region: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      forcePathStyle?: boolean;
      prefix?: string;
    };

const MAX_KEY_LENGTH = 512;

/**
 * One path segment: the safe characters only, at most 255 of them (a file name on most file
 * systems), never starting with a dot. That rules out "." and "..", hidden files, and the
 * local backend's own ".tmp" directory.
 */
const KEY_SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,254}$/;

/** Keys are "/"-separated segments; no leading, trailing or doubled "/", no backslash, NUL or control characters. */
export function isValidBlobKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_KEY_LENGTH && key.split('/').every((segment) => KEY_SEGMENT.test(segment));
}

export function validateBlobKey(key: string): void {
  if (!isValidBlobKey(key)) throw invalidBlobKey();
}

/** A list() prefix: empty, or a valid key optionally followed by "/". */
export function isValidBlobPrefix(prefix: string): boolean {
  return prefix === '' || isValidBlobKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}

export function validateBlobPrefix(prefix: string): void {
  if (!isValidBlobPrefix(prefix)) throw invalidBlobKey();
}

export function invalidBlobKey(): AppError {
  return new AppError(
    'invalid_blob_key',
    'Blob keys are "/"-separated segments of letters, digits, ".", "_" and "-" that do not start with ".".',
    400,
  );
}

export function blobNotFound(): NotFoundError {
  return new NotFoundError('blob_not_found', 'The blob does not exist.');
}

export function rangeNotSatisfiable(): AppError {
  return new AppError('range_not_satisfiable', 'The requested byte range is not inside the blob.', 416);
}

/** Rejects ranges no object could satisfy, before a backend is asked for one. */
export function assertWellFormedRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw rangeNotSatisfiable();
  }
}

/** Strict, unlike HTTP: a range reaching past the end is refused rather than shortened. */
export function assertRangeWithin(range: ByteRange, size: number): void {
  assertWellFormedRange(range);
  if (range.end >= size) throw rangeNotSatisfiable();
}

/**
 * Backend failures reach callers as one stable error; the original, with its paths or SDK
 * details, stays in `cause` for the logs.
 */
export function toStorageError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  return new AppError('storage_failed', 'The blob store could not complete the operation.', 500, { cause: error });
}

/**
 * A put() body as a backend reads it: counts the bytes for BlobInfo, and remembers whether a
 * failure came from the caller's own stream (say, an aborted upload), which put() rethrows
 * untouched instead of reporting it as a storage failure.
 */
export class PutBody {
  /** The body's batches, a single piece arriving as a batch of one. */
  readonly batches: AsyncIterable<readonly Uint8Array[]>;
  #size = 0;
  #sourceError: { error: unknown } | undefined;

  constructor(body: BlobBody) {
    this.batches = this.#read(body);
  }

  get size(): number {
    return this.#size;
  }

  /** The same bytes piece by piece, for a backend that takes a stream. */
  async *chunks(): AsyncGenerator<Uint8Array> {
    for await (const batch of this.batches) yield* batch;
  }

  /** The error put() should reject with after the backend failed with `error`. */
  failure(error: unknown): unknown {
    return this.#sourceError?.error === error ? error : toStorageError(error);
  }

  async *#read(body: BlobBody): AsyncGenerator<readonly Uint8Array[]> {
    try {
      // A Readable yields `any`; bytes are all we can store.
      for await (const item of body as AsyncIterable<unknown>) {
        const batch = Array.isArray(item) ? (item as unknown[]) : [item];
        for (const piece of batch) {
          if (!(piece instanceof Uint8Array)) throw new TypeError('A blob body must yield Uint8Array chunks or arrays of them.');
          this.#size += piece.byteLength;
        }
        yield batch as Uint8Array[];
      }
    } catch (error) {
      this.#sourceError = { error };
      throw error;
    }
  }
}
