/**
 * Blobs as files under one root directory: key "a/b/c" is the file <root>/a/b/c. Writes go to
 * <root>/.tmp first and are renamed into place, so readers never see a partial file.
 */
import { randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import {
  assertRangeWithin,
  blobNotFound,
  invalidBlobKey,
  isValidBlobKey,
  PutBody,
  toStorageError,
  validateBlobKey,
  validateBlobPrefix,
  type BlobBody,
  type BlobEntry,
  type BlobInfo,
  type BlobStore,
  type ByteRange,
} from './blob-store.ts';

const DIRECTORY_MODE = 0o700;
const FILE_MODE = 0o600;
/** Not a valid key segment (keys never start with "."), so it cannot collide with a blob. */
const TEMP_DIRECTORY = '.tmp';
/**
 * Reads in 256 KiB pieces rather than Node's 64 KiB: the decrypting reader behind them costs
 * less per byte with larger pieces (docs/performance.md, 4 December). Not larger: a client that
 * stops reading pins about two pieces per download.
 */
const READ_PIECE_BYTES = 256 * 1024;

export class LocalBlobStore implements BlobStore {
  readonly kind = 'local';
  readonly #root: string;
  readonly #tempDirectory: string;

  constructor(root: string) {
    this.#root = resolve(root);
    this.#tempDirectory = join(this.#root, TEMP_DIRECTORY);
  }

  async put(key: string, body: BlobBody): Promise<BlobInfo> {
    const target = this.#pathFor(key);
    const source = new PutBody(body);
    const tempPath = join(this.#tempDirectory, randomUUID());
    try {
      await mkdir(this.#tempDirectory, { recursive: true, mode: DIRECTORY_MODE });
      await writeDurably(tempPath, source.batches);
      const firstCreated = await mkdir(dirname(target), { recursive: true, mode: DIRECTORY_MODE });
      await rename(tempPath, target);
      await syncDirectories(dirname(target), firstCreated);
    } catch (error) {
      // Best effort: the failure that got us here matters more than a failed cleanup.
      await rm(tempPath, { force: true }).catch(() => undefined);
      throw source.failure(error);
    }
    return { size: source.size };
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.#pathFor(key);
    const file = await open(path, 'r').catch((error: unknown) => {
      throw isMissing(error) ? blobNotFound() : toStorageError(error);
    });
    try {
      // Checked on the open descriptor, so a concurrent replace cannot slip in between.
      const info = await file.stat();
      if (!info.isFile()) throw blobNotFound();
      if (range) assertRangeWithin(range, info.size);
      return file.createReadStream({ ...range, highWaterMark: READ_PIECE_BYTES });
    } catch (error) {
      await file.close();
      throw toStorageError(error);
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    const path = this.#pathFor(key);
    try {
      const info = await stat(path);
      return info.isFile() ? { size: info.size } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw toStorageError(error);
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.#pathFor(key);
    try {
      await unlink(path);
    } catch (error) {
      // EISDIR: the key names a directory (a prefix of other keys), not a blob.
      if (isMissing(error) || errorCode(error) === 'EISDIR') return;
      throw toStorageError(error);
    }
  }

  async *list(prefix: string): AsyncGenerator<string> {
    validateBlobPrefix(prefix);
    // Walk only the deepest directory the prefix names; its last partial segment filters entries.
    const directoryKey = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    yield* this.#walk(directoryKey, prefix.slice(directoryKey.length));
  }

  async *listSizes(prefix: string): AsyncGenerator<BlobEntry> {
    for await (const key of this.list(prefix)) {
      // Gone between the directory read and the stat (deleted meanwhile): not stored any more.
      const info = await this.head(key);
      if (info) yield { key, size: info.size };
    }
  }

  async ping(): Promise<void> {
    try {
      // Creating the temp directory proves the root exists, or can be made, and is writable.
      await mkdir(this.#tempDirectory, { recursive: true, mode: DIRECTORY_MODE });
    } catch (error) {
      throw toStorageError(error);
    }
  }

  /** Yields the keys below `directoryKey` ("" or ending in "/") whose next segment starts with `namePrefix`. */
  async *#walk(directoryKey: string, namePrefix: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.#insideRoot(directoryKey), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw toStorageError(error);
    }
    // Sorting directories as "name/" puts every key below them exactly where a flat,
    // byte-ordered listing (S3's) would: "a-b" < "a.b" < "a/x" < "a0".
    const children = entries
      .filter((entry) => entry.name.startsWith(namePrefix) && isValidBlobKey(entry.name))
      .filter((entry) => entry.isFile() || entry.isDirectory())
      .map((entry) => (entry.isDirectory() ? `${directoryKey}${entry.name}/` : `${directoryKey}${entry.name}`))
      .sort();
    for (const child of children) {
      if (child.endsWith('/')) yield* this.#walk(child, '');
      else yield child;
    }
  }

  #pathFor(key: string): string {
    validateBlobKey(key);
    return this.#insideRoot(key);
  }

  /** Defence in depth: whatever passed validation must still resolve inside the root. */
  #insideRoot(relativePath: string): string {
    const path = resolve(this.#root, relativePath);
    if (path !== this.#root && !path.startsWith(this.#root + sep)) throw invalidBlobKey();
    return path;
  }
}

/** Bytes written between background syncs of a blob being written (writeDurably). */
const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

/**
 * Writes a new file and fsyncs it before closing. One batch is written while the next is
 * pulled, so receiving and sealing the body overlap the write (on a libuv thread) instead of
 * taking turns with it; a batch's buffers are therefore held until the next batch has come
 * (BlobBody). While a large blob arrives, every SYNC_EVERY_BYTES an fdatasync starts in the
 * background (one at a time), so the disk writes it back as it comes instead of all at the
 * closing fsync, which the upload waits for (about 0.25 s per 512 MiB here). A failed
 * background sync fails the write: Linux reports a writeback error to only one sync of a
 * descriptor, so the closing one might not see it.
 */
async function writeDurably(path: string, batches: AsyncIterable<readonly Uint8Array[]>): Promise<void> {
  const file = await open(path, 'wx', FILE_MODE);
  let writing: Promise<number> | undefined;
  let syncing: Promise<void> | undefined;
  let syncFailure: { error: unknown } | undefined;
  let unsynced = 0;
  try {
    for await (const batch of batches) {
      if (writing) unsynced += await writing;
      if (syncFailure) throw syncFailure.error;
      if (unsynced >= SYNC_EVERY_BYTES && syncing === undefined) {
        unsynced = 0;
        syncing = file
          .datasync()
          .catch((error: unknown) => {
            syncFailure = { error };
          })
          .finally(() => {
            syncing = undefined;
          });
      }
      writing = writeAll(file, batch);
      // Awaited at the next batch or below; until then a failure must not count as unhandled.
      writing.catch(() => undefined);
    }
    await writing;
    await syncing;
    if (syncFailure) throw syncFailure.error;
    await file.sync();
  } finally {
    // Never close the descriptor under a write or a sync still running on it.
    await writing?.catch(() => undefined);
    await syncing;
    await file.close();
  }
}

/** One vectored write per batch, continued after a short write; returns the bytes written. */
async function writeAll(file: FileHandle, batch: readonly Uint8Array[]): Promise<number> {
  let pending = batch;
  let total = 0;
  while (pending.length > 0) {
    let written = (await file.writev(pending)).bytesWritten;
    total += written;
    let first = 0;
    while (first < pending.length && written >= (pending[first] as Uint8Array).byteLength) written -= (pending[first++] as Uint8Array).byteLength;
    pending = pending.slice(first);
    if (written > 0) pending = [(pending[0] as Uint8Array).subarray(written), ...pending.slice(1)];
  }
  return total;
}

/**
 * A rename is durable only once its directory is synced, and a new directory only once its
 * parent is: sync from the file's directory up to the parent of the first one mkdir created.
 */
async function syncDirectories(directory: string, firstCreated: string | undefined): Promise<void> {
  const last = firstCreated === undefined ? directory : dirname(firstCreated);
  for (let current = directory; ; current = dirname(current)) {
    const handle = await open(current, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (current === last) return;
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** ENOTDIR: a leading part of the key is a blob, so nothing can exist below it. */
function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}
