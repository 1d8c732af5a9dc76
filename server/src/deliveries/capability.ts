import type { AppServices } from '../capability.ts';
import type { App } from '../http/app-type.ts';
import { deliveryClientRoutes } from './client-routes.ts';
import { createDeliveriesDeps } from './deps.ts';
import { liveDeliveryUses } from './files.ts';
import { deliveryProofingRoutes } from './proofing-routes.ts';
import { deliveryGalleryRoutes } from './gallery-routes.ts';
import { deliveryRoutes } from './routes.ts';

/** Client deliveries: the photographer's routes and the client's (docs/deliveries.md), over the vault's files. */
export async function deliveriesRoutes(app: App, { runtime, vault }: AppServices): Promise<void> {
  const deps = createDeliveriesDeps(runtime, vault.files);
  app.addHook('onClose', () => deps.limits.close());
  // The vault asks before trashing a file a client still sees (vault/file-uses.ts).
  vault.registerFileUses((studioId, fileIds) => liveDeliveryUses(deps, studioId, fileIds));
  deliveryRoutes(app, deps);
  deliveryGalleryRoutes(app, deps);
  deliveryClientRoutes(app, deps);
  deliveryProofingRoutes(app, deps);
}
