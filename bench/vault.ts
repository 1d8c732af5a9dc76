/**
 * The vault through its HTTP API, beside baselines run in the same place:
 *   1. one large file (BENCH_VAULT_MIB, default 1024) uploaded and downloaded through a real
 *      Shutterlock server started as a child process, beside Debian's nginx storing and serving
 *      the same file with WebDAV PUT and GET on loopback; MiB/s both ways, the ratio to nginx,
 *      and the server's peak RSS (VmHWM of the child);
 *   2. BENCH_VAULT_PHOTOS (default 100) generated BENCH_VAULT_PHOTO_MP-megapixel JPEGs (default
 *      24) uploaded one after another, and the time until every preview is ready, beside sharp
 *      making the same previews (server/src/imaging/images.ts) in a bare loop.
 * The large file is a 16-bit RGBA TIFF of noise, so it passes the vault's checks as a photo.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { renderPreviews } from '../server/src/imaging/images.ts';
import { MiB, type Shutterlock, bareNodeRssMiB, download, median, positiveInteger, previewsReady, run, startNginx, startShutterlock, upload, uploadPhoto, writeNoiseTiff } from './harness.ts';
import { record } from './summary.ts';

const RUNS = 3;

export async function runVaultBench(opts: { dir: string }): Promise<void> {
  const sizeMiB = positiveInteger('BENCH_VAULT_MIB', 1024);
  const photos = positiveInteger('BENCH_VAULT_PHOTOS', 100);
  const megapixels = positiveInteger('BENCH_VAULT_PHOTO_MP', 24);
  const dir = join(opts.dir, 'vault');
  await mkdir(dir, { recursive: true });
  const server = await startShutterlock(join(dir, 'shutterlock'), sizeMiB);
  try {
    const file = join(dir, 'large.tif');
    const expected = await writeNoiseTiff(file, sizeMiB);
    await transferBench(server, dir, file, expected, sizeMiB);
    await previewsBench(server, photos, megapixels);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function transferBench(server: Shutterlock, dir: string, file: string, expected: string, sizeMiB: number): Promise<void> {
  const bytes = (await stat(file)).size;
  const mib = bytes / MiB;
  const nginx = await startNginx(join(dir, 'nginx'));
  try {
    const baseline = await server.memory();
    const ours = { up: [] as number[], down: [] as number[] };
    const theirs = { up: [] as number[], down: [] as number[] };
    const transfers = await server.peakDuring(async () => {
      for (let index = 0; index < RUNS; index++) {
        await run('sync');
        const uploaded = await upload(`${server.url}/api/vault/files`, 'POST', file, bytes, { cookie: server.cookie, 'sec-fetch-site': 'same-origin', 'x-file-name': 'large.tif' });
        if (uploaded.status !== 201) throw new Error(`Upload failed: ${uploaded.status} ${uploaded.body}`);
        const fileId = (JSON.parse(uploaded.body) as { file: { id: string } }).file.id;
        const link = (await server.request('POST', `/api/vault/files/${fileId}/download-url`, { variant: 'original' })).body as { url: string };
        const downloaded = await download(`${server.url}${link.url}`);
        if (downloaded.sha256 !== expected) throw new Error('The vault gave back different bytes.');
        ours.up.push(uploaded.seconds);
        ours.down.push(downloaded.seconds);
        await server.request('DELETE', `/api/vault/files/${fileId}`);
        await server.request('POST', '/api/vault/trash/empty');

        if (nginx) {
          await run('sync');
          const put = await upload(`${nginx.url}/large.tif`, 'PUT', file, bytes, {});
          if (put.status !== 201 && put.status !== 204) throw new Error(`nginx PUT failed: ${put.status}`);
          const got = await download(`${nginx.url}/large.tif`);
          if (got.sha256 !== expected) throw new Error('nginx gave back different bytes.');
          theirs.up.push(put.seconds);
          theirs.down.push(got.seconds);
          await rm(join(dir, 'nginx', 'www', 'large.tif'), { force: true });
        }
      }
    });
    const row = (name: string, seconds: number, baselineSeconds: number | undefined) =>
      [
        name.padEnd(22),
        `${seconds.toFixed(2).padStart(7)} s`,
        `${(mib / seconds).toFixed(0).padStart(6)} MiB/s`,
        baselineSeconds === undefined ? '' : `${(baselineSeconds / seconds).toFixed(2).padStart(5)} × nginx`,
      ].join('  ');
    console.log(`\nvault over HTTP: one ${sizeMiB} MiB file, median of ${RUNS} runs, byte-exact both ways`);
    if (nginx) {
      console.log(row('nginx PUT', median(theirs.up), undefined));
      console.log(row('nginx GET', median(theirs.down), undefined));
    }
    console.log(row('Shutterlock upload', median(ours.up), nginx ? median(theirs.up) : undefined));
    console.log(row('Shutterlock download', median(ours.down), nginx ? median(theirs.down) : undefined));
    console.log(`Shutterlock server RSS: ${baseline.rssMiB.toFixed(0)} MiB before the first transfer, peak ${transfers.peakMiB.toFixed(0)} MiB over all of them`);
    const ratio = (baselineSeconds: number, seconds: number) => `${(baselineSeconds / seconds).toFixed(2)} ×`;
    const rate = (seconds: number) => `${(mib / seconds).toFixed(0)} MiB/s`;
    if (nginx) {
      record({ measure: `upload / nginx PUT (${sizeMiB} MiB)`, value: rate(median(ours.up)), baseline: `nginx ${rate(median(theirs.up))}`, ratio: ratio(median(theirs.up), median(ours.up)), aim: '≥ 0.5 ×' });
      record({ measure: `download / nginx GET (${sizeMiB} MiB)`, value: rate(median(ours.down)), baseline: `nginx ${rate(median(theirs.down))}`, ratio: ratio(median(theirs.down), median(ours.down)), aim: '≥ 0.7 ×' });
    }
    const bare = await bareNodeRssMiB();
    record({ measure: 'server RSS at rest after start', value: `${baseline.rssMiB.toFixed(0)} MiB`, baseline: `bare node ${bare.toFixed(0)} MiB`, ratio: `${(baseline.rssMiB / bare).toFixed(2)} ×`, aim: '≤ 100 MiB' });
    record({
      measure: `server peak RSS over the ${sizeMiB} MiB transfers`,
      value: `${transfers.peakMiB.toFixed(0)} MiB`,
      baseline: `at rest ${baseline.rssMiB.toFixed(0)} MiB`,
      ratio: `+${(transfers.peakMiB - baseline.rssMiB).toFixed(0)} MiB`,
      aim: '≤ rest + 64 MiB',
    });
  } finally {
    await nginx?.stop();
  }
}

// ——— Previews of many camera-sized JPEGs ———

/** A photo-like JPEG: smooth colour fields with grain, so it compresses like a real one. */
async function cameraJpeg(megapixels: number, seed: number): Promise<Buffer> {
  const width = Math.round(Math.sqrt((megapixels * 1e6 * 3) / 2));
  const height = Math.round((width * 2) / 3);
  const fields = Buffer.alloc(48 * 32 * 3);
  for (let index = 0; index < fields.length; index++) fields[index] = (Math.sin(index * 12.9898 + seed * 78.233) * 43758.5453 * 255) & 0xff;
  const smooth = await sharp(fields, { raw: { width: 48, height: 32, channels: 3 } }).resize(width, height, { kernel: 'cubic' }).raw().toBuffer();
  const grain = await sharp({ create: { width, height, channels: 3, background: 'grey', noise: { type: 'gaussian', mean: 128, sigma: 10 } } }).raw().toBuffer();
  return sharp(smooth, { raw: { width, height, channels: 3 } })
    .composite([{ input: grain, raw: { width, height, channels: 3 }, blend: 'overlay' }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

async function previewsBench(server: Shutterlock, count: number, megapixels: number): Promise<void> {
  const distinct = await Promise.all(Array.from({ length: Math.min(count, 4) }, (_, seed) => cameraJpeg(megapixels, seed)));
  const photos = Array.from({ length: count }, (_, index) => distinct[index % distinct.length] as Buffer);
  const averageMiB = photos.reduce((sum, photo) => sum + photo.length, 0) / photos.length / MiB;

  const started = performance.now();
  const ids: string[] = [];
  for (const [index, photo] of photos.entries()) ids.push(await uploadPhoto(server, photo, `IMG_${String(index).padStart(4, '0')}.jpg`));
  const uploadedSeconds = (performance.now() - started) / 1000;
  await previewsReady(server, ids);
  const readySeconds = (performance.now() - started) / 1000;
  const memory = await server.memory();

  const bareStarted = performance.now();
  for (const photo of photos) await renderPreviews(photo, 200_000_000, null);
  const bareSeconds = (performance.now() - bareStarted) / 1000;

  console.log(`\npreviews: ${count} JPEGs of ${megapixels} MP (${averageMiB.toFixed(1)} MiB each on average), uploaded one after another`);
  console.log(`${'all uploaded'.padEnd(22)}  ${uploadedSeconds.toFixed(2).padStart(7)} s  ${(count / uploadedSeconds).toFixed(1).padStart(6)} photos/s`);
  console.log(`${'all previews ready'.padEnd(22)}  ${readySeconds.toFixed(2).padStart(7)} s  ${(count / readySeconds).toFixed(1).padStart(6)} photos/s`);
  console.log(`${'sharp, bare loop'.padEnd(22)}  ${bareSeconds.toFixed(2).padStart(7)} s  ${(count / bareSeconds).toFixed(1).padStart(6)} photos/s  (the server takes ${(readySeconds / bareSeconds).toFixed(2)} × as long)`);
  console.log(`Shutterlock server peak RSS so far: ${memory.peakMiB.toFixed(0)} MiB`);
  record({ measure: `server peak RSS, previews of ${megapixels} MP JPEGs`, value: `${memory.peakMiB.toFixed(0)} MiB`, baseline: '', ratio: '', aim: '≤ 400 MiB' });
  record({
    measure: `previews of ${count} × ${megapixels} MP ready / sharp`,
    value: `${readySeconds.toFixed(1)} s`,
    baseline: `sharp, bare loop ${bareSeconds.toFixed(1)} s`,
    ratio: `${(readySeconds / bareSeconds).toFixed(2)} ×`,
    aim: '≤ 1.15 × at 100',
  });
}
