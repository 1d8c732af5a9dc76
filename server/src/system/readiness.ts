import type { Runtime } from '../runtime.ts';

export interface Readiness {
  status: 'ready' | 'unavailable';
  checks: { database: string; storage: string };
}

const checkTimeoutMs = 3_000;

/** Where a failed check is told: the request's own logger. */
type ReadinessLog = { warn(object: object, message: string): void };

async function probe(name: string, check: () => Promise<void>, log: ReadinessLog): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${name} did not answer within ${checkTimeoutMs} ms`)), checkTimeoutMs);
      }),
    ]);
    return 'ok';
  } catch (error) {
    // The reason goes to the log only: readiness is public and must not describe internals.
    log.warn({ err: error, dependency: name }, 'readiness check failed');
    return 'failed';
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(runtime: Runtime, log: ReadinessLog): Promise<Readiness> {
  // Shutting down: not ready, whatever the dependencies say, so the balancer stops sending work.
  if (runtime.lifecycle.draining) return { status: 'unavailable', checks: { database: 'draining', storage: 'draining' } };
  const [database, storage] = await Promise.all([
    probe('database', () => runtime.database.ping(), log),
    probe('storage', () => runtime.blobs.ping(), log),
  ]);
  return { status: database === 'ok' && storage === 'ok' ? 'ready' : 'unavailable', checks: { database, storage } };
}
