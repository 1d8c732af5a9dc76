/**
 * The at-rest format of every stored file: Cobblestone-256 from c2sp.org/chunked-encryption (v1),
 * built from node:crypto primitives only.
 *
 *   ciphertext = salt (24) || commitment (32) || seal(chunk 0) || … || seal(final chunk)
 *   aeadKey (32) || baseNonce (12) || commitment (32) = HKDF-Expand-SHA-512(prk = input key,
 *       info = "c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM" || 0x00 || salt || context)
 *   seal(chunk i) = AES-256-GCM(aeadKey, nonce = baseNonce XOR be96(i), aad = empty) → body || tag (16)
 *
 * Chunks hold 16 KiB of plaintext except the final one, which is always shorter (possibly empty)
 * and so marks the end: truncation and extension both fail. The commitment is checked before any
 * chunk is opened. Byte offsets and the test vectors that prove this: docs/security/crypto-format.md.
 */
import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { AppError, IntegrityError } from '../errors.ts';
import {
  CHUNK_SIZE,
  type ChunkBatch,
  type ChunkKeys,
  INVALID_LENGTH,
  MAX_CHUNK_COUNT,
  SEALED_CHUNK_SIZE,
  TAG_SIZE,
  batchChunkCount,
  messageTooLarge,
  openChunk,
  processBatch,
  sealChunk,
} from './chunk-aead.ts';
import { offloadBatch } from './chunk-offload.ts';

export { CHUNK_SIZE, SEALED_CHUNK_SIZE, TAG_SIZE } from './chunk-aead.ts';

export const KEY_SIZE = 32;
export const SALT_SIZE = 24;
export const COMMITMENT_SIZE = 32;
export const HEADER_SIZE = SALT_SIZE + COMMITMENT_SIZE;
export const NONCE_SIZE = 12;

const INFO_PREFIX = Buffer.from('c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM\0', 'ascii');
const SHA512_SIZE = 64;

// Client-safe messages: they name the failure class, never key material or offsets.
const COMMITMENT_MISMATCH = 'Encrypted data does not match this key and context (key commitment check failed).';
const WRONG_READ_LENGTH = 'The storage returned a different number of bytes than requested.';

/** Where an encrypted blob can be read from by inclusive byte range, like `BlobStore.get(key, { start, end })`. */
export interface CiphertextSource {
  size: number;
  read(start: number, endInclusive: number): Promise<NodeJS.ReadableStream | AsyncIterable<Uint8Array>>;
}

export function ciphertextLength(plaintextLength: number): number {
  if (!Number.isSafeInteger(plaintextLength) || plaintextLength < 0 || plaintextLength >= MAX_CHUNK_COUNT * CHUNK_SIZE) {
    throw new RangeError(`Cannot encrypt a message of ${plaintextLength} bytes.`);
  }
  return HEADER_SIZE + plaintextLength + (Math.floor(plaintextLength / CHUNK_SIZE) + 1) * TAG_SIZE;
}

/** Throws IntegrityError for a length no ciphertext can have: short header, a sealed tail shorter than a tag, or a missing final chunk. */
export function plaintextLength(ciphertextLength: number): number {
  const body = ciphertextLength - HEADER_SIZE;
  const fullChunks = Math.floor(body / SEALED_CHUNK_SIZE);
  const sealedFinalChunk = body - fullChunks * SEALED_CHUNK_SIZE;
  if (!Number.isSafeInteger(ciphertextLength) || body < TAG_SIZE || sealedFinalChunk < TAG_SIZE || fullChunks >= MAX_CHUNK_COUNT) {
    throw new IntegrityError(INVALID_LENGTH);
  }
  return fullChunks * CHUNK_SIZE + sealedFinalChunk - TAG_SIZE;
}

export function createEncryptStream(key: Buffer, context: Buffer): Transform {
  requireKey(key);
  const salt = randomBytes(SALT_SIZE);
  const keys = deriveMessageKeys(key, salt, context);
  return new ChunkStream('seal', keys, Buffer.concat([salt, keys.commitment]));
}

