/**
 * A public portfolio page under load: a collection of BENCH_PORTFOLIO_PHOTOS published photos
 * (default 60) rendered by the server (GET /p/{slug}/{collection}: three queries, the HTML, and
 * the page view counted), beside Debian's nginx serving the same HTML as a static file. Each at
 * 1, 8 and 64 keep-alive connections for BENCH_PORTFOLIO_SECONDS (default 5), autocannon in
 * this process; requests per second and the 95th percentile latency (from every response time).
 * The visitor sends a browser's user agent, so every request also counts a page view.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import autocannon from 'autocannon';
import sharp from 'sharp';
import { positiveInteger, startNginx, startShutterlock, uploadPhoto } from './harness.ts';
import { record } from './summary.ts';

const CONCURRENCY = [1, 8, 64];
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36';

interface Load {
  requestsPerSecond: number;
  p95Ms: number;
}

function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

async function load(url: string, connections: number, seconds: number): Promise<Load> {
  const times: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds, headers: { accept: 'text/html', 'user-agent': BROWSER } }, (error, done) => (error ? reject(error) : resolve(done)));
    instance.on('response', (_client, _status, _bytes, responseTime) => times.push(responseTime));
  });
  if (result.non2xx > 0 || result.errors > connections || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts under load.`);
  }
  times.sort((a, b) => a - b);
  return { requestsPerSecond: result.requests.average, p95Ms: Math.round(percentile(times, 0.95) * 10) / 10 };
}

export async function runPortfolioBench(opts: { dir: string }): Promise<void> {
  const photos = positiveInteger('BENCH_PORTFOLIO_PHOTOS', 60);
  const seconds = positiveInteger('BENCH_PORTFOLIO_SECONDS', 5);
  const dir = join(opts.dir, 'portfolio');
  await mkdir(join(dir, 'nginx', 'www'), { recursive: true });
  const server = await startShutterlock(join(dir, 'shutterlock'), 64);
  try {
    const sample = await sharp({ create: { width: 1600, height: 1067, channels: 3, background: { r: 120, g: 140, b: 160 }, noise: { type: 'gaussian', mean: 128, sigma: 20 } } })
      .jpeg({ quality: 80 })
      .toBuffer();
    const fileIds: string[] = [];
    for (let index = 0; index < photos; index++) fileIds.push(await uploadPhoto(server, sample, `IMG_${String(index).padStart(4, '0')}.jpg`));
    const profile = await server.request('PUT', '/api/portfolio/profile', { slug: 'bench', displayName: 'Bench Photographer', bio: 'Sixty photos.' });
    if (profile.status !== 200) throw new Error(`portfolio profile: ${profile.status} ${JSON.stringify(profile.body)}`);
    const created = await server.request('POST', '/api/portfolio/collections', { title: 'Sixty' });
    const collection = (created.body as { collection: { id: string; slug: string } }).collection;
    const published = await server.request('POST', `/api/portfolio/collections/${collection.id}/photos`, { fileIds });
    if (published.status !== 200) throw new Error(`publish: ${published.status} ${JSON.stringify(published.body)}`);
    const pagePath = `/p/bench/${collection.slug}`;
    const html = await (await fetch(`${server.url}${pagePath}`, { headers: { accept: 'text/html' } })).text();
    await writeFile(join(dir, 'nginx', 'www', 'collection.html'), html);
    const nginx = await startNginx(join(dir, 'nginx'));
    try {
      const name = `portfolio collection page (${photos} photos, ${(Buffer.byteLength(html) / 1024).toFixed(1)} KiB HTML)`;
      console.log(`\n${name}: autocannon, ${seconds} s per run, keep-alive connections; nginx serves the same HTML as a static file`);
      const cell = (result: Load | undefined) => (result ? `${result.requestsPerSecond.toFixed(0).padStart(6)} req/s  p95 ${String(result.p95Ms).padStart(5)} ms` : '');
      for (const connections of CONCURRENCY) {
        const ours = await load(`${server.url}${pagePath}`, connections, seconds);
        const theirs = nginx ? await load(`${nginx.url}/collection.html`, connections, seconds) : undefined;
        const ratio = theirs ? `${(ours.requestsPerSecond / theirs.requestsPerSecond).toPrecision(2)} ×` : '';
        console.log(`  ${String(connections).padStart(2)} connections  Shutterlock ${cell(ours)}   nginx ${cell(theirs)}   ${ratio}`);
        record({
          measure: `portfolio page (${photos} photos), ${connections} conn.`,
          value: `${ours.requestsPerSecond.toFixed(0)} req/s, p95 ${ours.p95Ms} ms`,
          baseline: theirs ? `nginx ${theirs.requestsPerSecond.toFixed(0)} req/s, p95 ${theirs.p95Ms} ms` : '',
          ratio,
          aim: '',
        });
      }
    } finally {
      await nginx?.stop();
    }
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
