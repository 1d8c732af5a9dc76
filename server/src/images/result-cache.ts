import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { decryptAes256Gcm, encryptAes256Gcm } from '../crypto/master-keys.ts';
import type { BlobStore } from '../storage/blob-store.ts';

/**
 * Transform results, kept in the blob store encrypted under the studio's data key (AES-256-GCM,
 * bound to the entry's key), so two URLs meaning the same image share one entry and a copied
 * blob opens nowhere else. An entry's key is an HMAC of its canonical form — the source's
 * version, the canonical operations, the output format — under a key derived from the master
 * keys: it names nothing a reader of the store could confirm. Identical requests in flight
 * share one computation (`coalesce`). The most recently used results are also kept in memory
 * (at most MEMORY_BYTES), so a hot image costs no store read; like stored entries, they are
 * looked up only after a request passed every check. A new result is remembered in memory at
 * once and written to the store behind the answer (sealing it and the store's write, with its
 * fsyncs, are off the response's path); a failed write is reported and the result is made again
 * when next asked for. At most WRITES_BEHIND writes wait at once: past that, `put` waits for its own.
 */

const MEMORY_BYTES = 64 * 1024 * 1024;
/**
 * Entry keys remembered by canonical form (a pure function of it and the naming key): a hot URL
 * costs no HMAC. Forgotten all at once when full. Only short canonical forms are remembered (own
 * files' and short remote URLs', some 150 bytes each): a remote source's URL can make one several
 * kilobytes, and signed URLs of such sources must not fill the process's memory (security review).
 */
const NAMES_KEPT = 4096;
const NAME_REMEMBERED_MAX_LENGTH = 512;
const WRITES_BEHIND = 32;

export interface CachedImage {
  data: Buffer;
  mediaType: string;
  /** Epoch ms after which the entry is not used (remote sources); null: never. */
  staleAt: number | null;
}

export interface ResultCache {
  /** The entry's key for a canonical form (also the ETag). */
  keyOf(canonical: string): string;
  get(studioId: string, key: string, dataKey: Buffer, now: number): Promise<CachedImage | undefined>;
  /** Remembers `image` at once; resolves before its store write ends unless WRITES_BEHIND writes are already waiting. Never rejects: a failed write goes to `onError`. */
  put(studioId: string, key: string, dataKey: Buffer, image: CachedImage): Promise<void>;
  /** Resolves once every write started so far has ended (shutdown). */
  settled(): Promise<void>;
  /** Runs `work` once for every caller asking for `key` while it runs. */
  coalesce<T>(key: string, work: () => Promise<T>): Promise<T>;
}

function studioPrefix(studioId: string): string {
  return `image-cache/${studioId}/`;
}

function blobKey(studioId: string, key: string): string {
  return `${studioPrefix(studioId)}${key}`;
}

/** Deletes every cached result of an erased studio: sealed under its destroyed key, they could no longer be opened, but they took space. */
export async function eraseCachedResults(blobs: BlobStore, studioId: string): Promise<void> {
  for await (const key of blobs.list(studioPrefix(studioId))) await blobs.delete(key);
}

/** Bytes the studio's cached results take in the blob store (the admin console's storage figures). */
export async function cachedBytes(blobs: BlobStore, studioId: string): Promise<number> {
  let bytes = 0;
  for await (const { size } of blobs.listSizes(studioPrefix(studioId))) bytes += size;
  return bytes;
}

function associatedData(studioId: string, key: string): Buffer {
  return Buffer.from(`image-cache/${studioId}/${key}`, 'utf8');
}

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces);
}

