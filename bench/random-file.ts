import { createHash, randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * Test data for the benches. A module of its own, not part of harness.ts: crypto.ts imports it
 * into the child processes whose memory it measures, and harness.ts's HTTP imports would add
 * some 10 MiB to their RSS.
 */

const BLOCK_SIZE = 8 * 1024 * 1024;

/** `header`, then `bytes` random bytes. Returns the file's SHA-256. */
export async function writeRandomFile(path: string, bytes: number, header: Buffer = Buffer.alloc(0)): Promise<string> {
  const hash = createHash('sha256').update(header);
  const file = await open(path, 'w');
  try {
    await file.write(header);
    const block = Buffer.allocUnsafe(BLOCK_SIZE);
    for (let written = 0; written < bytes; ) {
      const piece = randomFillSync(block).subarray(0, Math.min(block.length, bytes - written));
      hash.update(piece);
      await file.write(piece);
      written += piece.length;
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}
