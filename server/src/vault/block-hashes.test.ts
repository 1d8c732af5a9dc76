import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE, BlockHasher, coveringBlocks, verifyingBlocks } from './block-hashes.ts';

/** Block hashes of plain originals: the same digests however the bytes arrive, and ranges verified from their blocks alone. */

const bytes = randomBytes(3 * BLOCK_SIZE + 12_345);

function digestsOf(data: Buffer): Buffer {
  const digests: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += BLOCK_SIZE) digests.push(createHash('sha256').update(data.subarray(offset, offset + BLOCK_SIZE)).digest());
  return Buffer.concat(digests);
}

function inPieces(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (data.length + 1)))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let previous = 0;
  for (const point of [...points, data.length]) {
    pieces.push(data.subarray(previous, point));
    previous = point;
  }
  return pieces.filter((piece) => piece.length > 0);
}

async function served(stored: Buffer, digests: Buffer, start: number, end: number, cuts: number[] = []): Promise<Buffer> {
  const covered = coveringBlocks(stored.length, start, end);
  const out: Buffer[] = [];
  await pipeline(Readable.from(inPieces(stored.subarray(covered.start, covered.end + 1), cuts)), verifyingBlocks(digests, stored.length, start, end), async (source: AsyncIterable<Buffer>) => {
    for await (const piece of source) out.push(piece);
  });
  return Buffer.concat(out);
}

describe('block hashes', () => {
  const expected = digestsOf(bytes);

  it('hashes each block, the short last one included, however the stream is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        const hasher = new BlockHasher();
        for (const piece of inPieces(bytes, cuts)) hasher.update(piece);
        expect(hasher.digests().equals(expected)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it('serves any range from the blocks covering it alone', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(bytes.length - 1), fc.nat(bytes.length - 1), fc.array(fc.nat(), { maxLength: 6 }), async (a, b, cuts) => {
        const [start, end] = a <= b ? [a, b] : [b, a];
        expect((await served(bytes, expected, start, end, cuts)).equals(bytes.subarray(start, end + 1))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses an altered block before releasing anything of it, and a short read', async () => {
    const altered = Buffer.from(bytes);
    altered[BLOCK_SIZE + 5] = (altered[BLOCK_SIZE + 5] as number) ^ 1;
    await expect(served(altered, expected, BLOCK_SIZE, BLOCK_SIZE + 9)).rejects.toMatchObject({ code: 'integrity_check_failed' });
    expect((await served(altered, expected, 0, 99)).equals(bytes.subarray(0, 100))).toBe(true);

    const out: Buffer[] = [];
    const short = pipeline(Readable.from([bytes.subarray(0, BLOCK_SIZE - 1)]), verifyingBlocks(expected, bytes.length, 0, 10), async (source: AsyncIterable<Buffer>) => {
      for await (const piece of source) out.push(piece);
    });
    await expect(short).rejects.toMatchObject({ code: 'integrity_check_failed' });
    expect(out).toEqual([]);
    expect(() => verifyingBlocks(expected.subarray(32), bytes.length, 0, 10)).toThrow();
  });
});
