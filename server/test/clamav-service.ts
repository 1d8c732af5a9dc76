/**
 * A real clamd for the vault's virus-scanning tests, started once per run by vitest's
 * globalSetup with /work/shared/services/clamav.sh (Debian's clamd, with a database that holds
 * only the EICAR test signature). Test files read its address back with readClamdTestSettings().
 * Outside CI a clamd that can't be started only skips those tests, with a notice.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const clamavScript = resolve(repoRoot, '..', 'shared', 'services', 'clamav.sh');
/** The first run may install clamav-daemon from Debian packages. */
const START_TIMEOUT_MS = 5 * 60_000;

const SOCKET_ENV = 'SHUTTERLOCK_TEST_CLAMD_SOCKET';
const HOST_ENV = 'SHUTTERLOCK_TEST_CLAMD_HOST';
const PORT_ENV = 'SHUTTERLOCK_TEST_CLAMD_PORT';

export interface ClamdTestService {
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolvePort) => probe.listen(0, '127.0.0.1', resolvePort));
  const address = probe.address();
  await new Promise((resolveClose) => probe.close(resolveClose));
  if (address === null || typeof address === 'string') throw new Error('No port for clamd.');
  return address.port;
}

export async function startClamavForTests(): Promise<ClamdTestService | null> {
  const directory = await mkdtemp(join(tmpdir(), 'shutterlock-clamd-'));
  const stop = async (): Promise<void> => {
    await execFileAsync('bash', [clamavScript, 'stop', directory]).catch(() => undefined);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    if (!existsSync(clamavScript)) throw new Error(`${clamavScript} does not exist.`);
    const { stdout } = await execFileAsync('bash', [clamavScript, 'start', directory, String(await freePort())], { timeout: START_TIMEOUT_MS });
    const variables = Object.fromEntries(stdout.split('\n').flatMap((line) => {
      const match = /^(CLAMD_[A-Z]+)=(.*)$/.exec(line.trim());
      return match?.[1] && match[2] !== undefined ? [[match[1], match[2]]] : [];
    }));
    if (!variables.CLAMD_SOCKET || !variables.CLAMD_HOST || !variables.CLAMD_PORT) throw new Error(`clamav.sh printed no address:\n${stdout}`);
    return { env: { [SOCKET_ENV]: variables.CLAMD_SOCKET, [HOST_ENV]: variables.CLAMD_HOST, [PORT_ENV]: variables.CLAMD_PORT }, stop };
  } catch (error) {
    await stop();
    if (process.env.CI) throw error;
    console.warn(`\n  NOTICE: clamd could not be started, so the virus-scanning tests are SKIPPED.\n  ${error instanceof Error ? error.message : String(error)}\n`);
    return null;
  }
}

/** The clamd globalSetup started, or null when there is none. */
export function readClamdTestSettings(env: NodeJS.ProcessEnv = process.env): { socket: string; host: string; port: string } | null {
  const socket = env[SOCKET_ENV];
  const host = env[HOST_ENV];
  const port = env[PORT_ENV];
  return socket && host && port ? { socket, host, port } : null;
}
