/**
 * What the HTTP benches (vault.ts, deliveries.ts) share: a real Shutterlock server started as a
 * child process with a signed-in photographer and a view of its memory, Debian's nginx as the
 * baseline file server, the HTTP client code used for both, and large files the vault takes as
 * photos.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { writeRandomFile } from './random-file.ts';

export const run = promisify(execFile);
export const MiB = 1024 * 1024;
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const NGINX = '/usr/sbin/nginx';

export function positiveInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? String(fallback));
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, not "${process.env[name]}".`);
  return value;
}

export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}

// ——— The Shutterlock server, as a child process with a signed-in photographer ———

export interface Shutterlock {
  url: string;
  /** The server process, whose children are its decoders (the imaging pool). */
  pid: number;
  cookie: string;
  /** Current and peak resident memory of the server process. */
  memory(): Promise<{ rssMiB: number; peakMiB: number }>;
  /**
   * The server's resident memory over `work`: at its start, and its peak — the kernel's
   * high-water mark, reset at the start (`/proc/<pid>/clear_refs`), or where that is refused,
   * the highest of VmRSS samples taken every 20 ms.
   */
  peakDuring<T>(work: () => Promise<T>): Promise<{ result: T; startMiB: number; peakMiB: number }>;
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

let built: Promise<unknown> | undefined;

/**
 * The node arguments of `npm start` (package.json), so that the server measured runs as it
 * runs in production: the built server (server/dist), built once per bench run from the sources.
 */
async function startCommandArguments(): Promise<string[]> {
  built ??= run('npm', ['run', 'build', '--workspace', 'server', '--silent'], { cwd: repositoryRoot });
  await built;
  const { scripts } = JSON.parse(await readFile(join(repositoryRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = (scripts.start.split('&&').at(-1) ?? '').trim().split(/\s+/);
  if (command !== 'node') throw new Error(`npm start should end with a node command, not "${scripts.start}".`);
  return args;
}

/** SQLite and the local blob store under `dataDir`; uploads up to `maxUploadMiB` (plus room to spare). */
export async function startShutterlock(dataDir: string, maxUploadMiB: number): Promise<Shutterlock> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    SHUTTERLOCK_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    VAULT_MAX_UPLOAD_BYTES: String((maxUploadMiB + 16) * MiB),
  };
  const email = 'bench@example.com';
  await run(process.execPath, ['--experimental-strip-types', join(repositoryRoot, 'server/bin/shutterlock.js'), 'user', 'create', '--email', email, '--role', 'photographer'], { env });
  const child = spawn(process.execPath, await startCommandArguments(), { env, cwd: repositoryRoot, stdio: ['ignore', 'ignore', 'inherit'] });
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
    const peakDuring = async <T>(work: () => Promise<T>) => {
      const reset = await writeFile(`/proc/${child.pid}/clear_refs`, '5').then(() => true, () => false);
      const startMiB = (await memory()).rssMiB;
      let sampledMiB = startMiB;
      const sampler = setInterval(() => {
        memory().then(({ rssMiB }) => (sampledMiB = Math.max(sampledMiB, rssMiB)), () => undefined);
      }, 20);
      try {
        const result = await work();
        const { rssMiB, peakMiB } = await memory();
        return { result, startMiB, peakMiB: reset ? peakMiB : Math.max(sampledMiB, rssMiB) };
      } finally {
        clearInterval(sampler);
      }
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
    return { url, pid: child.pid as number, cookie, memory, peakDuring, request, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const CLOCK_TICKS_PER_SECOND = 100;
const CPU_SAMPLE_MS = 20;

/** utime + stime of /proc/<pid>/stat (fields 14 and 15, every thread) in clock ticks; undefined once the process is gone. */
async function cpuTicks(pid: number | string): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields ? Number(fields[11]) + Number(fields[12]) : undefined;
}

/** The ids of a process and its direct children (nginx's workers, the imaging pool). */
async function withChildren(pid: number): Promise<string[]> {
  const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return [String(pid), ...children.trim().split(/\s+/).filter(Boolean)];
}

/**
 * The CPU milliseconds (user and system) a process and its children used over `work`: a measure
 * the machine's other load bends far less than wall-clock time. Each process is sampled every
 * 20 ms and counted from its first to its last sample, so a child that exits meanwhile adds
 * what it used during `work` (less at most a sample), never its whole life. Linux only; 10 ms ticks.
 */
export async function cpuDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; cpuMs: number }> {
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  let starting = true;
  const sample = async () => {
    for (const id of await withChildren(pid)) {
      const ticks = await cpuTicks(id);
      if (ticks === undefined) continue;
      // A child first seen after the start began meanwhile: all its CPU counts.
      if (!first.has(id)) first.set(id, starting ? ticks : 0);
      last.set(id, ticks);
    }
  };
  await sample();
  starting = false;
  const sampler = setInterval(() => void sample(), CPU_SAMPLE_MS);
  try {
    const result = await work();
    await sample();
    let ticks = 0;
    for (const [id, ticksAtEnd] of last) ticks += ticksAtEnd - (first.get(id) ?? 0);
    return { result, cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND };
  } finally {
    clearInterval(sampler);
  }
}

/** The resident memory of a Node process doing nothing: the floor for the server's. */
export async function bareNodeRssMiB(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10_000)'], { stdio: 'ignore' });
  try {
    await sleep(1000);
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
  } finally {
    child.kill();
  }
}

/** The emailed-code sign-in, reading the code from the development outbox. */
async function signIn(url: string, email: string, outbox: string): Promise<string> {
  const before = new Set(await readdir(outbox).catch(() => [] as string[]));
  const requested = await fetch(`${url}/api/auth/sign-in/code`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email }) });
  if (requested.status !== 202) throw new Error(`Sign-in code request failed: ${requested.status}`);
  // The code is bound to the browser that asked for it (the sl_code nonce cookie).
  const nonce = requested.headers.getSetCookie().map((line) => line.split(';')[0] as string).join('; ');
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const name of await readdir(outbox)) {
      // The outbox writes a hidden temporary file and renames it: only finished messages count.
      if (before.has(name) || !name.endsWith('.eml') || name.startsWith('.')) continue;
      const code = /sign-in code is (\d{6})/.exec(await readFile(join(outbox, name), 'utf8'))?.[1];
      if (!code) continue;
      const verified = await fetch(`${url}/api/auth/sign-in/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', cookie: nonce },
        body: JSON.stringify({ email, code }),
      });
      const session = verified.headers.getSetCookie().find((line) => line.startsWith('sl_session='));
      if (verified.status !== 200 || !session) throw new Error(`Sign-in failed: ${verified.status} ${await verified.text()}`);
      return session.split(';')[0] as string;
    }
    if (Date.now() > deadline) throw new Error('No sign-in code arrived in the outbox.');
    await sleep(50);
  }
}

// ——— Photos through the vault's API ———

/** Uploads a photo (as the web app does) and returns its file id. */
export async function uploadPhoto(server: Shutterlock, photo: Buffer, name: string): Promise<string> {
  const response = await fetch(`${server.url}/api/vault/files`, {
    method: 'POST',
    headers: { cookie: server.cookie, 'sec-fetch-site': 'same-origin', 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) },
    body: photo as unknown as BodyInit,
  });
  if (response.status !== 201) throw new Error(`Photo upload failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { file: { id: string } }).file.id;
}

