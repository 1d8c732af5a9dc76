/**
 * The vault through its HTTP API, beside baselines run in the same place:
 *   1. one large file (BENCH_VAULT_MIB, default 1024) uploaded and downloaded through a real
 *      Shutterlock server started as a child process, beside Debian's nginx storing and serving
 *      the same file with WebDAV PUT and GET on loopback; MiB/s both ways, the ratio to nginx,
 *      and the server's peak RSS (VmHWM of the child);
 *   2. BENCH_VAULT_PHOTOS (default 100) generated BENCH_VAULT_PHOTO_MP-megapixel JPEGs (default
 *      24) uploaded one after another, and the time until every preview is ready, beside sharp
 *      making the same previews (server/src/vault/images.ts) in a bare loop.
 * The large file is a 16-bit RGBA TIFF of noise, so it passes the vault's checks as a photo.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { renderPreviews } from '../server/src/vault/images.ts';

const run = promisify(execFile);
const MiB = 1024 * 1024;
const RUNS = 3;
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const NGINX = '/usr/sbin/nginx';

interface Transfer {
  seconds: number;
  sha256: string;
}

function positiveInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? String(fallback));
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not "${process.env[name]}".`);
  return value;
}

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

// ——— The Shutterlock server, as a child process with a signed-in photographer ———

interface Shutterlock {
  url: string;
  cookie: string;
  /** Current and peak resident memory of the server process. */
  memory(): Promise<{ rssMiB: number; peakMiB: number }>;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function waitForHttp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${url} exited with ${child.exitCode} before answering.`);
    const answered = await fetch(url).then((response) => response.status < 500, () => false);
    if (answered) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within a minute.`);
    await sleep(100);
  }
}

async function startShutterlock(dataDir: string, sizeMiB: number): Promise<Shutterlock> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    SHUTTERLOCK_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    VAULT_MAX_UPLOAD_BYTES: String((sizeMiB + 16) * MiB),
  };
  const email = 'bench@example.com';
  await run(process.execPath, ['--experimental-strip-types', join(repositoryRoot, 'server/bin/shutterlock.js'), 'user', 'create', '--email', email, '--role', 'photographer'], { env });
  const child = spawn(process.execPath, ['--experimental-strip-types', join(repositoryRoot, 'server/src/main.ts')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  };
  try {
    await waitForHttp(`${url}/healthz`, child);
    const cookie = await signIn(url, email, join(dataDir, 'outbox'));
    const memory = async () => {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024;
      return { rssMiB: field('VmRSS'), peakMiB: field('VmHWM') };
    };
    const request = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { cookie, 'sec-fetch-site': 'same-origin', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as unknown) : null };
    };
    return { url, cookie, memory, request, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The emailed-code sign-in, reading the code from the development outbox. */
async function signIn(url: string, email: string, outbox: string): Promise<string> {
  const before = new Set(await readdir(outbox).catch(() => [] as string[]));
  const requested = await fetch(`${url}/api/auth/sign-in/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  if (requested.status !== 202) throw new Error(`Sign-in code request failed: ${requested.status}`);
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const name of await readdir(outbox)) {
      if (before.has(name)) continue;
      const code = /sign-in code is (\d{6})/.exec(await readFile(join(outbox, name), 'utf8'))?.[1];
      if (!code) continue;
      const verified = await fetch(`${url}/api/auth/sign-in/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, code }) });
      const session = verified.headers.getSetCookie().find((line) => line.startsWith('sl_session='));
      if (verified.status !== 200 || !session) throw new Error(`Sign-in failed: ${verified.status}`);
      return session.split(';')[0] as string;
    }
    if (Date.now() > deadline) throw new Error('No sign-in code arrived in the outbox.');
    await sleep(50);
  }
}

// ——— nginx with WebDAV PUT, in a temporary prefix ———

