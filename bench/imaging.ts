/**
 * The image service (docs/imaging.md) through a real Shutterlock server, beside baselines run
 * in the same process on the same machine:
 *   - cold transform: a 24 MP JPEG (6000×4000, stored encrypted in the vault) to a 512 px WebP,
 *     each request a new cache entry (q_70, q_71, …): the p50 latency, against sharp doing the
 *     same operation in a bare loop in this process (p50) — the ratio is the service's overhead
 *     (decrypt and verify the original, checks, cache write);
 *   - cached: one URL answered from the encrypted cache by CONCURRENCY clients for a while,
 *     requests/s, against nginx serving the same bytes from disk;
 *   - imgproxy's benchmark operation (fit into 512×512, JPEG q80) with 2 concurrent clients over
 *     as many distinct published copies of a 1920×1280 JPEG, so every request transforms:
 *     requests/s, to put beside imgproxy's published 79.6 req/s on 2 vCPUs (its own source
 *     image and machine, so indicative only);
 *   - the server's peak RSS during each;
 *   - CPU time per request of the server and its decoder children, beside bare sharp's per
 *     operation: wall-clock ratios move with the machine's other load, CPU time far less.
 */
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { buildOptStuffUrl } from '@shutterlock/url-signer';
import sharp from 'sharp';
import { cpuDuring, median, positiveInteger, type Shutterlock, startNginx, startShutterlock } from './harness.ts';

const COLD_RUNS = positiveInteger('BENCH_IMAGING_COLD_RUNS', 7);
const CONCURRENCY = positiveInteger('BENCH_IMAGING_CONCURRENCY', 8);
const CACHED_SECONDS = positiveInteger('BENCH_IMAGING_CACHED_SECONDS', 3);
/** Keys the cached phase signs its one image with: each answers up to 10 000 requests a minute. */
const CACHED_KEYS = 4;
const IMGPROXY_COPIES = positiveInteger('BENCH_IMAGING_COPIES', 60);

/** A photo-like image: gradients and noise, so the encoders do realistic work. */
async function photoJpeg(width: number, height: number): Promise<Buffer> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const at = (y * width + x) * 3;
      pixels[at] = (x * 255) / width;
      pixels[at + 1] = (y * 255) / height;
      pixels[at + 2] = ((x * 31 + y * 17) ^ (x >> 3)) & 0xff;
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function get(url: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        let bytes = 0;
        response.on('data', (piece: Buffer) => (bytes += piece.length));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const { status } = await get(url);
  if (status !== 200) throw new Error(`GET ${url} answered ${status}`);
  return performance.now() - started;
}

/** Requests per second of `clients` clients taking URLs from `next` until it answers undefined or `seconds` pass, and how many were answered. */
async function throughput(clients: number, seconds: number, next: () => string | undefined): Promise<{ perSecond: number; requests: number }> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let url = next(); url !== undefined && performance.now() < deadline; url = next()) {
        const { status } = await get(url);
        if (status !== 200) throw new Error(`GET ${url} answered ${status}`);
        done += 1;
      }
    }),
  );
  return { perSecond: done / ((performance.now() - started) / 1000), requests: done };
}

/** The rate of `work`'s requests, and the CPU time `pid` (with its children) spent per request, in µs. */
async function measured(pid: number, work: () => Promise<{ perSecond: number; requests: number }>): Promise<{ perSecond: number; cpuMicros: number }> {
  const { result, cpuMs } = await cpuDuring(pid, work);
  return { perSecond: result.perSecond, cpuMicros: (cpuMs * 1000) / result.requests };
}