/**
 * Plaintext leaves only after the chunk it came from authenticated, and after a failure the
 * stream only errors. A stream may emit an authenticated prefix before failing on a later
 * chunk; callers that must not act on partial plaintext buffer it or pre-check with
 * `authenticatedPlaintextLength`.
 */
export function createDecryptStream(key: Buffer, context: Buffer): Transform {
  requireKey(key);
  return new ChunkStream('open', (header) => openHeader(key, context, header));
}

export function encryptBuffer(key: Buffer, context: Buffer, plaintext: Buffer): Buffer {
  requireKey(key);
  const salt = randomBytes(SALT_SIZE);
  const keys = deriveMessageKeys(key, salt, context);
  return Buffer.concat([salt, keys.commitment, processBatch({ direction: 'seal', keys, firstIndex: 0, data: plaintext, final: true })]);
}

export function decryptBuffer(key: Buffer, context: Buffer, ciphertext: Buffer): Buffer {
  requireKey(key);
  if (ciphertext.length < HEADER_SIZE) throw new IntegrityError(INVALID_LENGTH);
  const keys = openHeader(key, context, ciphertext.subarray(0, HEADER_SIZE));
  const data = ciphertext.subarray(HEADER_SIZE);
  return processBatch({ direction: 'open', keys, firstIndex: 0, data, final: true });
}

/** Verifies the header, the commitment and the final chunk; returns the plaintext length they prove. */
export async function authenticatedPlaintextLength(source: CiphertextSource, key: Buffer, context: Buffer): Promise<number> {
  return (await openMessage(source, key, context)).plaintextLength;
}

/** A message whose header, commitment and final chunk authenticated: its length is proven, and ranges of it can be read. */
export interface OpenedCiphertext {
  readonly plaintextLength: number;
  /**
   * Plaintext bytes start..endInclusive, reading only the chunks covering the range (the final
   * chunk, already opened, is not read again). Throws range_not_satisfiable (416) for a range
   * outside the message.
   */
  range(start: number, endInclusive: number): Readable;
}

/** Reads and authenticates the header and the final chunk, once, for any number of ranges. */
export async function openCiphertext(source: CiphertextSource, key: Buffer, context: Buffer): Promise<OpenedCiphertext> {
  const message = await openMessage(source, key, context);
  return {
    plaintextLength: message.plaintextLength,
    range(start, endInclusive) {
      const satisfiable =
        Number.isSafeInteger(start) && Number.isSafeInteger(endInclusive) && start >= 0 && start <= endInclusive && endInclusive < message.plaintextLength;
      if (!satisfiable) {
        throw new AppError('range_not_satisfiable', 'The requested range is not satisfiable.', 416, {
          headers: { 'content-range': `bytes */${message.plaintextLength}` },
        });
      }
      return Readable.from(rangePlaintext(source, message, start, endInclusive), { objectMode: false });
    },
  };
}

/** Plaintext bytes start..endInclusive of a message opened for this one range (see openCiphertext). */
export async function decryptRange(
  source: CiphertextSource,
  key: Buffer,
  context: Buffer,
  start: number,
  endInclusive: number,
): Promise<Readable> {
  return (await openCiphertext(source, key, context)).range(start, endInclusive);
}

// ——— Key derivation and the per-chunk AEAD, shared by every path ———

interface MessageKeys extends ChunkKeys {
  commitment: Buffer;
}

function requireKey(key: Buffer): void {
  if (key.length !== KEY_SIZE) throw new AppError('invalid_key', `The data key must be ${KEY_SIZE} bytes.`, 500);
}

function deriveMessageKeys(inputKey: Buffer, salt: Buffer, context: Buffer): MessageKeys {
  const okm = hkdfExpandSha512(inputKey, Buffer.concat([INFO_PREFIX, salt, context]), KEY_SIZE + NONCE_SIZE + COMMITMENT_SIZE);
  return {
    aeadKey: createSecretKey(okm.subarray(0, KEY_SIZE)),
    // Its own 12-byte buffer (not a view of okm's): the nonce alone goes to the chunk worker.
    baseNonce: new Uint8Array(okm.subarray(KEY_SIZE, KEY_SIZE + NONCE_SIZE)),
    commitment: okm.subarray(KEY_SIZE + NONCE_SIZE),
  };
}

