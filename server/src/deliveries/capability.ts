import type { AppServices } from '../capability.ts';
import type { App } from '../http/app-type.ts';
import { deliveryClientRoutes } from './client-routes.ts';
import { createDeliveriesDeps } from './deps.ts';
import { deliveryFamilyRoutes } from './family-routes.ts';
import { createJobRunner } from '../jobs/runner.ts';
import { REMINDER_EVERY_MS, REMINDER_JOB, sendDueReminders } from './reminders.ts';
import { liveDeliveryUses } from './files.ts';
import { deliveryProofingRoutes } from './proofing-routes.ts';
import { deliveryGalleryRoutes } from './gallery-routes.ts';
import { deliveryRoutes } from './routes.ts';

/** Client deliveries: the photographer's routes and the client's (docs/deliveries.md), over the vault's files. */
export async function deliveriesRoutes(app: App, { runtime, vault }: AppServices): Promise<void> {
  const deps = createDeliveriesDeps(runtime, vault.files);
  app.addHook('onClose', () => deps.limits.close());
  if (runtime.config.deliveries.reminderDays > 0) {
    // Expiry reminders, on a schedule every instance shares (jobs/runner.ts).
    const jobs = createJobRunner({
      db: deps.db,
      logger: runtime.logger,
      concurrency: 1,
      handlers: [{ kind: REMINDER_JOB, run: async () => void (await sendDueReminders(deps)) }],
      schedules: [{ kind: REMINDER_JOB, everyMs: REMINDER_EVERY_MS }],
    });
    jobs.start();
    app.addHook('onClose', () => jobs.stop());
  }
  // The vault asks before trashing a file a client still sees (vault/file-uses.ts).
  vault.registerFileUses((studioId, fileIds) => liveDeliveryUses(deps, studioId, fileIds));
  deliveryRoutes(app, deps);
  deliveryGalleryRoutes(app, deps);
  deliveryClientRoutes(app, deps);
  deliveryProofingRoutes(app, deps);
  deliveryFamilyRoutes(app, deps);
}
