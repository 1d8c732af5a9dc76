/**
 * Blobs as objects in an S3 bucket (AWS or any S3-compatible store), optionally under a key
 * prefix so one bucket can hold several installs.
 */
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { AppError } from '../errors.ts';
import {
  assertRangeWithin,
  assertWellFormedRange,
  blobNotFound,
  isValidBlobKey,
  isValidBlobPrefix,
  PutBody,
  rangeNotSatisfiable,
  toStorageError,
  validateBlobKey,
  validateBlobPrefix,
  type BlobBody,
  type BlobEntry,
  type BlobInfo,
  type BlobStore,
  type BlobStoreConfig,
  type ByteRange,
} from './blob-store.ts';

/** Uploads hold about (parts in flight + 1) parts in memory, whatever the object size. */
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;
/** A readiness probe must answer even when the endpoint hangs. */
const PING_TIMEOUT_MS = 5_000;

type S3BlobStoreConfig = Extract<BlobStoreConfig, { kind: 's3' }>;

export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #keyPrefix: string;

  constructor(config: S3BlobStoreConfig) {
    this.#client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle ?? false,
      credentials: explicitCredentials(config),
    });
    this.#bucket = config.bucket;
    this.#keyPrefix = normalizeKeyPrefix(config.prefix ?? '');
  }

  async put(key: string, body: BlobBody): Promise<BlobInfo> {
    const objectKey = this.#objectKey(key);
    const source = new PutBody(body);
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.#bucket, Key: objectKey, Body: Readable.from(source.chunks()) },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      // On any failure lib-storage aborts the multipart upload, so no invisible parts linger
      // (and cost money); the object itself only appears when the upload completes.
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      throw source.failure(error);
    }
    return { size: source.size };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const objectKey = this.#objectKey(key);
    // S3 ignores a malformed Range header and sends the whole object, so refuse it here.
    if (range) assertWellFormedRange(range);
    let response;
    try {
      response = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: objectKey,
          Range: range && `bytes=${range.start}-${range.end}`,
        }),
      );
    } catch (error) {
      throw fromS3Error(error);
    }
    const body = response.Body;
    if (!(body instanceof Readable)) throw toStorageError(new TypeError('GetObject returned no Node.js stream.'));
    if (range) {
      try {
        assertServedRange(range, response.ContentRange);
      } catch (error) {
        body.destroy();
        throw error;
      }
    }
    return body;
  }

  async head(key: string): Promise<BlobInfo | null> {
    const objectKey = this.#objectKey(key);
    try {
      const response = await this.#client.send(new HeadObjectCommand({ Bucket: this.#bucket, Key: objectKey }));
      return { size: response.ContentLength ?? 0 };
    } catch (error) {
      if (isMissingObject(error)) return null;
      throw fromS3Error(error);
    }
  }

  async delete(key: string): Promise<void> {
    const objectKey = this.#objectKey(key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: objectKey }));
    } catch (error) {
      // AWS answers 204 for a missing key; some compatible stores answer NoSuchKey.
      if (isMissingObject(error)) return;
      throw fromS3Error(error);
    }
  }

  async *list(prefix: string): AsyncGenerator<string> {
    for await (const entry of this.listSizes(prefix)) yield entry.key;
  }

  async *listSizes(prefix: string): AsyncGenerator<BlobEntry> {
    validateBlobPrefix(prefix);
    const pages = paginateListObjectsV2(
      { client: this.#client },
      { Bucket: this.#bucket, Prefix: this.#keyPrefix + prefix },
    );
    try {
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(this.#keyPrefix.length);
          // Folder markers ("a/") and objects written by other tools are not blobs of this store.
          if (key !== undefined && isValidBlobKey(key)) yield { key, size: object.Size ?? 0 };
        }
      }
    } catch (error) {
      throw fromS3Error(error);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }), {
        abortSignal: AbortSignal.timeout(PING_TIMEOUT_MS),
      });
    } catch (error) {
      throw toStorageError(error);
    }
  }

  #objectKey(key: string): string {
    validateBlobKey(key);
    return this.#keyPrefix + key;
  }
}

/** Without explicit keys the SDK's default chain applies (environment, instance role, ...). */
function explicitCredentials(config: S3BlobStoreConfig): { accessKeyId: string; secretAccessKey: string } | undefined {
  const { accessKeyId, secretAccessKey } = config;
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey };
  if (accessKeyId || secretAccessKey) {
    throw new AppError('storage_misconfigured', 'Set both the S3 access key id and the secret access key, or neither.', 500);
  }
  return undefined;
}

/** "photos" and "photos/" both mean: every key lives under "photos/". */
function normalizeKeyPrefix(prefix: string): string {
  if (!isValidBlobPrefix(prefix)) {
    throw new AppError('storage_misconfigured', 'The S3 key prefix must be shaped like a blob key, e.g. "shutterlock/".', 500);
  }
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** S3 shortens a range that runs past the end instead of refusing it; refuse it like the local backend. */
function assertServedRange(range: ByteRange, contentRange: string | undefined): void {
  const objectSize = Number(/^bytes \d+-\d+\/(\d+)$/.exec(contentRange ?? '')?.[1]);
  if (!Number.isSafeInteger(objectSize)) {
    throw toStorageError(new Error('The object store answered a ranged GET without a usable Content-Range.'));
  }
  assertRangeWithin(range, objectSize);
}

/** HeadObject has no error body, so a missing key arrives as a bare "NotFound". */
function isMissingObject(error: unknown): boolean {
  return error instanceof S3ServiceException && (error.name === 'NoSuchKey' || error.name === 'NotFound');
}

function fromS3Error(error: unknown): AppError {
  if (isMissingObject(error)) return blobNotFound();
  if (error instanceof S3ServiceException && error.name === 'InvalidRange') return rangeNotSatisfiable();
  return toStorageError(error);
}
