import type { AppServices } from '../capability.ts';
import type { App } from '../http/app-type.ts';
import { imageDataRoutes } from './data-routes.ts';
import { createImagesDeps } from './deps.ts';
import { cachedBytes, eraseCachedResults } from './result-cache.ts';
import { imageControlRoutes } from './routes.ts';

/** The image service (docs/imaging.md): projects and keys for the photographer, signed transform URLs for websites. */
export async function imagesRoutes(app: App, { runtime, vault, storageUsage }: AppServices): Promise<void> {
  const deps = await createImagesDeps(runtime, vault.files);
  storageUsage.register(async (studioId) => ({ cache: await cachedBytes(runtime.blobs, studioId) }));
  storageUsage.registerEraser((studioId) => eraseCachedResults(runtime.blobs, studioId));
  app.addHook('preClose', async () => {
    await deps.usage.close();
    await deps.quotas.close();
    await deps.cache.settled();
  });
  imageControlRoutes(app, deps);
  await app.register(async (scope) => imageDataRoutes(scope, deps));
}
