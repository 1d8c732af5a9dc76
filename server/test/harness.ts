import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

import { inject } from 'vitest';
import type { App } from '../src/http/app-type.ts';
import type { DestinationStream } from 'pino';
import { buildApp } from '../src/app.ts';
import type { LazySchemaCompilers } from '../src/http/lazy-schemas.ts';
import type { Capability } from '../src/capability.ts';
import { capabilities as defaultCapabilities } from '../src/capabilities.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, type DatabaseKind, createDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import { type Runtime, openRuntime } from '../src/runtime.ts';
import { createPostgresTestDatabase } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAvailable: boolean;
  }
}

/** The databases every integration test runs against; PostgreSQL only when global setup found it. */
export function databaseKinds(): DatabaseKind[] {
  return inject('postgresAvailable') ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A port that was free a moment ago, so the config (and its public URL) can name it. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export async function makeTempDir(label: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `shutterlock-${label}-`));
}

/** An empty database of `kind` (not migrated), and how to close and remove it. */
export async function openFreshDatabase(kind: DatabaseKind): Promise<{ database: Database; cleanup(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = await makeTempDir('db');
    const database = createDatabase({ kind: 'sqlite', file: path.join(dir, 'test.sqlite') });
    return { database, cleanup: async () => { await database.close(); await fs.rm(dir, { recursive: true, force: true }); } };
  }
  const postgres = await createPostgresTestDatabase();
  const database = createDatabase({ kind: 'postgres', url: postgres.url });
  return { database, cleanup: async () => { await database.close(); await postgres.drop(); } };
}

export interface TestServer {
  readonly url: string;
  readonly app: App;
  readonly runtime: Runtime;
  readonly dataDir: string;
  /** Raw `.eml` texts of every message in the development outbox, oldest first. */
  outbox(): Promise<string[]>;
  /** Stops the server and starts it again on the same port, data directory and database (app and runtime are new). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A real server on a random loopback port, over a fresh database of the given kind. */
export async function startTestServer(
  options: {
    database?: DatabaseKind;
    env?: Record<string, string>;
    /** Extra capabilities, e.g. a probe route that exercises the HTTP baseline. */
    extraCapabilities?: Capability[];
    /** Where logs go; silent unless TEST_LOG_LEVEL is set. */
    logDestination?: DestinationStream;
    /** The app's schema compilers, for a test that compiles them all (http/lazy-schemas.ts). */
    schemaCompilers?: LazySchemaCompilers;
  } = {},
): Promise<TestServer> {
  const dataDir = await makeTempDir('server');
  const postgres = options.database === 'postgres' ? await createPostgresTestDatabase() : undefined;
  const port = await freePort();
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    SHUTTERLOCK_DATA_DIR: dataDir,
    ...(postgres ? { DATABASE_URL: postgres.url } : {}),
    ...options.env,
  });
  const logLevel = options.logDestination ? 'info' : (process.env.TEST_LOG_LEVEL ?? 'silent');
  const start = async (): Promise<{ runtime: Runtime; app: App }> => {
    const runtime = await openRuntime(config, createLogger(logLevel, options.logDestination));
    const app = await buildApp(runtime, [...defaultCapabilities, ...(options.extraCapabilities ?? [])], options.schemaCompilers);
    await app.listen({ host: '127.0.0.1', port });
    return { runtime, app };
  };
  let { runtime, app } = await start();
  const outboxDir = config.mail.outboxDir;
  return {
    url: config.publicUrl,
    get app() {
      return app;
    },
    get runtime() {
      return runtime;
    },
    dataDir,
    async restart() {
      await app.close();
      await runtime.close();
      ({ runtime, app } = await start());
    },
    async outbox() {
      const names = await fs.readdir(outboxDir).catch(() => [] as string[]);
      const messages = names.filter((name) => name.endsWith('.eml')).sort();
      return Promise.all(messages.map((name) => fs.readFile(path.join(outboxDir, name), 'utf8')));
    },
    async close() {
      await app.close();
      await runtime.close();
      await postgres?.drop();
      // Retries: a background email (sign-in code, credential change) may still be landing in the outbox.
      await fs.rm(dataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    },
  };
}
