/**
 * The per-chunk AEAD of the at-rest format (chunked.ts): AES-256-GCM under the message's key,
 * nonce = baseNonce XOR be96(index). Runs on the main thread and in the chunk worker
 * (chunk-worker.ts), which seals and opens whole batches of consecutive chunks.
 */
import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';
import { AppError, IntegrityError } from '../errors.ts';

export const TAG_SIZE = 16;
export const CHUNK_SIZE = 16 * 1024;
export const SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE;
/** The spec's cap (4 PiB): the chunk counter must stay within the nonce's last 38 bits. */
export const MAX_CHUNK_COUNT = 2 ** 38;

const CIPHER = 'aes-256-gcm';

// Client-safe messages: they name the failure class, never key material or offsets.
export const INVALID_LENGTH = 'Encrypted data is truncated or has an invalid length.';
const CHUNK_FORGED = 'An encrypted chunk failed authentication.';

/** What sealing and opening chunks needs; a KeyObject because createCipheriv with raw key bytes re-imports them on every chunk, ten times the cost. */
export interface ChunkKeys {
  aeadKey: KeyObject;
  baseNonce: Uint8Array;
}

export function messageTooLarge(): AppError {
  return new AppError('message_too_large', 'The data exceeds the 4 PiB limit of the encrypted format.', 413);
}

function chunkNonce(baseNonce: Uint8Array, index: number): Buffer {
  if (index >= MAX_CHUNK_COUNT) throw messageTooLarge();
  const nonce = Buffer.from(baseNonce);
  // BigInt because the counter outgrows the 32 bits that `^` on numbers keeps.
  nonce.writeBigUInt64BE(nonce.readBigUInt64BE(4) ^ BigInt(index), 4);
  return nonce;
}

export function sealChunk(keys: ChunkKeys, index: number, plaintext: Uint8Array): [body: Buffer, tag: Buffer] {
  const cipher = createCipheriv(CIPHER, keys.aeadKey, chunkNonce(keys.baseNonce, index), { authTagLength: TAG_SIZE });
  const body = cipher.update(plaintext);
  cipher.final();
  return [body, cipher.getAuthTag()];
}

/** The caller decides whether `sealed` is a full or the final chunk; its index is what binds its position. */
export function openChunk(keys: ChunkKeys, index: number, sealed: Uint8Array): Buffer {
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

/**
 * Consecutive chunks from `firstIndex`, laid end to end in `data`: full chunks only, or, with
 * `final`, full chunks followed by the final one (the rest of `data`, shorter than a full chunk).
 */
export interface ChunkBatch {
  direction: 'seal' | 'open';
  keys: ChunkKeys;
  firstIndex: number;
  data: Uint8Array;
  final: boolean;
}

/** How many chunks a batch holds; throws for a batch no message can contain (an opened final chunk shorter than its tag). */
export function batchChunkCount(batch: Pick<ChunkBatch, 'direction' | 'data' | 'final'>): number {
  const frame = batch.direction === 'seal' ? CHUNK_SIZE : SEALED_CHUNK_SIZE;
  const full = Math.floor(batch.data.length / frame);
  const rest = batch.data.length - full * frame;
  if (!batch.final) {
    if (rest !== 0) throw new RangeError('A batch without the final chunk holds full chunks only.');
    return full;
  }
  if (batch.direction === 'open' && rest < TAG_SIZE) throw new IntegrityError(INVALID_LENGTH);
  return full + 1;
}

/**
 * Seals or opens every chunk of the batch into one buffer of its own (transferable): sealed
 * chunks end to end, or their plaintexts. Opening returns only once every chunk authenticated,
 * so a forgery anywhere in the batch withholds all of it.
 */
export function processBatch(batch: ChunkBatch): Buffer {
  const { keys, firstIndex, data } = batch;
  const count = batchChunkCount(batch);
  const seal = batch.direction === 'seal';
  const frame = seal ? CHUNK_SIZE : SEALED_CHUNK_SIZE;
  const output = Buffer.allocUnsafeSlow(data.length + count * (seal ? TAG_SIZE : -TAG_SIZE));
  let written = 0;
  for (let chunk = 0; chunk < count; chunk++) {
    const input = data.subarray(chunk * frame, Math.min((chunk + 1) * frame, data.length));
    if (seal) {
      const [body, tag] = sealChunk(keys, firstIndex + chunk, input);
      written += body.copy(output, written);
      written += tag.copy(output, written);
    } else {
      written += openChunk(keys, firstIndex + chunk, input).copy(output, written);
    }
  }
  return output;
}