/** Entry plaintext: a 4-byte header length, the JSON header, the image bytes. */
function pack(image: CachedImage): Buffer {
  const header = Buffer.from(JSON.stringify({ mediaType: image.mediaType, staleAt: image.staleAt }), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  return Buffer.concat([length, header, image.data]);
}

function unpack(plaintext: Buffer): CachedImage {
  const length = plaintext.readUInt32BE(0);
  const header = JSON.parse(plaintext.subarray(4, 4 + length).toString('utf8')) as { mediaType: string; staleAt: number | null };
  return { ...header, data: plaintext.subarray(4 + length) };
}

/** Least recently used first (a Map keeps insertion order; a hit moves its entry to the end). */
function createMemoryCache(budget: number) {
  const entries = new Map<string, CachedImage>();
  let bytes = 0;
  const remove = (name: string): void => {
    const entry = entries.get(name);
    if (!entry) return;
    entries.delete(name);
    bytes -= entry.data.length;
  };
  return {
    get(name: string, now: number): CachedImage | undefined {
      const entry = entries.get(name);
      if (!entry) return undefined;
      remove(name);
      if (entry.staleAt !== null && entry.staleAt <= now) return undefined;
      entries.set(name, entry);
      bytes += entry.data.length;
      return entry;
    },
    set(name: string, entry: CachedImage): void {
      remove(name);
      if (entry.data.length > budget / 8) return;
      entries.set(name, entry);
      bytes += entry.data.length;
      for (const oldest of entries.keys()) {
        if (bytes <= budget) break;
        remove(oldest);
      }
    },
  };
}

/** What failed: opening a stored entry (it is made again), or writing a new one (it is not stored). */
export type CacheFailure = 'open' | 'write';

/** The logger's line for each failure: neither is the request's error. */
export function reportCacheFailure(logger: { warn(details: object, message: string): void }): (error: unknown, failure: CacheFailure) => void {
  return (error, failure) => logger.warn({ err: error }, failure === 'open' ? 'a cached image result failed to open' : 'image result not cached');
}

export function createResultCache(blobs: BlobStore, namingKey: Buffer, onError: (error: unknown, failure: CacheFailure) => void): ResultCache {
  const inFlight = new Map<string, Promise<unknown>>();
  const memory = createMemoryCache(MEMORY_BYTES);
  const names = new Map<string, string>();
  const writes = new Set<Promise<void>>();
  return {
    keyOf(canonical) {
      let key = names.get(canonical);
      if (key === undefined) {
        key = createHmac('sha256', namingKey).update(canonical).digest('base64url');
        if (canonical.length <= NAME_REMEMBERED_MAX_LENGTH) {
          if (names.size >= NAMES_KEPT) names.clear();
          names.set(canonical, key);
        }
      }
      return key;
    },
    async get(studioId, key, dataKey, now) {
      const remembered = memory.get(blobKey(studioId, key), now);
      if (remembered) return remembered;
      let stored: Buffer;
      try {
        stored = await readAll(await blobs.get(blobKey(studioId, key)));
      } catch {
        return undefined;
      }
      try {
        const image = unpack(decryptAes256Gcm(dataKey, stored, associatedData(studioId, key)));
        if (image.staleAt !== null && image.staleAt <= now) return undefined;
        memory.set(blobKey(studioId, key), image);
        return image;
      } catch (error) {
        // A damaged or foreign entry is recomputed (and overwritten), never served.
        onError(error, 'open');
        return undefined;
      }
    },
    async put(studioId, key, dataKey, image) {
      memory.set(blobKey(studioId, key), image);
      const crowded = writes.size >= WRITES_BEHIND;
      const write = (async () => {
        // A turn of the event loop first: the answer is sent before the entry is sealed.
        await new Promise((resolve) => setImmediate(resolve));
        const sealed = encryptAes256Gcm(dataKey, pack(image), associatedData(studioId, key));
        await blobs.put(blobKey(studioId, key), Readable.from([sealed]));
      })()
        .catch((error: unknown) => onError(error, 'write'))
        .finally(() => writes.delete(write));
      writes.add(write);
      if (crowded) await write;
    },
    async settled() {
      await Promise.all(writes);
    },
    coalesce<T>(key: string, work: () => Promise<T>): Promise<T> {
      const running = inFlight.get(key);
      if (running) return running as Promise<T>;
      const started = work().finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
  };
}
