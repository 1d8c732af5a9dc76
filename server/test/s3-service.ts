/**
 * The S3 endpoint for integration tests. vitest's globalSetup calls startS3ForTests() once per
 * run and copies the returned `env` into process.env before the workers start; test files read
 * it back with readS3TestSettings().
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';

export interface S3TestSettings {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
}

export interface S3TestService {
  env: Record<string, string>;
  stop(): Promise<void>;
}

const TEST_BUCKET = 'shutterlock-test';
const SETTINGS_ENV: Record<keyof S3TestSettings, string> = {
  endpoint: 'SHUTTERLOCK_TEST_S3_ENDPOINT',
  region: 'SHUTTERLOCK_TEST_S3_REGION',
  bucket: 'SHUTTERLOCK_TEST_S3_BUCKET',
  accessKeyId: 'SHUTTERLOCK_TEST_S3_ACCESS_KEY_ID',
  secretAccessKey: 'SHUTTERLOCK_TEST_S3_SECRET_ACCESS_KEY',
  forcePathStyle: 'SHUTTERLOCK_TEST_S3_FORCE_PATH_STYLE',
};
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const swiftScript = resolve(repoRoot, '..', 'shared', 'services', 's3-swift.sh');
/** The first run installs Swift from Debian packages. */
const SWIFT_START_TIMEOUT_MS = 10 * 60_000;
/** Generous: on a loaded machine Swift's servers have been seen to answer 503 for more than 30 s after start. */
const SERVICE_READY_TIMEOUT_MS = 120_000;
const execFileAsync = promisify(execFile);

/**
 * Uses the endpoint in S3_ENDPOINT (and the other S3_* variables) when set; otherwise starts
 * a throwaway Swift with its S3 layer. Either way the test bucket exists afterwards. Resolves
 * to null, after a console notice, when no endpoint can be had: S3 tests are then skipped on
 * a developer machine. Under CI that is an error instead, since there they must run.
 */
export async function startS3ForTests(): Promise<S3TestService | null> {
  if (process.env.S3_ENDPOINT) {
    const settings = settingsFromS3Variables(process.env, process.env.S3_BUCKET ?? TEST_BUCKET);
    await prepareTestBucket(settings);
    return { env: settingsToEnv(settings), stop: async () => {} };
  }
  try {
    return await startSwift();
  } catch (error) {
    if (process.env.CI) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    console.warn(
      `\n[s3] No S3 test endpoint, so the S3 storage tests are skipped. Set S3_ENDPOINT or fix ${swiftScript}.\n${reason}\n`,
    );
    return null;
  }
}

/** The endpoint globalSetup prepared, or null when there is none. */
export function readS3TestSettings(env: NodeJS.ProcessEnv = process.env): S3TestSettings | null {
  const endpoint = env[SETTINGS_ENV.endpoint];
  if (!endpoint) return null;
  return {
    endpoint,
    region: env[SETTINGS_ENV.region] ?? 'us-east-1',
    bucket: env[SETTINGS_ENV.bucket] ?? TEST_BUCKET,
    accessKeyId: env[SETTINGS_ENV.accessKeyId] ?? '',
    secretAccessKey: env[SETTINGS_ENV.secretAccessKey] ?? '',
    forcePathStyle: env[SETTINGS_ENV.forcePathStyle] === 'true',
  };
}

async function startSwift(): Promise<S3TestService> {
  if (!existsSync(swiftScript)) throw new Error(`${swiftScript} does not exist.`);
  const directory = await mkdtemp(join(tmpdir(), 'shutterlock-s3-'));
  const stop = async (): Promise<void> => {
    await execFileAsync('bash', [swiftScript, 'stop', directory]);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const port = await findFreePortBlock();
    const { stdout } = await execFileAsync('bash', [swiftScript, 'start', directory, String(port)], {
      timeout: SWIFT_START_TIMEOUT_MS,
    });
    const settings = settingsFromS3Variables(parseEnvLines(stdout), TEST_BUCKET);
    await prepareTestBucket(settings);
    return { env: settingsToEnv(settings), stop };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** The S3_* variables, as docs/storage.md describes them for the server. */
function settingsFromS3Variables(variables: Record<string, string | undefined>, bucket: string): S3TestSettings {
  const endpoint = variables.S3_ENDPOINT;
  if (!endpoint) throw new Error('S3_ENDPOINT is missing.');
  return {
    endpoint,
    region: variables.S3_REGION ?? 'us-east-1',
    bucket,
    accessKeyId: variables.S3_ACCESS_KEY_ID ?? '',
    secretAccessKey: variables.S3_SECRET_ACCESS_KEY ?? '',
    forcePathStyle: variables.S3_FORCE_PATH_STYLE === 'true',
  };
}

function settingsToEnv(settings: S3TestSettings): Record<string, string> {
  const entries = Object.entries(SETTINGS_ENV) as [keyof S3TestSettings, string][];
  return Object.fromEntries(entries.map(([field, name]) => [name, String(settings[field])]));
}

function parseEnvLines(output: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) variables[match[1]] = match[2];
  }
  return variables;
}

/** Creates the bucket unless it exists, and proves an object can be written to it. */
async function prepareTestBucket(settings: S3TestSettings): Promise<void> {
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials:
      settings.accessKeyId && settings.secretAccessKey
        ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
        : undefined,
    maxAttempts: 1,
  });
  const bucket = settings.bucket;
  try {
    await retryWhileUnavailable(async () => {
      await client.send(new CreateBucketCommand({ Bucket: bucket })).catch((error: unknown) => {
        if (!(error instanceof S3ServiceException && error.name.startsWith('BucketAlready'))) throw error;
      });
    });
    // The object server may come up last: one object round trip proves the whole chain.
    const probe = { Bucket: bucket, Key: `readiness-${randomUUID()}` };
    await retryWhileUnavailable(() => client.send(new PutObjectCommand({ ...probe, Body: 'ready' })));
    await client.send(new DeleteObjectCommand(probe));
  } finally {
    client.destroy();
  }
}

/**
 * Swift's proxy passes its health check before the servers behind it take requests, and
 * answers 503 until they do.
 */
async function retryWhileUnavailable(request: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + SERVICE_READY_TIMEOUT_MS;
  for (;;) {
    try {
      await request();
      return;
    } catch (error) {
      const unavailable = error instanceof S3ServiceException && error.$metadata.httpStatusCode === 503;
      if (!unavailable || Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}

/**
 * A random port whose +100..+103 neighbours (Swift's account, container and object servers
 * and memcached) are free too, so concurrent test runs each get their own Swift. Chosen below
 * Linux's ephemeral range, where outgoing connections could take it in the meantime.
 */
async function findFreePortBlock(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const block = [port, port + 100, port + 101, port + 102, port + 103];
    const free = await Promise.all(block.map(isPortFree));
    if (free.every(Boolean)) return port;
  }
  throw new Error('Found no free block of ports for Swift.');
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}
