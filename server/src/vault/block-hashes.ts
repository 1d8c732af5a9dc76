import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { IntegrityError } from '../errors.ts';

/**
 * Integrity of originals stored unencrypted (a studio with encryption off), block by block:
 * the SHA-256 of every BLOCK_SIZE block is taken while the upload streams in and sealed with
 * the file (vault_plain_blocks), so that a download — a range or the whole file — reads only
 * the blocks that cover it and releases each block only once it matched. (Encrypted blobs
 * need none of this: every 16 KiB chunk carries its own authentication tag.)
 */

export const BLOCK_SIZE = 1024 * 1024;
const DIGEST_SIZE = 32;

/** The SHA-256 of each block of a byte stream as it passes, the last (possibly short) block included. */
export class BlockHasher {
  readonly #digests: Buffer[] = [];
  #hash = createHash('sha256');
  #inBlock = 0;

  update(piece: Uint8Array): void {
    let offset = 0;
    while (offset < piece.byteLength) {
      const take = Math.min(BLOCK_SIZE - this.#inBlock, piece.byteLength - offset);
      this.#hash.update(piece.subarray(offset, offset + take));
      this.#inBlock += take;
      offset += take;
      if (this.#inBlock === BLOCK_SIZE) this.#closeBlock();
    }
  }

  /** The digests end to end, 32 bytes a block. */
  digests(): Buffer {
    if (this.#inBlock > 0) this.#closeBlock();
    return Buffer.concat(this.#digests);
  }

  #closeBlock(): void {
    this.#digests.push(this.#hash.digest());
    this.#hash = createHash('sha256');
    this.#inBlock = 0;
  }
}

/** The stored bytes to read for plaintext bytes start..end: the whole blocks that cover them. */
export function coveringBlocks(size: number, start: number, end: number): { start: number; end: number } {
  return { start: Math.floor(start / BLOCK_SIZE) * BLOCK_SIZE, end: Math.min(size, (Math.floor(end / BLOCK_SIZE) + 1) * BLOCK_SIZE) - 1 };
}

function blockMismatch(): IntegrityError {
  return new IntegrityError('The stored file does not match its recorded block hashes.');
}

/**
 * Takes the stored bytes of `coveringBlocks(size, start, end)` and passes on bytes start..end,
 * each block only once its SHA-256 matched; errors on the first block that does not match, or
 * when the stored bytes end early. Holds at most one block.
 */
export function verifyingBlocks(digests: Buffer, size: number, start: number, end: number): Transform {
  if (digests.length !== Math.ceil(size / BLOCK_SIZE) * DIGEST_SIZE) throw blockMismatch();
  const covered = coveringBlocks(size, start, end);
  let blockStart = covered.start;
  let held: Buffer[] = [];
  let heldBytes = 0;
  let hash = createHash('sha256');

  function release(stream: Transform): void {
    const index = blockStart / BLOCK_SIZE;
    if (!hash.digest().equals(digests.subarray(index * DIGEST_SIZE, (index + 1) * DIGEST_SIZE))) throw blockMismatch();
    let offset = blockStart;
    for (const piece of held) {
      const from = Math.max(start - offset, 0);
      const to = Math.min(end + 1 - offset, piece.length);
      if (from < to) stream.push(piece.subarray(from, to));
      offset += piece.length;
    }
    blockStart += heldBytes;
    held = [];
    heldBytes = 0;
    hash = createHash('sha256');
  }

  return new Transform({
    transform(piece: Buffer, _encoding, callback: TransformCallback) {
      try {
        let offset = 0;
        while (offset < piece.length) {
          const blockLength = Math.min(BLOCK_SIZE, size - blockStart);
          const take = Math.min(blockLength - heldBytes, piece.length - offset);
          if (take <= 0) throw blockMismatch();
          const part = piece.subarray(offset, offset + take);
          hash.update(part);
          held.push(part);
          heldBytes += take;
          offset += take;
          if (heldBytes === blockLength) release(this);
        }
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      callback(heldBytes > 0 || blockStart !== covered.end + 1 ? blockMismatch() : null);
    },
  });
}
