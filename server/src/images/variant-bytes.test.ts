import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { withVariantBytes } from './serve.ts';

/** A source's bytes reach the imaging pool as they are read, never collected first (serve.ts). */
describe('a vault source streamed to a transform', () => {
  const pieceBytes = 64 * 1024;
  const fileOf = (pieces: number, failAt?: number) => {
    let sent = 0;
    const body = new Readable({
      read() {
        if (sent === failAt) return this.destroy(new Error('chunk failed authentication'));
        this.push(sent < pieces ? Buffer.alloc(pieceBytes, sent) : null);
        sent += 1;
      },
    });
    return { body, file: { readWhole: async () => ({ length: pieces * pieceBytes, pieces: body }) } as never };
  };

  it('hands the pool the pieces one by one, and closes the stream afterwards', async () => {
    const { body, file } = fileOf(16);
    let pieces = 0;
    let largest = 0;
    await withVariantBytes(file, 'original', 16 * pieceBytes, async (input) => {
      const { length, pieces: read } = input as { length: number; pieces: AsyncIterable<Uint8Array> };
      expect(length).toBe(16 * pieceBytes);
      for await (const piece of read) {
        pieces += 1;
        largest = Math.max(largest, piece.byteLength);
      }
    });
    expect(pieces).toBe(16);
    expect(largest).toBe(pieceBytes);
    expect(body.destroyed).toBe(true);
  });

  it('closes a stream the pool never read (a refused task), and passes its error on', async () => {
    const { body, file } = fileOf(16);
    await expect(withVariantBytes(file, 'original', 16 * pieceBytes, async () => Promise.reject(new AppError('imaging_busy', 'busy', 503)))).rejects.toThrow('busy');
    expect(body.destroyed).toBe(true);
  });

  it('ends with the error of a piece that fails to verify, and refuses a source over the limit', async () => {
    const failing = fileOf(16, 3);
    const drain = async (input: unknown) => {
      for await (const piece of (input as { pieces: AsyncIterable<Uint8Array> }).pieces) void piece;
    };
    await expect(withVariantBytes(failing.file, 'original', 16 * pieceBytes, drain)).rejects.toThrow('chunk failed authentication');
    const large = fileOf(16);
    await expect(withVariantBytes(large.file, 'original', 15 * pieceBytes, drain)).rejects.toMatchObject({ code: 'image_too_large', statusCode: 422 });
    expect(large.body.destroyed).toBe(true);
    // A source that delivers more than its stated length is cut off at the limit all the same.
    const understated = fileOf(16);
    const lying = { readWhole: async () => ({ length: pieceBytes, pieces: understated.body }) } as never;
    await expect(withVariantBytes(lying, 'original', 15 * pieceBytes, drain)).rejects.toMatchObject({ code: 'image_too_large' });
    expect(understated.body.destroyed).toBe(true);
  });

  it('passes batches of pieces (an encrypted file\'s chunks, one batch a read) on as they come, counting every piece against the limit', async () => {
    const batches = async function* () {
      for (let read = 0; read < 4; read += 1) yield [Buffer.alloc(pieceBytes, read), Buffer.alloc(pieceBytes, read)];
    };
    const seen: number[] = [];
    const count = async (input: unknown) => {
      for await (const batch of (input as { pieces: AsyncIterable<Buffer[]> }).pieces) seen.push(batch.length);
    };
    const fileOfBatches = (length: number) => ({ readWhole: async () => ({ length, pieces: batches() }) }) as never;
    await withVariantBytes(fileOfBatches(8 * pieceBytes), 'original', 8 * pieceBytes, count);
    expect(seen).toEqual([2, 2, 2, 2]);
    await expect(withVariantBytes(fileOfBatches(pieceBytes), 'original', 7 * pieceBytes, count)).rejects.toMatchObject({ code: 'image_too_large' });
  });
});
