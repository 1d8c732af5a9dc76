/**
 * Resumable (tus) uploads through a real Shutterlock server started as a child process:
 *   1. one large file (BENCH_RESUMABLE_MIB, default 1024) uploaded through tus (creation, then
 *      one PATCH of the whole file) beside today's single-request upload and Debian's nginx
 *      storing the same file with WebDAV PUT on loopback; MiB/s and the ratios;
 *   2. the same file again through tus with the connection killed at 50 %: how many bytes the
 *      server kept, how many the client sent in vain (re-sent after resuming), and that the
 *      resumed upload gives back the file byte-exact.
 * The file is a 16-bit RGBA TIFF of noise, so it passes the vault's checks as a photo.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { MiB, type Shutterlock, download, median, positiveInteger, run, startNginx, startShutterlock, upload, writeNoiseTiff } from './harness.ts';
import { record } from './summary.ts';

const TUS = { 'tus-resumable': '1.0.0' };

export async function runResumableBench(opts: { dir: string }): Promise<void> {
  const sizeMiB = positiveInteger('BENCH_RESUMABLE_MIB', 1024);
  const runs = positiveInteger('BENCH_RESUMABLE_RUNS', 3);
  const dir = join(opts.dir, 'resumable');
  await mkdir(dir, { recursive: true });
  const server = await startShutterlock(join(dir, 'shutterlock'), sizeMiB);
  const nginx = await startNginx(join(dir, 'nginx'));
  try {
    const file = join(dir, 'large.tif');
    const expected = await writeNoiseTiff(file, sizeMiB);
    const bytes = (await stat(file)).size;
    const mib = bytes / MiB;
    const headers = { cookie: server.cookie, 'sec-fetch-site': 'same-origin' };
    const times = { tus: [] as number[], single: [] as number[], nginx: [] as number[] };
    for (let index = 0; index < runs; index++) {
      await run('sync');
      const started = performance.now();
      const location = await createUpload(server, bytes, 'large.tif');
      const patched = await patch(`${server.url}${location}`, file, 0, bytes, headers);
      if (patched.status !== 204 || !patched.fileId) throw new Error(`tus upload failed: ${patched.status}`);
      times.tus.push((performance.now() - started) / 1000);
      await verifyAndDelete(server, patched.fileId, expected);

      await run('sync');
      const single = await upload(`${server.url}/api/vault/files`, 'POST', file, bytes, { ...headers, 'x-file-name': 'large.tif' });
      if (single.status !== 201) throw new Error(`Upload failed: ${single.status} ${single.body}`);
      times.single.push(single.seconds);
      await verifyAndDelete(server, (JSON.parse(single.body) as { file: { id: string } }).file.id, expected);

      if (nginx) {
        await run('sync');
        const put = await upload(`${nginx.url}/large.tif`, 'PUT', file, bytes, {});
        if (put.status !== 201 && put.status !== 204) throw new Error(`nginx PUT failed: ${put.status}`);
        times.nginx.push(put.seconds);
        await rm(join(dir, 'nginx', 'www', 'large.tif'), { force: true });
      }
    }
    const rate = (seconds: number) => `${(mib / seconds).toFixed(0)} MiB/s`;
    const row = (name: string, seconds: number, against: string) => `${name.padEnd(26)}  ${seconds.toFixed(2).padStart(7)} s  ${rate(seconds).padStart(11)}  ${against}`;
    const tus = median(times.tus);
    const single = median(times.single);
    console.log(`\nresumable uploads: one ${sizeMiB} MiB file, median of ${runs} runs, byte-exact`);
    if (nginx) console.log(row('nginx PUT', median(times.nginx), ''));
    console.log(row('single request (POST)', single, nginx ? `${(median(times.nginx) / single).toFixed(2)} × nginx` : ''));
    console.log(row('tus (POST + PATCH)', tus, `${(single / tus).toFixed(2)} × single request${nginx ? `  ${(median(times.nginx) / tus).toFixed(2)} × nginx` : ''}`));
    record({ measure: `tus upload / single request (${sizeMiB} MiB)`, value: rate(tus), baseline: `single ${rate(single)}`, ratio: `${(single / tus).toFixed(2)} ×`, aim: '≥ 0.5 ×' });
    if (nginx) record({ measure: `tus upload / nginx PUT (${sizeMiB} MiB)`, value: rate(tus), baseline: `nginx ${rate(median(times.nginx))}`, ratio: `${(median(times.nginx) / tus).toFixed(2)} ×`, aim: '≥ 0.3 ×' });

    await resumeBench(server, file, bytes, expected, headers);
  } finally {
    await nginx?.stop();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function resumeBench(server: Shutterlock, file: string, bytes: number, expected: string, headers: Record<string, string>): Promise<void> {
  const location = await createUpload(server, bytes, 'resumed.tif');
  const url = `${server.url}${location}`;
  const sentBeforeCut = await patchUntilCut(url, file, bytes, Math.floor(bytes / 2), headers);
  // The server commits what it received once it sees the cut.
  let kept = 0;
  for (let tries = 0; tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const head = await request('HEAD', url, headers);
    kept = Number(head.headers['upload-offset']);
    const again = await request('PATCH', url, { ...headers, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(kept), 'content-length': '0' });
    if (again.status === 204) break;
  }
  const resent = Math.max(0, sentBeforeCut - kept);
  const started = performance.now();
  const finished = await patch(url, file, kept, bytes, headers);
  if (finished.status !== 204 || !finished.fileId) throw new Error(`The resumed upload failed: ${finished.status}`);
  const seconds = (performance.now() - started) / 1000;
  await verifyAndDelete(server, finished.fileId, expected);
  const kib = (value: number) => `${(value / 1024).toFixed(1)} KiB`;
  console.log(`\nresume after the connection is killed at 50 % (${(bytes / MiB).toFixed(0)} MiB file)`);
  console.log(`sent before the cut ${kib(sentBeforeCut)}, kept by the server ${kib(kept)}, re-sent ${kib(resent)} (${((resent / bytes) * 100).toFixed(3)} % of the file); the rest in ${seconds.toFixed(2)} s, byte-exact`);
  record({ measure: 'tus resume after a cut at 50 %: bytes re-sent', value: kib(resent), baseline: `file ${(bytes / MiB).toFixed(0)} MiB`, ratio: `${((resent / bytes) * 100).toFixed(3)} %`, aim: '≤ 1 %' });
}

async function createUpload(server: Shutterlock, length: number, name: string): Promise<string> {
  const answer = await request('POST', `${server.url}/api/vault/uploads`, {
    cookie: server.cookie,
    'sec-fetch-site': 'same-origin',
    'upload-length': String(length),
    'upload-metadata': `filename ${Buffer.from(name).toString('base64')}`,
  });
  const location = answer.headers.location;
  if (answer.status !== 201 || typeof location !== 'string') throw new Error(`tus creation failed: ${answer.status}`);
  return location;
}

async function verifyAndDelete(server: Shutterlock, fileId: string, expected: string): Promise<void> {
  const link = (await server.request('POST', `/api/vault/files/${fileId}/download-url`, { variant: 'original' })).body as { url: string };
  const downloaded = await download(`${server.url}${link.url}`);
  if (downloaded.sha256 !== expected) throw new Error('The vault gave back different bytes.');
  await server.request('DELETE', `/api/vault/files/${fileId}`);
  await server.request('POST', '/api/vault/trash/empty');
}

function request(method: string, url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const sent = http.request(url, { method, headers: { ...TUS, ...headers } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

/** PATCHes bytes start..end of the file; the stored file's id comes back when it completes the upload. */
function patch(url: string, file: string, start: number, end: number, headers: Record<string, string>): Promise<{ status: number; fileId: string | undefined }> {
  return new Promise((resolve, reject) => {
    const sent = http.request(
      url,
      { method: 'PATCH', headers: { ...TUS, ...headers, 'content-type': 'application/offset+octet-stream', 'upload-offset': String(start), 'content-length': String(end - start) } },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, fileId: response.headers['upload-file-id'] as string | undefined }));
      },
    );
    sent.on('error', reject);
    createReadStream(file, { start, end: end - 1, highWaterMark: MiB }).pipe(sent);
  });
}

/** PATCHes the whole file but destroys the connection once `cutAt` bytes were written; returns how many were written. */
function patchUntilCut(url: string, file: string, size: number, cutAt: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    let written = 0;
    const sent = http.request(url, { method: 'PATCH', headers: { ...TUS, ...headers, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0', 'content-length': String(size) } });
    sent.on('error', () => undefined);
    const source = createReadStream(file, { highWaterMark: 64 * 1024 });
    source.on('data', (piece) => {
      const ok = sent.write(piece);
      written += piece.length;
      if (written >= cutAt) {
        source.destroy();
        sent.destroy();
        resolve(written);
      } else if (!ok) {
        source.pause();
        sent.once('drain', () => source.resume());
      }
    });
  });
}
