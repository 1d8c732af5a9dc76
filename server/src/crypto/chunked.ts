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
import { createCipheriv, createDecipheriv, createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { AppError, IntegrityError } from '../errors.ts';

export const KEY_SIZE = 32;
export const SALT_SIZE = 24;
export const COMMITMENT_SIZE = 32;
export const HEADER_SIZE = SALT_SIZE + COMMITMENT_SIZE;
export const NONCE_SIZE = 12;
export const TAG_SIZE = 16;
export const CHUNK_SIZE = 16 * 1024;
export const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
/** The spec's cap (4 PiB): the chunk counter must stay within the nonce's last 38 bits. */
const MAX_CHUNK_COUNT = 2 ** 38;

const CIPHER = 'aes-256-gcm';
const INFO_PREFIX = Buffer.from('c2sp.org/chunked-encryption@v1+AEAD_AES_256_GCM\0', 'ascii');
const SHA512_SIZE = 64;

// Client-safe messages: they name the failure class, never key material or offsets.
const INVALID_LENGTH = 'Encrypted data is truncated or has an invalid length.';
const COMMITMENT_MISMATCH = 'Encrypted data does not match this key and context (key commitment check failed).';
const CHUNK_FORGED = 'An encrypted chunk failed authentication.';
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
  return toTransform(new MessageSealer(key, context));
}

/**
 * Plaintext leaves only after the chunk it came from authenticated, and after a failure the
 * stream only errors. A stream may emit an authenticated prefix before failing on a later
 * chunk; callers that must not act on partial plaintext buffer it or pre-check with
 * `authenticatedPlaintextLength`.
 */
export function createDecryptStream(key: Buffer, context: Buffer): Transform {
  return toTransform(new MessageOpener(key, context));
}

/**
 * What createEncryptStream does, without a stream: for each piece of `plaintext`, the pieces
 * of ciphertext it completed, as node:crypto produced them (header, chunk bodies, tags).
 * Between the cipher and a consumer that only gathers blocks for a store, a Transform adds
 * a push per piece, and its reader a join of whatever was pushed: a copy of every byte.
 */
