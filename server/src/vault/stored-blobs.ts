import { Readable, pipeline } from 'node:stream';
import { type CiphertextSource, createDecryptStream, decryptPieces, openCiphertext, sealPieces } from '../crypto/chunked.ts';
import { generateId } from '../crypto/tokens.ts';
import { blobNotFound, type BlobStore } from '../storage/blob-store.ts';

/**
 * The vault's blobs at rest: chunk-encrypted under the studio data key (crypto/chunked.ts),
 * or plain for a studio whose admin turned encryption off. Each blob is bound to its file,
 * variant and storage key by the encryption context, so a blob copied onto another file, or
 * an older version of the same variant (previews made again get new keys) put back, fails to
 * open.
 */

export type Variant = 'original' | 'thumbnail' | 'preview';

export interface StoredBlob {
  key: string;
  /** Null for plain blobs. */
  sealing: { dataKey: Buffer; context: Buffer } | null;
}

/**
 * Keys made since blob contexts bind the key start their last segment with this. The key is
 * in the database row, which a storage writer cannot change, so its shape safely says which
 * context the blob was sealed with; blobs stored earlier keep the context they were sealed
 * with (file and variant only) until they are replaced.
 */
const KEY_BOUND_PREFIX = 'k2-';

/** Where every original and preview of the studio is kept. */
export function studioBlobPrefix(studioId: string): string {
  return `studios/${studioId}/`;
}

/** Random, so a key says nothing about the file; under the studio, so a studio's blobs can be listed. */
export function newBlobKey(studioId: string): string {
  return `${studioBlobPrefix(studioId)}${KEY_BOUND_PREFIX}${generateId()}`;
}

function isKeyBound(key: string): boolean {
  return key.slice(key.lastIndexOf('/') + 1).startsWith(KEY_BOUND_PREFIX);
}

/** The chunked format's context (crypto-format.md): what a blob must be to open. */
export function blobContext(key: string, fileId: string, variant: Variant): Buffer {
  return Buffer.from(isKeyBound(key) ? `${fileId}/${variant}/${key}` : `${fileId}/${variant}`, 'utf8');
}

export function storedBlob(key: string, fileId: string, variant: Variant, dataKey: Buffer | null): StoredBlob {
  return { key, sealing: dataKey ? { dataKey, context: blobContext(key, fileId, variant) } : null };
}

/**
 * Gathers the sealed pieces into batches of about `size` bytes, which the store writes at
 * once (a vectored write on the local store, without joining them): handing each 16 KiB
 * chunk and its tag to the store on its own costs a write and a round trip apiece. Errors
 * pass through as they are.
 */
async function* inBatches(source: AsyncIterable<Buffer[]>, size: number): AsyncGenerator<Buffer[]> {
  let pending: Buffer[] = [];
  let bytes = 0;
  for await (const pieces of source) {
    for (const piece of pieces) {
      pending.push(piece);
      bytes += piece.length;
    }
    if (bytes >= size) {
      yield pending;
      pending = [];
      bytes = 0;
    }
  }
  if (bytes > 0) yield pending;
}

/** Writes plaintext under the blob's key, encrypting on the way when the blob is sealed. Errors of `plaintext` reject unchanged. */
export async function writeBlob(blobs: BlobStore, blob: StoredBlob, plaintext: AsyncIterable<Uint8Array>): Promise<number> {
  if (!blob.sealing) return (await blobs.put(blob.key, plaintext)).size;
  return (await blobs.put(blob.key, inBatches(sealPieces(blob.sealing.dataKey, blob.sealing.context, plaintext), 1024 * 1024))).size;
}

/**
 * Sealed blobs up to this size are fetched in one read and opened from memory. Opening proves
 * the length from the header and the final chunk, and serving reads the chunks between: three
 * requests to S3 for a preview otherwise, each a round trip that costs more than the bytes.
 * Answers this small are held whole before they are sent anyway (vault/downloads.ts).
 */
const READ_WHOLE_UP_TO_BYTES = 4 * 1024 * 1024 + 128 * 1024;

async function ciphertextSource(blobs: BlobStore, key: string): Promise<CiphertextSource> {
  const info = await blobs.head(key);
  if (!info) throw blobNotFound();
  if (info.size > READ_WHOLE_UP_TO_BYTES) return { size: info.size, read: (start, end) => blobs.get(key, { start, end }) };
  // The bytes read are what is opened: a blob replaced since head() fails on its own header or
  // tags, and reading only the length head() gave keeps a larger replacement out of memory.
  const whole = info.size === 0 ? Buffer.alloc(0) : await collect(await blobs.get(key, { start: 0, end: info.size - 1 }));
  return { size: whole.length, read: async (start, end) => Readable.from([whole.subarray(start, end + 1)]) };
}

/** A stored blob, opened once for its proven length and any number of range reads. */
export interface OpenedBlob {
  /** The plaintext length: for a sealed blob, proven by its header, commitment and final chunk. */
  size: number;
  /** Plaintext bytes start..endInclusive. For a plain blob these are the stored bytes, unverified: callers verify. */
  range(start: number, endInclusive: number): Promise<Readable>;
}

export async function openStoredBlob(blobs: BlobStore, blob: StoredBlob): Promise<OpenedBlob> {
  if (!blob.sealing) {
    const info = await blobs.head(blob.key);
    if (!info) throw blobNotFound();
    return { size: info.size, range: (start, end) => blobs.get(blob.key, { start, end }) };
  }
  const opened = await openCiphertext(await ciphertextSource(blobs, blob.key), blob.sealing.dataKey, blob.sealing.context);
  return { size: opened.plaintextLength, range: async (start, end) => opened.range(start, end) };
}

export async function storedPlaintextLength(blobs: BlobStore, blob: StoredBlob): Promise<number> {
  return (await openStoredBlob(blobs, blob)).size;
}

/** The whole plaintext; a sealed blob releases each chunk only once it authenticated, and errors on the first that does not. */
export async function readPlaintext(blobs: BlobStore, blob: StoredBlob): Promise<Readable> {
  const stored = await blobs.get(blob.key);
  if (!blob.sealing) return stored;
  return pipeline(stored, createDecryptStream(blob.sealing.dataKey, blob.sealing.context), () => undefined);
}

/** A whole plaintext as it is read: a piece, or a batch of them (a sealed blob's chunks that one read completed). */
export type PlaintextPieces = AsyncIterable<Buffer | Buffer[]>;

/**
 * The whole plaintext for a reader in this process that takes each piece as it comes (the
 * imaging pool): a sealed blob's chunks come as the batch each store read completed, each
 * authenticated before it is yielded (crypto/chunked.ts `decryptPieces`), with no stream between
 * that would copy them into pieces of its own. The blob is opened when the first piece is asked
 * for, so pieces never read need no closing; leaving the loop early closes it.
 */
export async function* plaintextPieces(blobs: BlobStore, blob: StoredBlob): PlaintextPieces {
  const stored = await blobs.get(blob.key);
  if (!blob.sealing) yield* stored as AsyncIterable<Buffer>;
  else yield* decryptPieces(blob.sealing.dataKey, blob.sealing.context, stored);
}

export async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(Buffer.isBuffer(piece) ? piece : Buffer.from(piece));
  return Buffer.concat(pieces);
}
