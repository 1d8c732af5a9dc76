import type { AppServices } from '../capability.ts';
import type { App } from '../http/app-type.ts';
import { createJobRunner } from '../jobs/runner.ts';
import { albumRoutes } from './album-routes.ts';
import { createVaultDeps } from './deps.ts';
import { downloadRoutes } from './download-routes.ts';
import { fileRoutes } from './file-routes.ts';
import { previewsJobHandler } from './previews.ts';
import { PURGE_JOB, purgeJobHandler } from './purge.ts';
import { studioRoutes } from './studio-routes.ts';

/**
 * The encrypted vault: its routes, and the job runner that makes previews and purges the
 * trash. The runner starts once the app is ready and stops, waiting for running jobs, as the
 * app begins to close: `preClose`, because the root's `onClose` hooks (main.ts closes the
 * database there) run before an encapsulated plugin's.
 */
export async function vaultRoutes(app: App, { runtime }: AppServices): Promise<void> {
  const deps = createVaultDeps(runtime, () => jobs.wake());
  const jobs = createJobRunner({
    db: deps.db,
    logger: runtime.logger,
    handlers: [previewsJobHandler(deps), purgeJobHandler(deps)],
    schedules: [{ kind: PURGE_JOB, everyMs: 60 * 60_000 }],
    concurrency: deps.config.jobConcurrency,
  });
  app.addHook('onReady', async () => jobs.start());
  app.addHook('preClose', async () => jobs.stop());

  fileRoutes(app, deps);
  albumRoutes(app, deps);
  downloadRoutes(app, deps);
  studioRoutes(app, deps);
}
