/**
 * A real fleet for the cluster suite (cluster/*.test.ts, `npm run test:cluster`): N server
 * processes (`node server/src/main.ts`, as deployed, each with its own data directory) on
 * random loopback ports, one fresh PostgreSQL database, Redis, the S3 service of
 * ../shared/services/s3-swift.sh (through server/test/s3-service.ts, as the server suite
 * starts it), and Debian's nginx round-robin in front — all started here and stopped after.
 * Everything a client does goes through the balancer; the test process also opens a control
 * runtime on the same database and bucket, to create accounts and look at rows and blobs.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../server/src/config.ts';
import { createLogger } from '../server/src/logger.ts';
import { type Runtime, openRuntime } from '../server/src/runtime.ts';
import type { TestServer } from '../server/test/harness.ts';
import { type S3TestService, type S3TestSettings, readS3TestSettings, startS3ForTests } from '../server/test/s3-service.ts';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const serverMain = path.join(repoRoot, 'server', 'src', 'main.ts');
const cliMain = path.join(repoRoot, 'server', 'bin', 'shutterlock.js');
export const nginxBinary = process.env.NGINX ?? '/usr/sbin/nginx';
export const postgresAdminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const redisUrlBase = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Why the cluster suite cannot run here (a missing service), or null when it can. S3 is checked when it starts. */
export async function missingPrerequisite(): Promise<string | null> {
  if (!existsSync(nginxBinary)) return `nginx is not installed at ${nginxBinary}`;
  const redis = new URL(redisUrlBase);
  if (!(await reachable(redis.hostname, Number(redis.port || 6379)))) return `Redis is not reachable at ${redisUrlBase}`;
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch {
    return `PostgreSQL is not reachable at ${postgresAdminUrl}`;
  } finally {
    await client.end().catch(() => undefined);
  }
  return null;
}

/** A 32-byte master key entry for SHUTTERLOCK_MASTER_KEYS. */
export function masterKey(id: string): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

// ——— One server process ———

export class Instance {
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  env: Record<string, string>;
  child: ChildProcess | undefined;
  exited: Promise<number | null> = Promise.resolve(null);
  #log: fs.FileHandle | undefined;

  constructor(name: string, port: number, dataDir: string, env: Record<string, string>) {
    this.name = name;
    this.port = port;
    this.dataDir = dataDir;
    this.env = env;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    await this.#log?.close().catch(() => undefined);
    this.#log = await fs.open(path.join(this.dataDir, `${this.name}.log`), 'a');
    const child = spawn(process.execPath, ['--max-semi-space-size=1', serverMain], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.env, PORT: String(this.port), SHUTTERLOCK_DATA_DIR: this.dataDir },
      stdio: ['ignore', this.#log.fd, this.#log.fd],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await this.waitReady();
  }

  async waitReady(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited while starting:\n${await this.logText()}`);
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${this.name} not ready within ${timeoutMs} ms:\n${await this.logText()}`);
      await sleep(100);
    }
  }

  async logText(): Promise<string> {
    return fs.readFile(path.join(this.dataDir, `${this.name}.log`), 'utf8').catch(() => '');
  }

  /** SIGKILL: no shutdown at all, as a crash or an OOM kill. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, and the exit code once the graceful shutdown finished. */
  async terminate(): Promise<number | null> {
    this.child?.kill('SIGTERM');
    return this.exited;
  }

  async closeLog(): Promise<void> {
    await this.#log?.close().catch(() => undefined);
    this.#log = undefined;
  }

  async restart(): Promise<void> {
    if (this.running) await this.terminate();
    await this.start();
  }
}

// ——— The balancer ———

/**
 * nginx as docs/operations.md and deploy/nginx/shutterlock.conf configure it (without TLS here):
 * round robin, upload bodies streamed to the instance (no request buffering), responses not
 * buffered (ZIPs stream), long timeouts, a refused connection retried on the next instance.
 * `X-Upstream` tells the test which instance answered.
 */
/** nginx's fail_timeout for each instance: how long one that refused a connection (killed, restarting) is skipped. */
const FAIL_TIMEOUT_SECONDS = 2;

export class Balancer {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | undefined;
  #upstreams: readonly Instance[] = [];
  readonly #down = new Set<Instance>();

  constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** What nginx logged (warnings and errors): why a request it answered 502 failed upstream. */
  async errors(): Promise<string> {
    return fs.readFile(path.join(this.dir, 'error.log'), 'utf8').catch(() => '');
  }

  config(upstreams: readonly Instance[], down: ReadonlySet<Instance> = new Set()): string {
    const temp = (name: string) => path.join(this.dir, name);
    return `worker_processes 1;
daemon off;
pid ${temp('nginx.pid')};
error_log ${temp('error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${temp('body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};
  upstream shutterlock {
${upstreams.map((instance) => `    server 127.0.0.1:${instance.port} max_fails=1 fail_timeout=${FAIL_TIMEOUT_SECONDS}s${down.has(instance) ? ' down' : ''};`).join('\n')}
  }
  server {
    listen 127.0.0.1:${this.port};
    client_max_body_size 0;
    proxy_request_buffering off;
    proxy_buffering off;
    proxy_http_version 1.1;
    proxy_connect_timeout 5s;
    proxy_send_timeout 3600s;
    proxy_read_timeout 3600s;
    proxy_next_upstream error timeout;
    proxy_next_upstream_tries 2;
    add_header X-Upstream $upstream_addr always;
    location / {
      proxy_pass http://shutterlock;
      proxy_set_header Host $http_host;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`;
  }

