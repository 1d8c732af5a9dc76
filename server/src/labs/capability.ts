import type { AppServices } from '../capability.ts';
import type { App } from '../http/app-type.ts';
import { labAdminRoutes } from './admin-routes.ts';
import { createLabsDeps } from './deps.ts';
import { labPortalRoutes } from './lab-routes.ts';
import { printOrderRoutes } from './order-routes.ts';

/** The print-lab portal (docs/labs.md): the admin's labs, the photographer's print orders and the lab's own routes, over the vault's files. */
export async function labsRoutes(app: App, { runtime, vault }: AppServices): Promise<void> {
  const deps = createLabsDeps(runtime, vault.files);
  app.addHook('onClose', () => deps.limits.close());
  labAdminRoutes(app, deps);
  printOrderRoutes(app, deps);
  labPortalRoutes(app, deps);
}