export function sealPieces(key: Buffer, context: Buffer, plaintext: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer[]> {
  return throughCore(new MessageSealer(key, context), plaintext);
}

/**
 * The plaintext of a ciphertext read piece by piece: for each piece, the chunks it completed,
 * each authenticated before it is yielded (a full chunk is held until a byte past it arrives, as
 * in createDecryptStream). No stream machinery between the store's reads and the caller.
 */
export function decryptPieces(key: Buffer, context: Buffer, ciphertext: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer[]> {
  return throughCore(new MessageOpener(key, context), ciphertext);
}

export function encryptBuffer(key: Buffer, context: Buffer, plaintext: Buffer): Buffer {
  const sealer = new MessageSealer(key, context);
  return Buffer.concat([...sealer.update(plaintext), ...sealer.final()]);
}

export function decryptBuffer(key: Buffer, context: Buffer, ciphertext: Buffer): Buffer {
  const opener = new MessageOpener(key, context);
  return Buffer.concat([...opener.update(ciphertext), ...opener.final()]);
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

interface MessageKeys {
  /** A KeyObject because createCipheriv with raw key bytes re-imports them on every chunk, ten times the cost. */
  aeadKey: KeyObject;
  baseNonce: Buffer;
  commitment: Buffer;
}

function requireKey(key: Buffer): void {
  if (key.length !== KEY_SIZE) throw new AppError('invalid_key', `The data key must be ${KEY_SIZE} bytes.`, 500);
}

function deriveMessageKeys(inputKey: Buffer, salt: Buffer, context: Buffer): MessageKeys {
  const okm = hkdfExpandSha512(inputKey, Buffer.concat([INFO_PREFIX, salt, context]), KEY_SIZE + NONCE_SIZE + COMMITMENT_SIZE);
  return {
    aeadKey: createSecretKey(okm.subarray(0, KEY_SIZE)),
    baseNonce: okm.subarray(KEY_SIZE, KEY_SIZE + NONCE_SIZE),
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

function chunkNonce(baseNonce: Buffer, index: number): Buffer {
  if (index >= MAX_CHUNK_COUNT) throw new AppError('message_too_large', 'The data exceeds the 4 PiB limit of the encrypted format.', 413);
  const nonce = Buffer.from(baseNonce);
  // BigInt because the counter outgrows the 32 bits that `^` on numbers keeps.
  nonce.writeBigUInt64BE(nonce.readBigUInt64BE(4) ^ BigInt(index), 4);
  return nonce;
}

function sealChunk(keys: MessageKeys, index: number, plaintext: Buffer): [body: Buffer, tag: Buffer] {
  const cipher = createCipheriv(CIPHER, keys.aeadKey, chunkNonce(keys.baseNonce, index), { authTagLength: TAG_SIZE });
  const body = cipher.update(plaintext);
  cipher.final();
  return [body, cipher.getAuthTag()];
}

/** The caller decides whether `sealed` is a full or the final chunk; its index is what binds its position. */
function openChunk(keys: MessageKeys, index: number, sealed: Buffer): Buffer {
  const bodyLength = sealed.length - TAG_SIZE;
  const decipher = createDecipheriv(CIPHER, keys.aeadKey, chunkNonce(keys.baseNonce, index), { authTagLength: TAG_SIZE });
  decipher.setAuthTag(sealed.subarray(bodyLength));
  const plaintext = decipher.update(sealed.subarray(0, bodyLength));
  try {
    decipher.final();
  } catch {
    throw new IntegrityError(CHUNK_FORGED);
  }
  return plaintext;
}

// ——— Streaming: synchronous cores, wrapped as Transforms and used directly by the buffer helpers ———

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

  /** The bytes after the last frame handed out. */
  rest(): Buffer {
    return this.#carry.subarray(0, this.#carried);
  }

  /** With `holdBackLastFrame`, a frame that ends exactly where the input so far ends stays buffered. */
  *frames(piece: Buffer, holdBackLastFrame: boolean): Generator<Buffer> {
    const size = this.#size;
    const fillsFrame = (available: number): boolean => available > size || (!holdBackLastFrame && available === size);
    let offset = 0;
    if (this.#carried > 0 && fillsFrame(this.#carried + piece.length)) {
      offset = size - this.#carried;
      piece.copy(this.#carry, this.#carried, 0, offset);
      this.#carried = 0;
      yield this.#carry;
    }
    while (fillsFrame(piece.length - offset)) {
      yield piece.subarray(offset, offset + size);
      offset += size;
    }
    this.#carried += piece.copy(this.#carry, this.#carried, offset);
  }
}

/** Outputs come back as the buffers node:crypto produced: joining them would double the allocation (and garbage) per byte. */
interface StreamCore {
  update(input: Buffer): Buffer[];
  final(): Buffer[];
}

/** A core over pieces without a stream: per input piece, what it completed (nothing is yielded for none), then its final output. */
async function* throughCore(core: StreamCore, input: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer[]> {
  for await (const piece of input) {
    const output = core.update(asBuffer(piece));
    if (output.length > 0) yield output;
  }
  yield core.final();
}

function toTransform(core: StreamCore): Transform {
  function step(stream: Transform, produce: () => Buffer[], callback: TransformCallback): void {
    let output: Buffer[];
    try {
      output = produce();
    } catch (error) {
      callback(error as Error);
      return;
    }
    for (const piece of output) stream.push(piece);
    callback();
  }
  return new Transform({
    transform(piece: Buffer, _encoding, callback) {
      step(this, () => core.update(piece), callback);
    },
    flush(callback) {
      step(this, () => core.final(), callback);
    },
  });
}

class MessageSealer implements StreamCore {
  readonly #keys: MessageKeys;
  readonly #framer = new Framer(CHUNK_SIZE);
  #unsentHeader: Buffer | undefined;
  #nextIndex = 0;

  constructor(key: Buffer, context: Buffer) {
    requireKey(key);
    const salt = randomBytes(SALT_SIZE);
    this.#keys = deriveMessageKeys(key, salt, context);
    this.#unsentHeader = Buffer.concat([salt, this.#keys.commitment]);
  }

  /** A full chunk is sealed as soon as it is complete: a full chunk is never the final one. */
  update(plaintext: Buffer): Buffer[] {
    const output = this.#takeHeader();
    for (const chunk of this.#framer.frames(plaintext, false)) output.push(...sealChunk(this.#keys, this.#nextIndex++, chunk));
    return output;
  }

  final(): Buffer[] {
    return [...this.#takeHeader(), ...sealChunk(this.#keys, this.#nextIndex++, this.#framer.rest())];
  }

  #takeHeader(): Buffer[] {
    const header = this.#unsentHeader;
    this.#unsentHeader = undefined;
    return header === undefined ? [] : [header];
  }
}

class MessageOpener implements StreamCore {
  readonly #key: Buffer;
  readonly #context: Buffer;
  readonly #header = Buffer.alloc(HEADER_SIZE);
  #headerLength = 0;
  #keys: MessageKeys | undefined;
  readonly #framer = new Framer(SEALED_CHUNK_SIZE);
  #nextIndex = 0;

  constructor(key: Buffer, context: Buffer) {
    requireKey(key);
    this.#key = key;
    this.#context = context;
  }

  /** A throw ends the message: the Transform is destroyed and decryptBuffer returns nothing. */
  update(ciphertext: Buffer): Buffer[] {
    let rest = ciphertext;
    if (this.#keys === undefined) {
      const copied = rest.copy(this.#header, this.#headerLength);
      this.#headerLength += copied;
      rest = rest.subarray(copied);
      if (this.#headerLength < HEADER_SIZE) return [];
      this.#keys = openHeader(this.#key, this.#context, this.#header);
    }
    const keys = this.#keys;
    // A full-size chunk waits for one more byte: if the ciphertext ends with it, the final
    // chunk is missing and nothing of that truncated tail should have been released.
    // A forgery anywhere in a batch withholds the whole batch.
    const plaintexts: Buffer[] = [];
    for (const sealed of this.#framer.frames(rest, true)) plaintexts.push(openChunk(keys, this.#nextIndex++, sealed));
    return plaintexts;
  }

  final(): Buffer[] {
    const finalChunk = this.#framer.rest();
    if (this.#keys === undefined || finalChunk.length < TAG_SIZE || finalChunk.length === SEALED_CHUNK_SIZE) {
      throw new IntegrityError(INVALID_LENGTH);
    }
    return [openChunk(this.#keys, this.#nextIndex++, finalChunk)];
  }
}

// ——— Random access ———

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
      for (const sealed of framer.frames(asBuffer(piece), false)) {
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