  async start(upstreams: readonly Instance[]): Promise<void> {
    this.#upstreams = upstreams;
    const file = path.join(this.dir, 'nginx.conf');
    await fs.writeFile(file, this.config(upstreams));
    await execFileAsync(nginxBinary, ['-t', '-q', '-p', this.dir, '-e', path.join(this.dir, 'error.log'), '-c', file]);
    this.#child = spawn(nginxBinary, ['-p', this.dir, '-e', path.join(this.dir, 'error.log'), '-c', file], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await reachable('127.0.0.1', this.port))) {
      if (Date.now() > deadline) throw new Error(`nginx did not start: ${await fs.readFile(path.join(this.dir, 'error.log'), 'utf8').catch(() => '')}`);
      await sleep(50);
    }
  }

  /**
   * Takes an instance out of rotation (`down`) or puts it back, with a graceful reload (nginx's
   * old worker finishes the requests it holds), and returns once nginx routes by the new list:
   * what a balancer that polls /readyz does by itself, and what docs/operations.md asks of an
   * operator before a restart behind nginx.
   */
  async setDown(instance: Instance, down: boolean): Promise<void> {
    if (down) this.#down.add(instance);
    else this.#down.delete(instance);
    const file = path.join(this.dir, 'nginx.conf');
    await fs.writeFile(file, this.config(this.#upstreams, this.#down));
    this.#child?.kill('SIGHUP');
    // Reloaded once the answers show it: eight in a row from the others when an instance left,
    // one from it when it came back (round robin over two or more).
    const own = `127.0.0.1:${instance.port}`;
    const deadline = Date.now() + 10_000;
    for (let others = 0; down ? others < 8 : true; ) {
      if (Date.now() > deadline) throw new Error(`nginx did not reload within 10 s: ${await this.errors()}`);
      // A kept-alive connection to the old worker may be closed under the probe: probe again.
      const response = await fetch(`${this.url}/readyz`).catch(() => undefined);
      await response?.arrayBuffer().catch(() => undefined);
      if (response === undefined) continue;
      const answeredBy = (response.headers.get('x-upstream') ?? '').split(',').pop()?.trim();
      if (!down && answeredBy === own) return;
      others = answeredBy === own ? 0 : others + 1;
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGQUIT');
    await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
  }
}

// ——— The whole fleet ———

export interface Cluster {
  readonly url: string;
  readonly instances: Instance[];
  readonly balancer: Balancer;
  /** The test's own runtime over the fleet's database and bucket. */
  readonly control: Runtime;
  readonly s3: S3TestSettings;
  /** The balancer as a TestServer, for server/test's helpers (accounts, vault, deliveries). */
  readonly server: TestServer;
  /** Runs `shutterlock <args>` against the fleet's database and bucket, with the given master keys. */
  cli(args: string[], masterKeys: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** The instance an answer came from (nginx's X-Upstream). */
  instanceOf(response: { headers: Headers }): Instance | undefined;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  instances?: number;
  masterKeys: string;
  env?: Record<string, string>;
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Starts S3 (null when there is none here, after a notice), a database, the instances and the balancer. */
export async function startCluster(options: ClusterOptions): Promise<Cluster | null> {
  const s3Service: S3TestService | null = await startS3ForTests();
  const s3 = s3Service ? readS3TestSettings(s3Service.env) : null;
  if (!s3Service || !s3) return null;
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'shutterlock-cluster-'));
  const databaseName = `shutterlock_cluster_${randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${databaseName}`));
  const databaseUrl = new URL(postgresAdminUrl);
  databaseUrl.pathname = `/${databaseName}`;
  // A database of its own (and keys that are unique per run anyway), so no other suite's counts meet ours.
  const redisUrl = new URL(redisUrlBase);
  redisUrl.pathname = '/7';
  const balancer = new Balancer(await freePort(), path.join(root, 'nginx'));
  await fs.mkdir(balancer.dir);
  const shared: Record<string, string> = {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PUBLIC_URL: balancer.url,
    TRUST_PROXY: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redisUrl.toString(),
    STORAGE_BACKEND: 's3',
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_BUCKET: s3.bucket,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: String(s3.forcePathStyle),
    S3_PREFIX: `cluster-${randomBytes(4).toString('hex')}/`,
    SHUTTERLOCK_MASTER_KEYS: options.masterKeys,
    IMAGING_POOL_SIZE: '1',
    IMAGING_THREADS: '1',
    VAULT_JOB_CONCURRENCY: '1',
    ...options.env,
  };
  const instances: Instance[] = [];
  for (let index = 0; index < (options.instances ?? 2); index++) {
    const dataDir = path.join(root, `instance-${index + 1}`);
    await fs.mkdir(dataDir);
    instances.push(new Instance(`instance-${index + 1}`, await freePort(), dataDir, shared));
  }
  const stopAll = async () => {
    await balancer.stop();
    await Promise.all(instances.map((instance) => (instance.running ? instance.kill() : undefined)));
    await Promise.all(instances.map((instance) => instance.closeLog()));
    await withAdmin((client) => client.query(`drop database if exists ${databaseName} with (force)`)).catch(() => undefined);
    await s3Service.stop();
    await fs.rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  };
  let control: Runtime | undefined;
  try {
    // All at once: migrations must be safe when several instances start together.
    await Promise.all(instances.map((instance) => instance.start()));
    await balancer.start(instances);
    control = await openRuntime(loadConfig({ ...shared, SHUTTERLOCK_DATA_DIR: path.join(root, 'control'), PORT: '0' }), createLogger('silent'), { migrate: false });
  } catch (error) {
    await stopAll();
    throw error;
  }
  const runtime = control;
  const outbox = async (): Promise<string[]> => {
    const files: Array<{ name: string; file: string }> = [];
    for (const instance of instances) {
      const dir = path.join(instance.dataDir, 'outbox');
      for (const name of await fs.readdir(dir).catch(() => [] as string[])) if (name.endsWith('.eml')) files.push({ name, file: path.join(dir, name) });
    }
    files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return Promise.all(files.map(({ file }) => fs.readFile(file, 'utf8')));
  };
  const server = { url: balancer.url, runtime, dataDir: root, outbox, app: undefined, close: async () => undefined } as unknown as TestServer;
  return {
    url: balancer.url,
    instances,
    balancer,
    control: runtime,
    s3,
    server,
    async cli(args, masterKeys) {
      try {
        const { stdout, stderr } = await execFileAsync(process.execPath, [cliMain, ...args], {
          cwd: repoRoot,
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...shared, SHUTTERLOCK_DATA_DIR: path.join(root, 'control'), SHUTTERLOCK_MASTER_KEYS: masterKeys },
          timeout: 120_000,
        });
        return { code: 0, stdout, stderr };
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
      }
    },
    instanceOf(response) {
      const upstream = response.headers.get('x-upstream') ?? '';
      // After a retry nginx lists every upstream tried ("a, b"): the last one answered.
      const last = upstream.split(',').pop()?.trim() ?? '';
      return instances.find((instance) => last === `127.0.0.1:${instance.port}`);
    },
    async stop() {
      await runtime.close();
      await stopAll();
    },
  };
}