async function startNginx(prefix: string): Promise<{ url: string; stop(): Promise<void> } | null> {
  if (!existsSync(NGINX)) {
    console.log(`nginx: not installed (${NGINX}); skipping the baseline. Install it with: apt-get install -y nginx-light`);
    return null;
  }
  const port = await freePort();
  for (const sub of ['www', 'temp']) await mkdir(join(prefix, sub), { recursive: true });
  // Started as root, nginx hands requests to workers running as nobody, who could not reach a
  // private temporary directory: keep them as the user running the bench.
  const user = process.getuid?.() === 0 ? 'user root;' : '';
  await writeFile(
    join(prefix, 'nginx.conf'),
    `daemon off;
${user}
worker_processes 1;
error_log ${join(prefix, 'error.log')} warn;
pid ${join(prefix, 'nginx.pid')};
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path ${join(prefix, 'temp')};
  server {
    listen 127.0.0.1:${port};
    root ${join(prefix, 'www')};
    location / {
      dav_methods PUT;
      client_max_body_size 0;
      create_full_put_path on;
    }
  }
}
`,
  );
  const child = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/`, child);
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

// ——— HTTP transfers, the same client code for both servers ———

function upload(url: string, method: 'POST' | 'PUT', file: string, size: number, headers: Record<string, string>): Promise<{ seconds: number; status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = http.request(url, { method, headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(size) } }, (response) => {
      const pieces: Buffer[] = [];
      response.on('data', (piece: Buffer) => pieces.push(piece));
      response.on('end', () => resolve({ seconds: (performance.now() - started) / 1000, status: response.statusCode ?? 0, body: Buffer.concat(pieces).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    createReadStream(file, { highWaterMark: MiB }).pipe(request);
  });
}

function download(url: string): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(url, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`GET ${url} answered ${response.statusCode}`));
        const hash = createHash('sha256');
        response.on('data', (piece: Buffer) => hash.update(piece));
        response.on('end', () => resolve({ seconds: (performance.now() - started) / 1000, sha256: hash.digest('hex') }));
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Noise as a 16-bit RGBA TIFF (8192 px wide, 8 bytes a pixel), its one directory first: a photo to the vault. */
async function writeNoiseTiff(path: string, sizeMiB: number): Promise<string> {
  const width = 8192;
  const height = (sizeMiB * MiB) / (width * 8);
  const entries: Array<[tag: number, type: number, count: number, value: number]> = [
    [256, 4, 1, width],
    [257, 4, 1, height],
    [258, 3, 4, 0], // BitsPerSample, out of line: 16,16,16,16
    [259, 3, 1, 1],
    [262, 3, 1, 2],
    [273, 4, 1, 0], // StripOffsets, set below
    [277, 3, 1, 4],
    [278, 4, 1, height],
    [279, 4, 1, width * height * 8],
    [284, 3, 1, 1],
    [338, 3, 1, 2],
  ];
  const directorySize = 2 + entries.length * 12 + 4;
  const bitsAt = 8 + directorySize;
  const pixelsAt = bitsAt + 8;
  const header = Buffer.alloc(pixelsAt);
  header.write('II', 0, 'latin1');
  header.writeUInt16LE(42, 2);
  header.writeUInt32LE(8, 4);
  header.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], index) => {
    const at = 10 + index * 12;
    header.writeUInt16LE(tag, at);
    header.writeUInt16LE(type, at + 2);
    header.writeUInt32LE(count, at + 4);
    const stored = tag === 258 ? bitsAt : tag === 273 ? pixelsAt : value;
    if (type === 3 && count === 1) header.writeUInt16LE(stored, at + 8);
    else header.writeUInt32LE(stored, at + 8);
  });
  for (let sample = 0; sample < 4; sample++) header.writeUInt16LE(16, bitsAt + sample * 2);

  const hash = createHash('sha256').update(header);
  const file = await open(path, 'w');
  try {
    await file.write(header);
    const block = Buffer.allocUnsafe(8 * MiB);
    for (let written = 0; written < width * height * 8; written += block.length) {
      randomFillSync(block);
      hash.update(block);
      await file.write(block);
    }
  } finally {
    await file.close();
  }
  return hash.digest('hex');
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}

async function transferBench(server: Shutterlock, dir: string, file: string, expected: string, sizeMiB: number): Promise<void> {
  const bytes = (await stat(file)).size;
  const mib = bytes / MiB;
  const nginx = await startNginx(join(dir, 'nginx'));
  try {
    const baseline = await server.memory();
    const ours = { up: [] as number[], down: [] as number[] };
    const theirs = { up: [] as number[], down: [] as number[] };
    for (let index = 0; index < RUNS; index++) {
      await run('sync');
      const uploaded = await upload(`${server.url}/api/vault/files?name=large.tif`, 'POST', file, bytes, { cookie: server.cookie, 'sec-fetch-site': 'same-origin' });
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
    const memory = await server.memory();
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
    console.log(`Shutterlock server RSS: ${baseline.rssMiB.toFixed(0)} MiB before the first transfer, peak ${memory.peakMiB.toFixed(0)} MiB over all of them`);
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
  for (const [index, photo] of photos.entries()) {
    const response = await fetch(`${server.url}/api/vault/files?name=IMG_${String(index).padStart(4, '0')}.jpg`, {
      method: 'POST',
      headers: { cookie: server.cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/octet-stream' },
      body: photo as unknown as BodyInit,
    });
    if (response.status !== 201) throw new Error(`Photo upload failed: ${response.status} ${await response.text()}`);
    ids.push(((await response.json()) as { file: { id: string } }).file.id);
  }
  const uploadedSeconds = (performance.now() - started) / 1000;
  const pending = new Set(ids);
  while (pending.size > 0) {
    for (const id of [...pending]) {
      const { body } = await server.request('GET', `/api/vault/files/${id}`);
      const status = (body as { file: { status: string } }).file.status;
      if (status === 'failed') throw new Error(`Previews failed for ${id}.`);
      if (status === 'ready') pending.delete(id);
    }
    if (pending.size > 0) await sleep(100);
  }
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
}
