import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { previewJobsDone, upload } from '../../test/vault.ts';

/**
 * Inspection under load: the server streams each stored upload to a decoder child instead of
 * holding it, so its memory stays flat in the number of uploads at once; beyond the decoders
 * and their queue it refuses at once. SQLite only: nothing here depends on the database.
 */

const MiB = 1024 * 1024;
const PARALLEL = 4;
/** An uncompressed 8-bit RGB TIFF of about 32 MiB: decoded in full on upload, cheap to decode. */
const TIFF_WIDTH = 4096;
const TIFF_HEIGHT = 2732;
/** Under the plaintext in flight (4 × 32 MiB), which holding each upload whole costs at the least (it measured 253 MiB before the pool, 75 MiB after). */
const MAX_GROWTH_MIB = 110;

function streamOf(bytes: Buffer, pieceSize = 256 * 1024): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + pieceSize));
      offset += pieceSize;
    },
  });
}

/** This process's peak resident set over `work`: the kernel's high-water mark reset first, or else sampling. */
async function peakRssDuring(work: () => Promise<unknown>): Promise<{ startMiB: number; peakMiB: number }> {
  const status = async () => readFile('/proc/self/status', 'utf8').catch(() => '');
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) / 1024;
  const reset = await writeFile('/proc/self/clear_refs', '5').then(() => true, () => false);
  const startMiB = process.memoryUsage.rss() / MiB;
  let sampled = startMiB;
  const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss() / MiB)), 10);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  const highWater = reset ? field(await status(), 'VmHWM') : Number.NaN;
  return { startMiB, peakMiB: Number.isFinite(highWater) ? highWater : Math.max(sampled, process.memoryUsage.rss() / MiB) };
}

describe('inspection under load', () => {
  let server: TestServer;
  let client: TestClient;
  beforeAll(async () => {
    server = await startTestServer({ env: { VAULT_MAX_UPLOAD_BYTES: String(64 * MiB), IMAGING_POOL_SIZE: '2', IMAGING_QUEUE_LIMIT: String(PARALLEL) } });
    client = (await signedInClient(server, 'photographer')).client;
  });
  afterAll(async () => server?.close());

  it(`keeps the server's memory flat over ${PARALLEL} parallel uploads of 32 MiB, each decoded in full`, async () => {
    const pixels = Buffer.alloc(TIFF_WIDTH * TIFF_HEIGHT * 3);
    for (let at = 0; at < pixels.length; at += 4099) pixels[at] = at & 0xff;
    const tiff = await sharp(pixels, { raw: { width: TIFF_WIDTH, height: TIFF_HEIGHT, channels: 3 } }).tiff({ compression: 'none' }).toBuffer();
    expect(tiff.length).toBeGreaterThan(32 * MiB);
    // Warm up: the first upload loads what every later one shares (the decoder children, TLS-free HTTP, crypto).
    expect((await upload(client, await photo('tiff'), { name: 'warm.tif' })).status).toBe(201);
    const { startMiB, peakMiB } = await peakRssDuring(async () => {
      const results = await Promise.all(Array.from({ length: PARALLEL }, (_, index) => upload(client, streamOf(tiff), { name: `scan-${index}.tif` })));
      expect(results.map((result) => result.status)).toEqual(Array.from({ length: PARALLEL }, () => 201));
      expect(results.map((result) => result.file.width)).toEqual(Array.from({ length: PARALLEL }, () => TIFF_WIDTH));
    });
    expect(peakMiB - startMiB, `RSS ${startMiB.toFixed(0)} → ${peakMiB.toFixed(0)} MiB`).toBeLessThan(MAX_GROWTH_MIB);
  });

  it('refuses an upload with 503 and Retry-After, before reading it, while every decoder is busy and the queue full', async () => {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    async function* heldOpen(): AsyncGenerator<Uint8Array> {
      yield await photo('png', { width: 32, height: 32 });
      await released;
    }
    await previewJobsDone(server);
    // Two decoders waiting for input, and the queue full behind them.
    const occupied = Array.from({ length: 2 + PARALLEL }, () => server.runtime.imaging.run('metadata', heldOpen()));
    try {
      expect(server.runtime.imaging.saturated()).toBe(true);
      const response = await client.request('POST', '/api/vault/files?name=busy.jpg', await photo('jpeg'), { 'content-type': 'application/octet-stream' });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('imaging_busy');
    } finally {
      release();
      await Promise.all(occupied);
    }
    expect((await upload(client, await photo('jpeg'), { name: 'after.jpg' })).status).toBe(201);
  });
});