/** Resolves once every file's previews are ready; throws when one failed. */
export async function previewsReady(server: Shutterlock, ids: string[]): Promise<void> {
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
}

// ——— nginx with WebDAV PUT, in a temporary prefix ———

/** nginx serving `root` (by default `<prefix>/www`), which it may also PUT into. null, with a note, when nginx is not installed. */
export async function startNginx(prefix: string, root = join(prefix, 'www')): Promise<{ url: string; pid: number; stop(): Promise<void> } | null> {
  if (!existsSync(NGINX)) {
    console.log(`nginx: not installed (${NGINX}); skipping the baseline. Install it with: apt-get install -y nginx-light`);
    return null;
  }
  const port = await freePort();
  for (const dir of [root, join(prefix, 'temp')]) await mkdir(dir, { recursive: true });
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
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path ${join(prefix, 'temp')};
  server {
    listen 127.0.0.1:${port};
    root ${root};
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
    pid: child.pid as number,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

// ——— HTTP transfers, the same client code for every server ———

export interface Transfer {
  seconds: number;
  sha256: string;
  /** Bytes received, and what Content-Length announced (NaN without one). */
  bytes: number;
  contentLength: number;
}

export function upload(url: string, method: 'POST' | 'PUT', file: string, size: number, headers: Record<string, string>): Promise<{ seconds: number; status: number; body: string }> {
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

/** GETs `url`, hashing the body and dropping it. */
export function download(url: string, headers: Record<string, string> = {}): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    http
      .get(url, { headers }, (response) => {
        if (response.statusCode !== 200) return reject(new Error(`GET ${url} answered ${response.statusCode}`));
        const hash = createHash('sha256');
        let bytes = 0;
        response.on('data', (piece: Buffer) => {
          hash.update(piece);
          bytes += piece.length;
        });
        response.on('end', () =>
          resolve({ seconds: (performance.now() - started) / 1000, sha256: hash.digest('hex'), bytes, contentLength: Number(response.headers['content-length'] ?? Number.NaN) }),
        );
        response.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Noise as a 16-bit RGBA TIFF (8192 px wide, 8 bytes a pixel), its one directory first: a photo to the vault. Returns its SHA-256. */
export async function writeNoiseTiff(path: string, sizeMiB: number): Promise<string> {
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

  return writeRandomFile(path, width * height * 8, header);
}
