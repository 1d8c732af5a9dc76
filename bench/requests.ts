/**
 * Many small requests through a real Shutterlock server, beside Debian's nginx serving a
 * static file of the same size from disk: an authenticated file listing (GET /api/vault/files,
 * a page of BENCH_REQUESTS_FILES files, default 50) and a signed preview download (GET
 * /api/files/<id>/preview?…), each at 1, 8 and 64 concurrent keep-alive connections for
 * BENCH_REQUESTS_SECONDS (default 5), with autocannon as the load generator (in this process,
 * on the same machine, for both servers). Requests per second and the 99th percentile latency.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { type Shutterlock, positiveInteger, previewsReady, startNginx, startShutterlock, uploadPhoto } from './harness.ts';
import { record } from './summary.ts';

const CONCURRENCY = [1, 8, 64];

interface Load {
  requestsPerSecond: number;
  p99Ms: number;
}

async function load(url: string, connections: number, seconds: number, headers: Record<string, string> = {}): Promise<Load> {
  const result = await autocannon({ url, connections, duration: seconds, headers });
  // A connection cut as the run ends can count as an error; more than that is a failure.
  if (result.non2xx > 0 || result.errors > connections || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts under load.`);
  }
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99 };
}

/** A 12 MP photo-like JPEG (smooth gradients and grain): previews of it are the size of real ones. */
async function samplePhoto(): Promise<Buffer> {
  const width = 4000;
  const height = 3000;
  const grain = await sharp({ create: { width, height, channels: 3, background: { r: 120, g: 140, b: 160 }, noise: { type: 'gaussian', mean: 128, sigma: 24 } } })
    .blur(2)
    .jpeg({ quality: 88 })
    .toBuffer();
  return grain;
}

async function uploadPhotos(server: Shutterlock, count: number): Promise<string[]> {
  const photo = await samplePhoto();
  const ids: string[] = [];
  for (let index = 0; index < count; index++) ids.push(await uploadPhoto(server, photo, `IMG_${String(index).padStart(4, '0')}.jpg`));
  await previewsReady(server, ids);
  return ids;
}

export async function runRequestsBench(opts: { dir: string }): Promise<void> {
  const files = positiveInteger('BENCH_REQUESTS_FILES', 50);
  const seconds = positiveInteger('BENCH_REQUESTS_SECONDS', 5);
  const dir = join(opts.dir, 'requests');
  await mkdir(join(dir, 'nginx', 'www'), { recursive: true });
  const server = await startShutterlock(join(dir, 'shutterlock'), 64);
  try {
    const ids = await uploadPhotos(server, files);
    const auth = { cookie: server.cookie };
    const listingPath = `/api/vault/files?limit=${files}`;
    const listing = Buffer.from(await (await fetch(`${server.url}${listingPath}`, { headers: auth })).arrayBuffer());
    const link = (await server.request('POST', `/api/vault/files/${ids[0]}/download-url`, { variant: 'preview' })).body as { url: string };
    const preview = Buffer.from(await (await fetch(`${server.url}${link.url}`)).arrayBuffer());
    await writeFile(join(dir, 'nginx', 'www', 'listing.json'), listing);
    await writeFile(join(dir, 'nginx', 'www', 'preview.webp'), preview);
    const nginx = await startNginx(join(dir, 'nginx'));
    try {
      const targets = [
        { name: `file listing (${files} files, ${(listing.length / 1024).toFixed(1)} KiB JSON)`, ours: [`${server.url}${listingPath}`, auth] as const, theirs: '/listing.json' },
        { name: `signed preview download (${(preview.length / 1024).toFixed(1)} KiB WebP)`, ours: [`${server.url}${link.url}`, {}] as const, theirs: '/preview.webp' },
      ];
      console.log(`\nsmall requests: autocannon, ${seconds} s per run, keep-alive connections; nginx serves a static file of the same size`);
      const cell = (result: Load | undefined) => (result ? `${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p99 ${String(result.p99Ms).padStart(4)} ms` : '');
      for (const target of targets) {
        console.log(target.name);
        for (const connections of CONCURRENCY) {
          const ours = await load(target.ours[0], connections, seconds, target.ours[1]);
          const theirs = nginx ? await load(`${nginx.url}${target.theirs}`, connections, seconds) : undefined;
          const ratio = theirs ? `${(ours.requestsPerSecond / theirs.requestsPerSecond).toPrecision(2)} ×` : '';
          console.log(`  ${String(connections).padStart(2)} connections  Shutterlock ${cell(ours)}   nginx ${cell(theirs)}   ${ratio}`);
          record({
            measure: `${target.name.split(' (')[0]}, ${connections} conn.`,
            value: `${ours.requestsPerSecond.toFixed(0)} req/s, p99 ${ours.p99Ms} ms`,
            baseline: theirs ? `nginx ${theirs.requestsPerSecond.toFixed(0)} req/s, p99 ${theirs.p99Ms} ms` : '',
            ratio,
            aim: '',
          });
        }
      }
    } finally {
      await nginx?.stop();
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
