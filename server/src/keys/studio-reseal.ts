import type { RotationFailure } from '../db/key-protected.ts';
import type { JobHandler, JobSchedule } from '../jobs/runner.ts';
import { type RotationDeps, resealSecretFields } from './rotation.ts';

/**
 * A studio's own values (names, delivery details, addresses: every column declared
 * `studioSealed`) belong under its data key, so that crypto-erasing the studio erases them in
 * every copy of the database. Values an older release sealed under the master key stay readable
 * (createStudioSecretBox opens both forms) but would outlive the erasure; this job moves them
 * under the studio key. It reads only what is still under the master key (a prefix test in the
 * database), re-seals with a compare-and-set, and so is idempotent and safe beside live servers:
 * run once per period across the fleet (jobs/runner.ts schedules), an upgraded install converges
 * on its first run and later runs find nothing. `keys rotate` does the same as part of rotation.
 */

export const STUDIO_RESEAL_JOB = 'keys.reseal_studio_values';
export const studioResealSchedule: JobSchedule = { kind: STUDIO_RESEAL_JOB, everyMs: 24 * 60 * 60_000 };

export interface StudioResealResult {
  resealed: number;
  /** Values that could not be opened (tampered, or their studio's key destroyed): left as they were. */
  failures: RotationFailure[];
}

export async function resealStudioValues(deps: RotationDeps, signal?: AbortSignal): Promise<StudioResealResult> {
  const failures: RotationFailure[] = [];
  const resealed = await resealSecretFields(deps, failures, { studioValuesOnly: true, signal });
  return { resealed, failures };
}

export function studioResealJobHandler(deps: RotationDeps, logger: { info(object: object, message: string): void; warn(object: object, message: string): void }): JobHandler {
  return {
    kind: STUDIO_RESEAL_JOB,
    async run(_payload, context) {
      const { resealed, failures } = await resealStudioValues(deps, context.signal);
      if (resealed > 0) logger.info({ resealed }, 'studio values moved from the master key under their studio keys');
      // Items name a row and a stable code, never content. A studio being erased fails until its rows are gone.
      if (failures.length > 0) logger.warn({ failed: failures.length, first: failures.slice(0, 10) }, 'studio values left under the master key');
    },
  };
}
