/**
 * One contract, run against every BlobStore backend: what callers may rely on whichever
 * backend is configured. Each test gets a fresh, empty store.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  ListMultipartUploadsCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readS3TestSettings, type S3TestSettings } from '../../test/s3-service.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { isValidBlobKey, type BlobStore, type ByteRange } from './blob-store.ts';
import { createBlobStore } from './create-blob-store.ts';

interface ContractSubject {
  store: BlobStore;
  /**
   * What failed or refused writes left where no key should reach: temp files, files beside
   * the root, incomplete multipart uploads, objects under names no valid key maps to.
   */
  strays(): Promise<string[]>;
  dispose(): Promise<void>;
}

interface ContractBackend {
  /** A fresh, empty store. */
  open(): Promise<ContractSubject>;
  /** A store whose backend cannot be reached. */
  openUnreachable(): Promise<BlobStore>;
}

const KiB = 1024;
const MiB = 1024 * KiB;

function describeBlobStoreContract(name: string, backend: ContractBackend): void {
  describe(`BlobStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: BlobStore;

    beforeEach(async () => {
      subject = await backend.open();
      store = subject.store;
    });

    afterEach(async () => {
      await subject.dispose();
    });

    it('stores bytes from a Readable or an async iterable and returns them', async () => {
      const photo = randomBytes(100 * KiB);
      expect(await store.put('albums/2024/cover.jpg', Readable.from([photo]))).toEqual({ size: photo.length });
      expect(await readAll(await store.get('albums/2024/cover.jpg'))).toEqual(photo);

      await store.put('albums/2024/cover.jpg', chunks('new ', 'cover'));
      expect((await readAll(await store.get('albums/2024/cover.jpg'))).toString()).toBe('new cover');

      expect(await store.put('empty', chunks())).toEqual({ size: 0 });
      expect(await readAll(await store.get('empty'))).toEqual(Buffer.alloc(0));
    });

    it('stores a body given in batches of pieces, in order', async () => {
      const pieces = Array.from({ length: 300 }, (_, index) => randomBytes(index % 7 === 0 ? 0 : 1 + ((index * 37) % 5000)));
      async function* batches(): AsyncGenerator<Uint8Array | Uint8Array[]> {
        yield pieces.slice(0, 1);
        yield pieces.slice(1, 200);
        yield pieces[200] as Uint8Array;
        yield [];
        yield pieces.slice(201);
      }
      const whole = Buffer.concat(pieces);
      expect(await store.put('batched', batches())).toEqual({ size: whole.length });
      expect(await readAll(await store.get('batched'))).toEqual(whole);
    });

    it('serves inclusive byte ranges', async () => {
      const data = Buffer.from('0123456789abcdef');
      await store.put('ranged', Readable.from([data]));
      const ranges: ByteRange[] = [
        { start: 0, end: 0 },
        { start: 15, end: 15 },
        { start: 3, end: 9 },
        { start: 0, end: 15 },
      ];
      for (const range of ranges) {
        expect(await readAll(await store.get('ranged', range))).toEqual(data.subarray(range.start, range.end + 1));
      }
    });

    it('refuses ranges that are not inside the object', async () => {
      await store.put('ranged', chunks('0123456789abcdef'));
      await store.put('empty', chunks());
      const refused: [string, ByteRange][] = [
        ['ranged', { start: 16, end: 16 }],
        ['ranged', { start: 0, end: 16 }],
        ['ranged', { start: 5, end: 4 }],
        ['ranged', { start: -1, end: 3 }],
        ['ranged', { start: 1.5, end: 3 }],
        ['empty', { start: 0, end: 0 }],
      ];
      for (const [key, range] of refused) {
        await expectAppError(store.get(key, range), 'range_not_satisfiable', 416);
      }
    });

    it('reports the size of a stored object, and null for a missing one', async () => {
      await store.put('a/b', chunks('12345'));
      expect(await store.head('a/b')).toEqual({ size: 5 });
      expect(await store.head('a/missing')).toBeNull();
      expect(await store.head('a')).toBeNull();
    });

    it('reports a missing key as blob_not_found', async () => {
      await store.put('a/b', chunks('x'));
      for (const key of ['missing', 'a', 'a/b/c']) {
        const error = await rejectionOf(store.get(key));
        expect(error).toBeInstanceOf(NotFoundError);
        expect(error).toMatchObject({ code: 'blob_not_found', statusCode: 404 });
      }
      await expectAppError(store.get('missing', { start: 0, end: 0 }), 'blob_not_found', 404);
    });

    it('deletes idempotently', async () => {
      await store.put('a/b', chunks('x'));
      await store.delete('a/b');
      expect(await store.head('a/b')).toBeNull();
      await store.delete('a/b');
      await store.delete('never/written');
      expect(await collect(store.list(''))).toEqual([]);
    });

    it('lists keys by prefix in byte order', async () => {
      // "-" < "." < "/" < "0": a file system walk must still produce the flat S3 order.
      const keys = ['a0', 'b', 'a/c', 'ab/x', 'a/b/2', 'a.b', 'a/b/1', 'a-b'];
      for (const key of keys) await store.put(key, chunks(key));
      for (const prefix of ['', 'a', 'a/', 'a/b', 'a/b/', 'ab', 'c', 'nothing/']) {
        const expected = keys.filter((key) => key.startsWith(prefix)).sort();
        expect(await collect(store.list(prefix)), `prefix "${prefix}"`).toEqual(expected);
      }
    });

    it('lists keys with their stored sizes, by prefix', async () => {
      await store.put('sizes/one', chunks('x'.repeat(10)));
      await store.put('sizes/two', chunks('y'.repeat(2000)));
      await store.put('other/three', chunks('z'));
      expect(await collect(store.listSizes('sizes/'))).toEqual([
        { key: 'sizes/one', size: 10 },
        { key: 'sizes/two', size: 2000 },
      ]);
      await expectAppError(collect(store.listSizes('../')), 'invalid_blob_key', 400);
    });

    it('rejects keys that try to escape, and writes nothing anywhere', async () => {
      // Absolute keys are written only below a fresh temp path, never at a real system file.
      const absoluteTarget = join(tmpdir(), `shutterlock-escape-${randomUUID()}`);
      const hostileKeys = [
        '../x',
        'a/../../x',
        absoluteTarget,
        'a//b',
        'a\\b',
        'a\0b',
        '',
        '.',
        './a',
        'a/.',
        'a/',
        '.tmp/x',
        'a\nb',
        'caf\u00e9',
        'x'.repeat(513),
        `a/${'b'.repeat(256)}`,
      ];
      for (const key of [...hostileKeys, '/etc/passwd']) {
        await expectAppError(store.get(key), 'invalid_blob_key', 400);
        await expectAppError(store.head(key), 'invalid_blob_key', 400);
      }
      for (const key of hostileKeys) {
        await expectAppError(store.put(key, chunks('escaped')), 'invalid_blob_key', 400);
        await expectAppError(store.delete(key), 'invalid_blob_key', 400);
      }
      for (const prefix of ['../', '..', '/etc', 'a//', 'a\\', '.tmp/', 'a/../', '/']) {
        await expectAppError(collect(store.list(prefix)), 'invalid_blob_key', 400);
      }
      expect(existsSync(absoluteTarget)).toBe(false);
      expect(await collect(store.list(''))).toEqual([]);
      expect(await subject.strays()).toEqual([]);
    });

    it('leaves nothing behind when the body fails midway, and keeps the previous object', async () => {
      await store.put('uploads/photo', chunks('previous'));
      // 1 KiB fails inside a single-request upload; 20 MiB fails after S3 multipart parts were sent.
      for (const sentBeforeFailure of [1 * KiB, 20 * MiB]) {
        const failure = new Error('the client went away');
        await expect(store.put('uploads/photo', failingBody(sentBeforeFailure, failure))).rejects.toBe(failure);
        await expect(store.put('uploads/other', failingBody(sentBeforeFailure, failure))).rejects.toBe(failure);
      }
      expect((await readAll(await store.get('uploads/photo'))).toString()).toBe('previous');
      expect(await store.head('uploads/other')).toBeNull();
      expect(await collect(store.list(''))).toEqual(['uploads/photo']);
      expect(await subject.strays()).toEqual([]);
    });

    it('streams a 200 MiB object in and out with flat memory', { timeout: 120_000 }, async () => {
      const size = 200 * MiB;
      const memory = new PeakMemoryGrowth();
      const sent = createHash('sha256');
      async function* generate(): AsyncGenerator<Buffer> {
        for (let index = 0; index < size / PATTERN_CHUNK; index++) {
          const chunk = patternChunk(index);
          sent.update(chunk);
          memory.sample();
          yield chunk;
        }
      }
      expect(await store.put('big/object', generate())).toEqual({ size });

      const received = createHash('sha256');
      let receivedBytes = 0;
      for await (const chunk of await store.get('big/object')) {
        received.update(chunk as Buffer);
        receivedBytes += (chunk as Buffer).length;
        memory.sample();
      }
      expect(receivedBytes).toBe(size);
      expect(received.digest('hex')).toBe(sent.digest('hex'));

      // Across the boundary of S3's 8 MiB parts, and the last bytes of the object.
      for (const range of [
        { start: 8 * MiB - 100, end: 8 * MiB + 100 },
        { start: size - 10, end: size - 1 },
      ]) {
        expect(await readAll(await store.get('big/object', range))).toEqual(patternBytes(range));
      }
      expect(memory.peak).toBeLessThan(100 * MiB);
    });

    it('answers ping, and fails it when the backend cannot be reached', async () => {
      await store.ping();
      const unreachable = await backend.openUnreachable();
      await expectAppError(unreachable.ping(), 'storage_failed', 500);
    });
  });
}

describeBlobStoreContract('local', {
  async open() {
    const sandbox = await mkdtemp(join(tmpdir(), 'shutterlock-blobs-'));
    const root = join(sandbox, 'root');
    return {
      store: await createBlobStore({ kind: 'local', root }),
      // The root's siblings catch relative escapes; .tmp holds temp files nobody cleaned up.
      strays: async () => [
        ...(await readdir(sandbox)).filter((name) => name !== 'root'),
        ...(await readdir(join(root, '.tmp')).catch((): string[] => [])),
      ],
      dispose: () => rm(sandbox, { recursive: true, force: true }),
    };
  },
  // A root below a regular file can never be created.
  openUnreachable: () => createBlobStore({ kind: 'local', root: '/dev/null/blobs' }),
});

describe('LocalBlobStore', () => {
  it('keeps blobs private to the server user', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shutterlock-blobs-'));
    try {
      const store = await createBlobStore({ kind: 'local', root });
      await store.put('a/b/c', chunks('secret'));
      expect((await stat(join(root, 'a/b/c'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(root, 'a/b'))).mode & 0o777).toBe(0o700);
      expect((await stat(join(root, 'a'))).mode & 0o777).toBe(0o700);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('fails with the source’s error and leaves no file when the body fails after background syncs began', async () => {
    const root = await mkdtemp(join(tmpdir(), 'shutterlock-blobs-'));
    try {
      const store = await createBlobStore({ kind: 'local', root });
      const failure = new Error('the client went away');
      async function* failingLate(): AsyncGenerator<Buffer> {
        // Past 32 MiB, where the first background fdatasync starts (local-store.ts).
        for (let index = 0; index < (40 * MiB) / PATTERN_CHUNK; index++) yield patternChunk(index);
        throw failure;
      }
      await expect(store.put('late/failure', failingLate())).rejects.toBe(failure);
      expect(await store.head('late/failure')).toBeNull();
      expect(await readdir(join(root, '.tmp'))).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

const s3Settings = readS3TestSettings();
if (s3Settings) {
  describeBlobStoreContract('s3', s3Backend(s3Settings));
} else if (process.env.CI) {
  throw new Error('No S3 test endpoint under CI: the globalSetup must start one (see server/test/s3-service.ts).');
} else {
  console.warn('[s3] SHUTTERLOCK_TEST_S3_ENDPOINT is not set: skipping the S3 blob store contract.');
  describe.skip('BlobStore contract: s3 (no S3 test endpoint)', () => {
    it('needs SHUTTERLOCK_TEST_S3_ENDPOINT', () => {});
  });
}

/** Each store gets its own key prefix in the shared test bucket, so tests and runs never meet. */
function s3Backend(settings: S3TestSettings): ContractBackend {
  const { bucket } = settings;
  const admin = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
  });
  const run = `contract-${randomUUID()}`;
  let opened = 0;

  async function objectKeysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: admin }, { Bucket: bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    }
    return keys;
  }

  async function incompleteUploadsUnder(prefix: string): Promise<{ Key?: string; UploadId?: string }[]> {
    const response = await admin.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
    return response.Uploads ?? [];
  }

  return {
    async open() {
      opened += 1;
      const prefix = `${run}/${opened}/`;
      return {
        store: await createBlobStore({ kind: 's3', ...settings, prefix }),
        strays: async () => [
          ...(await incompleteUploadsUnder(prefix)).map((upload) => `incomplete upload: ${upload.Key}`),
          ...(await objectKeysUnder(prefix))
            .filter((key) => !isValidBlobKey(key.slice(prefix.length)))
            .map((key) => `object: ${key}`),
        ],
        async dispose() {
          for (const upload of await incompleteUploadsUnder(prefix)) {
            await admin.send(
              new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }),
            );
          }
          for (const key of await objectKeysUnder(prefix)) {
            await admin.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
          }
        },
      };
    },
    // Nothing listens on port 1.
    openUnreachable: () => createBlobStore({ kind: 's3', ...settings, endpoint: 'http://127.0.0.1:1' }),
  };
}

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function* failingBody(bytesBeforeFailure: number, failure: Error): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < bytesBeforeFailure; sent += 64 * KiB) yield randomBytes(64 * KiB);
  throw failure;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const collected: T[] = [];
  for await (const item of items) collected.push(item);
  return collected;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (error: unknown) => error,
  );
}

async function expectAppError(promise: Promise<unknown>, code: string, statusCode: number): Promise<void> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(AppError);
  expect(error).toMatchObject({ code, statusCode });
}

/**
 * The big object's content: every 64 KiB chunk is a different 32-byte pattern, so a lost,
 * repeated or reordered chunk changes the hash, and any byte can be recomputed from its
 * offset to check ranges without keeping 200 MiB around.
 */
const PATTERN_CHUNK = 64 * KiB;

function patternOf(index: number): Buffer {
  return createHash('sha256').update(`chunk ${index}`).digest();
}

function patternChunk(index: number): Buffer {
  return Buffer.alloc(PATTERN_CHUNK, patternOf(index));
}

function patternBytes(range: ByteRange): Buffer {
  const bytes = Buffer.alloc(range.end - range.start + 1);
  for (let offset = range.start; offset <= range.end; offset++) {
    const pattern = patternOf(Math.floor(offset / PATTERN_CHUNK));
    bytes[offset - range.start] = pattern[(offset % PATTERN_CHUNK) % pattern.length] ?? 0;
  }
  return bytes;
}

/** Growth of the resident set over its size at construction, sampled from inside the streams. */
class PeakMemoryGrowth {
  readonly #baseline = process.memoryUsage.rss();
  #peak = 0;

  get peak(): number {
    return this.#peak;
  }

  sample(): void {
    this.#peak = Math.max(this.#peak, process.memoryUsage.rss() - this.#baseline);
  }
}
