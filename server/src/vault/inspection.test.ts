import { readFile, writeFile } from 'node:fs/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { noisyPng, photo } from '../../test/images.ts';
import { previewJobsDone, streamOf, upload } from '../../test/vault.ts';

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
/**
 * Holding each upload whole would keep at least the plaintext in flight (4 × 32 MiB) alive;
 * the buffers still held after a full collection stay far under that (before the pool, when
 * inspection held each upload, RSS grew 253 MiB). Measured 12–27 MiB on a quiet machine (the
 * sockets', streams' and decoder pipes' buffers of four uploads); the bound is half of holding
 * them whole, so a loaded machine's timing does not fail it.
 */
const MAX_HELD_MIB = 64;
/** Resident memory, which also counts this test's own client, V8's heap and malloc's pages. */
const MAX_RSS_GROWTH_MIB = 110;
/** Dead buffers past this are collected at once, so the resident set shows what is held, not how late the collector runs. */
const COLLECT_PAST_MIB = 24;
/** V8 frees a collected buffer's memory a little later, on a background thread. */
const SWEEP_MS = 30;

/** A full collection on demand, without starting Node with --expose-gc. */
function fullCollection(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Memory over `work`: the peak resident set (the kernel's high-water mark, reset first, or
 * else sampled) and the most the process's buffers (where upload bytes live) held after a
 * full collection. The process is the server's (in-process) and its client's. Whenever the
 * buffers grow by COLLECT_PAST_MIB, a full collection separates what is held from garbage:
 * what is held is at most what the buffers count just after it, or once its memory was freed
 * (SWEEP_MS later, when new garbage counts too), whichever is less.
 */
async function memoryDuring(work: () => Promise<unknown>): Promise<{ rssGrowthMiB: number; heldMiB: number; collections: number }> {
  const gc = fullCollection();
  const status = async () => readFile('/proc/self/status', 'utf8').catch(() => '');
  const field = (text: string, name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN) / 1024;
  gc();
  await new Promise((resolve) => setTimeout(resolve, SWEEP_MS));
  const reset = await writeFile('/proc/self/clear_refs', '5').then(() => true, () => false);
  const start = process.memoryUsage();
  let sampledRss = start.rss;
  let held = 0;
  let collections = 0;
  let sinceCollection = start.arrayBuffers;
  const sampler = setInterval(() => {
    const now = process.memoryUsage();
    sampledRss = Math.max(sampledRss, now.rss);
    if (now.arrayBuffers - sinceCollection < COLLECT_PAST_MIB * MiB) return;
    gc();
    collections += 1;
    const collected = process.memoryUsage().arrayBuffers;
    sinceCollection = collected;
    setTimeout(() => {
      const swept = process.memoryUsage().arrayBuffers;
      sinceCollection = Math.min(sinceCollection, swept);
      held = Math.max(held, Math.min(collected, swept) - start.arrayBuffers);
    }, SWEEP_MS);
  }, 10);
  try {
    await work();
  } finally {
    clearInterval(sampler);
    await new Promise((resolve) => setTimeout(resolve, 2 * SWEEP_MS));
  }
  const highWater = reset ? field(await status(), 'VmHWM') * MiB : Number.NaN;
  const peakRss = Number.isFinite(highWater) ? highWater : Math.max(sampledRss, process.memoryUsage.rss());
  return { rssGrowthMiB: (peakRss - start.rss) / MiB, heldMiB: held / MiB, collections };
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
    // The warm-up's previews are made before the window, not during it.
    await previewJobsDone(server);
    const { rssGrowthMiB, heldMiB, collections } = await memoryDuring(async () => {
      const results = await Promise.all(Array.from({ length: PARALLEL }, (_, index) => upload(client, streamOf(tiff, 256 * 1024), { name: `scan-${index}.tif` })));
      expect(results.map((result) => result.status)).toEqual(Array.from({ length: PARALLEL }, () => 201));
      expect(results.map((result) => result.file.width)).toEqual(Array.from({ length: PARALLEL }, () => TIFF_WIDTH));
    });
    const measured = `RSS +${rssGrowthMiB.toFixed(0)} MiB, buffers held +${heldMiB.toFixed(0)} MiB at most (${collections} collections)`;
    console.log(measured);
    expect(heldMiB, measured).toBeLessThan(MAX_HELD_MIB);
    expect(rssGrowthMiB, measured).toBeLessThan(MAX_RSS_GROWTH_MIB);
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
      const response = await client.request('POST', '/api/vault/files', await photo('jpeg'), { 'content-type': 'application/octet-stream', 'x-file-name': 'busy.jpg' });
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

describe('inspection of a file over the decode limit', () => {
  let server: TestServer;
  let client: TestClient;
  beforeAll(async () => {
    server = await startTestServer({ env: { VAULT_MAX_DECODE_BYTES: String(256 * 1024) } });
    client = (await signedInClient(server, 'photographer')).client;
  });
  afterAll(async () => server?.close());

  it('reads the header from the streamed head, and a TIFF directory by range, without decoding the pixels', async () => {
    const png = await noisyPng(640, 480);
    const tiff = await sharp(await noisyPng(640, 480)).tiff({ compression: 'none' }).toBuffer();
    for (const [name, bytes] of [['large.png', png], ['large.tif', tiff]] as const) {
      expect(bytes.length, name).toBeGreaterThan(256 * 1024);
      const result = await upload(client, bytes, { name });
      expect(result.status, JSON.stringify(result.error)).toBe(201);
      expect([result.file.width, result.file.height], name).toEqual([640, 480]);
    }
  });

  it('refuses one whose header (PNG) or directory (TIFF) claims more pixels than the limit', async () => {
    const limited = await startTestServer({ env: { VAULT_MAX_DECODE_BYTES: String(256 * 1024), VAULT_MAX_PIXELS: String(640 * 480 - 1) } });
    try {
      const limitedClient = (await signedInClient(limited, 'photographer')).client;
      const png = await noisyPng(640, 480);
      const tiff = await sharp(png).tiff({ compression: 'none' }).toBuffer();
      for (const [name, bytes] of [['many-pixels.png', png], ['many-pixels.tif', tiff]] as const) {
        const result = await upload(limitedClient, bytes, { name });
        expect([result.status, result.error?.code], name).toEqual([422, 'image_too_large']);
      }
    } finally {
      await limited.close();
    }
  });
});
