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
    return { body, file: { read: async () => ({ body }) } as never };
  };

  it('hands the pool the pieces one by one, and closes the stream afterwards', async () => {
    const { body, file } = fileOf(16);
    let pieces = 0;
    let largest = 0;
    await withVariantBytes(file, 'original', 16 * pieceBytes, async (input) => {
      expect(Buffer.isBuffer(input)).toBe(false);
      for await (const piece of input as AsyncIterable<Uint8Array>) {
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
      for await (const piece of input as AsyncIterable<Uint8Array>) void piece;
    };
    await expect(withVariantBytes(failing.file, 'original', 16 * pieceBytes, drain)).rejects.toThrow('chunk failed authentication');
    const large = fileOf(16);
    await expect(withVariantBytes(large.file, 'original', 15 * pieceBytes, drain)).rejects.toMatchObject({ code: 'image_too_large', statusCode: 422 });
    expect(large.body.destroyed).toBe(true);
  });
});