/** RFC 5869 Expand without Extract, as the spec requires; node:crypto's hkdf always extracts first. */
function hkdfExpandSha512(prk: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  for (let counter = 1; blocks.length * SHA512_SIZE < length; counter++) {
    previous = createHmac('sha512', prk).update(previous).update(info).update(Uint8Array.of(counter)).digest();
    blocks.push(previous);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function openHeader(key: Buffer, context: Buffer, header: Buffer): MessageKeys {
  const keys = deriveMessageKeys(key, header.subarray(0, SALT_SIZE), context);
  if (!timingSafeEqual(keys.commitment, header.subarray(SALT_SIZE, HEADER_SIZE))) throw new IntegrityError(COMMITMENT_MISMATCH);
  return keys;
}

// ——— Streaming: batches of chunks, sealed or opened on the chunk worker ———

function chunkKeys(keys: MessageKeys): ChunkKeys {
  return { aeadKey: keys.aeadKey, baseNonce: keys.baseNonce };
}

/** Chunks per batch of a stream: 1 MiB of plaintext, so the worker's round trip is paid once per MiB. */
export const STREAM_BATCH_CHUNKS = 64;
/** Batches of one stream on the worker at once: one sealed while the next fills. */
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * Gathers the message's chunks into batches, in one buffer each (the only copy made here),
 * and has the chunk worker seal or open them (chunk-offload.ts), in order; a message that
 * ends within its first batch never leaves this thread. Output is one buffer per batch. A
 * new piece is taken only while fewer than MAX_BATCHES_IN_FLIGHT batches are out (and, as
 * for any Transform, the readable side is below its mark), so memory stays flat whatever the
 * message's size.
 */
class ChunkStream extends Transform {
  readonly #direction: ChunkBatch['direction'];
  readonly #capacity: number;
  /** Sealing: the header still to send. Opening: reads the header once its bytes are in. */
  #header: Buffer | undefined;
  readonly #openHeader: ((header: Buffer) => MessageKeys) | undefined;
  #headerLength = 0;
  /** The key and nonce only: what the worker is sent with each batch. */
  #keys: ChunkKeys | undefined;
  #batch: Buffer;
  #batched = 0;
  #nextIndex = 0;
  #offloaded = false;
  #inFlight = 0;
  /** Every batch's output pushed, in order; rejects with the first failure. */
  #results: Promise<void> = Promise.resolve();
  #waiting: TransformCallback | undefined;

  constructor(direction: 'seal', keys: MessageKeys, header: Buffer);
  constructor(direction: 'open', openHeader: (header: Buffer) => MessageKeys);
  constructor(direction: ChunkBatch['direction'], keysOrOpen: MessageKeys | ((header: Buffer) => MessageKeys), header?: Buffer) {
    super();
    this.#direction = direction;
    this.#capacity = STREAM_BATCH_CHUNKS * (direction === 'seal' ? CHUNK_SIZE : SEALED_CHUNK_SIZE);
    this.#batch = Buffer.allocUnsafeSlow(this.#capacity);
    if (typeof keysOrOpen === 'function') {
      this.#openHeader = keysOrOpen;
      this.#header = Buffer.alloc(HEADER_SIZE);
    } else {
      this.#keys = chunkKeys(keysOrOpen);
      this.#header = header;
    }
  }

  override _transform(piece: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      let rest = this.#takeHeader(piece);
      while (rest.length > 0) {
        // A full batch goes once more bytes follow: when opening, a message that ended on a
        // full chunk lacks its final chunk, and nothing of that tail should be released.
        if (this.#batched === this.#capacity) this.#dispatch(false);
        const copied = rest.copy(this.#batch, this.#batched);
        this.#batched += copied;
        rest = rest.subarray(copied);
      }
    } catch (error) {
      callback(error as Error);
      return;
    }
    this.#waiting = callback;
    this.#release();
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.#takeHeader(Buffer.alloc(0));
      if (this.#keys === undefined) throw new IntegrityError(INVALID_LENGTH);
      this.#dispatch(true);
    } catch (error) {
      callback(error as Error);
      return;
    }
    this.#results.then(() => callback(), callback);
  }

  /** Sealing: sends the header first. Opening: collects the header and checks it; returns the bytes after it. */
  #takeHeader(piece: Buffer): Buffer {
    const header = this.#header;
    if (header === undefined) return piece;
    if (this.#openHeader === undefined) {
      this.#header = undefined;
      this.push(header);
      return piece;
    }
    const copied = piece.copy(header, this.#headerLength);
    this.#headerLength += copied;
    if (this.#headerLength < HEADER_SIZE) return piece.subarray(copied);
    this.#header = undefined;
    this.#keys = chunkKeys(this.#openHeader(header));
    return piece.subarray(copied);
  }

  #dispatch(final: boolean): void {
    const keys = this.#keys as ChunkKeys;
    const batch: ChunkBatch = { direction: this.#direction, keys, firstIndex: this.#nextIndex, data: this.#batch.subarray(0, this.#batched), final };
    const count = batchChunkCount(batch);
    if (this.#nextIndex + count > MAX_CHUNK_COUNT) throw messageTooLarge();
    this.#nextIndex += count;
    let output: Promise<Buffer>;
    if (final && !this.#offloaded) {
      output = Promise.resolve(processBatch(batch));
    } else {
      this.#offloaded = true;
      output = offloadBatch(batch);
      if (!final) this.#batch = Buffer.allocUnsafeSlow(this.#capacity);
    }
    this.#batched = 0;
    this.#inFlight++;
    this.#results = Promise.all([this.#results, output]).then(([, sealedOrOpened]) => {
      this.#inFlight--;
      if (!this.destroyed) this.push(sealedOrOpened);
      this.#release();
    });
    this.#results.catch((error: unknown) => this.#fail(error as Error));
  }

  /** Asks for the next piece once a batch slot is free; Transform itself holds it back while the readable side is full. */
  #release(): void {
    const waiting = this.#waiting;
    if (waiting === undefined || this.#inFlight >= MAX_BATCHES_IN_FLIGHT) return;
    this.#waiting = undefined;
    waiting();
  }

  #fail(error: Error): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) waiting(error);
    else if (!this.writableFinished) this.destroy(error);
  }
}

// ——— Random access ———

/**
 * Cuts a byte stream into fixed-size frames. Frames inside one incoming piece are views of it;
 * only a frame straddling two pieces is copied, into a reused carry buffer, so a frame is valid
 * only until the framer is called again.
 */
class Framer {
  readonly #size: number;
  readonly #carry: Buffer;
  #carried = 0;

  constructor(size: number) {
    this.#size = size;
    this.#carry = Buffer.allocUnsafe(size);
  }

  get carried(): number {
    return this.#carried;
  }

  *frames(piece: Buffer): Generator<Buffer> {
    const size = this.#size;
    let offset = 0;
    if (this.#carried > 0 && this.#carried + piece.length >= size) {
      offset = size - this.#carried;
      piece.copy(this.#carry, this.#carried, 0, offset);
      this.#carried = 0;
      yield this.#carry;
    }
    while (piece.length - offset >= size) {
      yield piece.subarray(offset, offset + size);
      offset += size;
    }
    this.#carried += piece.copy(this.#carry, this.#carried, offset);
  }
}

interface OpenedMessage {
  keys: MessageKeys;
  plaintextLength: number;
  finalIndex: number;
  finalPlaintext: Buffer;
}

function chunkOffset(index: number): number {
  return HEADER_SIZE + index * SEALED_CHUNK_SIZE;
}

async function openMessage(source: CiphertextSource, key: Buffer, context: Buffer): Promise<OpenedMessage> {
  requireKey(key);
  const length = plaintextLength(source.size);
  const keys = openHeader(key, context, await readExactly(source, 0, HEADER_SIZE - 1));
  const finalIndex = Math.floor(length / CHUNK_SIZE);
  const finalPlaintext = openChunk(keys, finalIndex, await readExactly(source, chunkOffset(finalIndex), source.size - 1));
  return { keys, plaintextLength: length, finalIndex, finalPlaintext };
}

async function readExactly(source: CiphertextSource, start: number, endInclusive: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of await source.read(start, endInclusive)) pieces.push(asBuffer(piece));
  const bytes = Buffer.concat(pieces);
  if (bytes.length !== endInclusive - start + 1) throw new IntegrityError(WRONG_READ_LENGTH);
  return bytes;
}

function asBuffer(piece: string | Uint8Array): Buffer {
  if (typeof piece === 'string') throw new TypeError('A ciphertext source must yield bytes, not strings.');
  return Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
}

async function* rangePlaintext(source: CiphertextSource, message: OpenedMessage, start: number, endInclusive: number): AsyncGenerator<Buffer> {
  const firstIndex = Math.floor(start / CHUNK_SIZE);
  const lastIndex = Math.floor(endInclusive / CHUNK_SIZE);
  const slice = (plaintext: Buffer, index: number): Buffer =>
    plaintext.subarray(Math.max(start - index * CHUNK_SIZE, 0), endInclusive - index * CHUNK_SIZE + 1);
  // The final chunk was opened to authenticate the length: reuse it instead of reading it twice.
  const lastFullIndex = Math.min(lastIndex, message.finalIndex - 1);
  if (firstIndex <= lastFullIndex) {
    const framer = new Framer(SEALED_CHUNK_SIZE);
    let index = firstIndex;
    for await (const piece of await source.read(chunkOffset(firstIndex), chunkOffset(lastFullIndex + 1) - 1)) {
      for (const sealed of framer.frames(asBuffer(piece))) {
        if (index > lastFullIndex) throw new IntegrityError(WRONG_READ_LENGTH);
        yield slice(openChunk(message.keys, index, sealed), index);
        index++;
      }
    }
    if (index !== lastFullIndex + 1 || framer.carried !== 0) throw new IntegrityError(WRONG_READ_LENGTH);
  }
  if (lastIndex === message.finalIndex) yield slice(message.finalPlaintext, lastIndex);
}

// ——— Sealing one message over several sittings (resumable uploads) ———

/**
 * Seals the chunks of one message by index, across requests and restarts: the header (salt and
 * commitment) is kept with the upload and given back to resume. The caller must never seal two
 * different plaintexts under one index (the nonce is the index): a resumable upload seals each
 * chunk once, stores it under a key named by its index, and reseals it only by overwriting.
 */
export class IndexedSealer {
  readonly header: Buffer;
  readonly #keys: MessageKeys;

  /** A new message (random salt), or, given its header, one begun earlier (its commitment checked). */
  constructor(key: Buffer, context: Buffer, header?: Buffer) {
    requireKey(key);
    if (header === undefined) {
      const salt = randomBytes(SALT_SIZE);
      this.#keys = deriveMessageKeys(key, salt, context);
      this.header = Buffer.concat([salt, this.#keys.commitment]);
    } else {
      if (header.length !== HEADER_SIZE) throw new IntegrityError(INVALID_LENGTH);
      this.#keys = openHeader(key, context, header);
      this.header = Buffer.from(header);
    }
  }

  /** A full chunk (exactly CHUNK_SIZE bytes) at `index`: never the final one. */
  sealFull(index: number, plaintext: Buffer): Buffer[] {
    if (plaintext.length !== CHUNK_SIZE) throw new RangeError('A full chunk holds exactly CHUNK_SIZE bytes.');
    return sealChunk(this.#keys, index, plaintext);
  }

  /** The final chunk (shorter than CHUNK_SIZE, possibly empty) at `index`: the message ends with it. */
  sealFinal(index: number, plaintext: Buffer): Buffer[] {
    if (plaintext.length >= CHUNK_SIZE) throw new RangeError('The final chunk is shorter than CHUNK_SIZE.');
    return sealChunk(this.#keys, index, plaintext);
  }
}