/** Uploads a photo, waits until the vault has made its previews (background work that would compete with the measures), and publishes it. */
async function publishedSource(server: Shutterlock, bytes: Buffer, name: string): Promise<string> {
  const response = await fetch(`${server.url}/api/vault/files`, {
    method: 'POST',
    headers: { cookie: server.cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) },
    body: new Uint8Array(bytes),
  });
  if (response.status !== 201) throw new Error(`upload answered ${response.status}`);
  const { file } = (await response.json()) as { file: { id: string } };
  for (let waited = 0; ; waited += 1) {
    const current = (await server.request('GET', `/api/vault/files/${file.id}`)).body as { file: { status: string } };
    if (current.file.status !== 'processing') break;
    if (waited > 1200) throw new Error(`the previews of ${name} took over two minutes`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const published = await server.request('PUT', `/api/images/web-files/${file.id}`, { published: true });
  return (published.body as { source: string }).source;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

export async function runImagingBench(opts: { dir: string }): Promise<void> {
  const dir = join(opts.dir, 'imaging');
  const big = await photoJpeg(6000, 4000);
  const medium = await photoJpeg(1920, 1280);
  console.log(`imaging: 24 MP JPEG ${fixed(big.length / 1e6)} MB, 1920×1280 JPEG ${fixed(medium.length / 1e6, 2)} MB; ${COLD_RUNS} cold runs, ${CONCURRENCY} clients for ${CACHED_SECONDS} s cached`);

  // Bare sharp, the same operation, in this process.
  sharp.cache(false);
  const bare: number[] = [];
  const bareCpu = process.cpuUsage();
  for (let run = 0; run < COLD_RUNS; run += 1) {
    const started = performance.now();
    await sharp(big).autoOrient().resize(512).webp({ quality: 70 + run }).toBuffer();
    bare.push(performance.now() - started);
  }
  const { user, system } = process.cpuUsage(bareCpu);
  const bareCpuMs = (user + system) / 1000 / COLD_RUNS;

  const server = await startShutterlock(join(dir, 'server'), 64);
  const nginx = await startNginx(join(dir, 'nginx'));
  try {
    const project = (await server.request('POST', '/api/images/projects', { name: 'Bench', slug: 'bench' })).body as { project: { id: string } };
    // A key answers at most 10 000 requests a minute (its highest limit), fewer than the cached
    // phase can ask for: that phase takes its URLs round robin from several keys, all signing the
    // same image, which is one cached entry whatever the key.
    const newKey = async () =>
      (await server.request('POST', `/api/images/projects/${project.project.id}/keys`, { name: 'Bench', perMinute: 10_000, perDay: 1_000_000 })).body as { key: { publicKey: string }; secretKey: string };
    const key = await newKey();
    const sign = async (operations: string, source: string, signer = key) =>
      `${server.url}${(await buildOptStuffUrl({ baseUrl: server.url, projectSlug: 'bench', publicKey: signer.key.publicKey, secretKey: signer.secretKey, operations, source })).slice(server.url.length)}`;

    const bigSource = await publishedSource(server, big, 'big.jpg');
    const coldUrls = await Promise.all(Array.from({ length: COLD_RUNS + 1 }, (_, run) => sign(`w_512,q_${70 + run},f_webp`, bigSource)));
    await timed(coldUrls.at(-1)!); // warms the server's code paths, not the measured entries
    const { result: cold, cpuMs: coldCpu } = await cpuDuring(server.pid, () =>
      server.peakDuring(async () => {
        const times: number[] = [];
        for (const url of coldUrls.slice(0, COLD_RUNS)) times.push(await timed(url));
        return times;
      }),
    );
    const coldCpuMs = coldCpu / COLD_RUNS;

    const cachedUrls = [coldUrls[0]!];
    for (let extra = 1; extra < CACHED_KEYS; extra += 1) cachedUrls.push(await sign('w_512,q_70,f_webp', bigSource, await newKey()));
    const cachedBytes = Buffer.from(await (await fetch(cachedUrls[0]!)).arrayBuffer());
    let asked = 0;
    const cached = await server.peakDuring(() => measured(server.pid, () => throughput(CONCURRENCY, CACHED_SECONDS, () => cachedUrls[asked++ % CACHED_KEYS])));
    let nginxCached = { perSecond: Number.NaN, cpuMicros: Number.NaN };
    if (nginx) {
      await writeFile(join(dir, 'nginx', 'www', 'cached.webp'), cachedBytes);
      nginxCached = await measured(nginx.pid, () => throughput(CONCURRENCY, CACHED_SECONDS, () => `${nginx.url}/cached.webp`));
    }

    const copies: string[] = [];
    for (let copy = 0; copy < IMGPROXY_COPIES; copy += 1) copies.push(await sign('w_512,h_512,fit_inside,q_80,f_jpg', await publishedSource(server, medium, `copy-${copy}.jpg`)));
    let taken = 0;
    const { result: imgproxyOperation, cpuMs: imgproxyCpu } = await cpuDuring(server.pid, () => server.peakDuring(() => throughput(2, 600, () => copies[taken++])));
    const imgproxyCpuMs = imgproxyCpu / imgproxyOperation.result.requests;

    const bareP50 = median(bare);
    const coldP50 = median(cold.result);
    console.log(`  cold 24 MP → 512 px WebP: server p50 ${fixed(coldP50)} ms, bare sharp p50 ${fixed(bareP50)} ms: ${fixed(coldP50 / bareP50, 2)}× (aim ≤ 1.15×); peak RSS ${fixed(cold.peakMiB, 0)} MiB (from ${fixed(cold.startMiB, 0)})`);
    console.log(`  cold, CPU per request: server and decoders ${fixed(coldCpuMs)} ms, bare sharp ${fixed(bareCpuMs)} ms: ${fixed(coldCpuMs / bareCpuMs, 2)}×`);
    console.log(
      `  cached, ${CONCURRENCY} clients: server ${fixed(cached.result.perSecond, 0)} req/s, nginx ${fixed(nginxCached.perSecond, 0)} req/s: ${fixed(cached.result.perSecond / nginxCached.perSecond, 2)}× (aim ≥ 0.5×); CPU per answer: server ${fixed(cached.result.cpuMicros, 0)} µs, nginx ${fixed(nginxCached.cpuMicros, 0)} µs; ${cachedBytes.length} bytes; peak RSS ${fixed(cached.peakMiB, 0)} MiB`,
    );
    console.log(`  imgproxy's operation (fit 512×512, JPEG q80), 2 clients, every request a transform: ${fixed(imgproxyOperation.result.perSecond)} req/s (imgproxy publishes 79.6 req/s on 2 vCPUs), CPU ${fixed(imgproxyCpuMs)} ms per request (server and decoders); peak RSS ${fixed(imgproxyOperation.peakMiB, 0)} MiB`);
  } finally {
    agent.destroy();
    await nginx?.stop();
    await server.stop();
  }
}
