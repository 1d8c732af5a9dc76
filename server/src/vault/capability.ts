import type { AppServices } from '../capability.ts';
import type { App } from '../http/app-type.ts';
import { albumRoutes } from './album-routes.ts';
import { downloadRoutes } from './download-routes.ts';
import { fileRoutes } from './file-routes.ts';
import { resumableRoutes } from './resumable-routes.ts';
import { vaultStorageUsage } from './storage-usage.ts';

/**
 * The encrypted vault's routes, over the vault built once per app (service.ts). Its job runner
 * (previews, purging the trash) starts once the app is ready and stops, waiting for running
 * jobs, as the app begins to close: `preClose`, because the root's `onClose` hooks (main.ts
 * closes the database there) run before an encapsulated plugin's.
 */
export async function vaultRoutes(app: App, { vault, storageUsage }: AppServices): Promise<void> {
  storageUsage.register(vaultStorageUsage(vault.deps));
  app.addHook('onReady', async () => vault.jobs.start());
  app.addHook('preClose', async () => vault.jobs.stop());

  fileRoutes(app, vault.deps);
  resumableRoutes(app, vault.deps);
  albumRoutes(app, vault.deps);
  downloadRoutes(app, vault.deps);
}
