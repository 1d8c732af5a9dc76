import { pruneChain, sealChainHead } from '../audit/chain.ts';
import type { AppServices } from '../capability.ts';
import type { App } from '../http/app-type.ts';
import { createJobRunner } from '../jobs/runner.ts';
import { studioResealJobHandler, studioResealSchedule } from '../keys/studio-reseal.ts';
import { alertRoutes } from './alert-routes.ts';
import type { AlertsDeps } from './alerts.ts';
import { scanForAlerts } from './alerts.ts';
import { auditRoutes } from './audit-routes.ts';
import { type DeletionDeps, eraseStudioJobHandler } from './deletion.ts';
import { adminRoutes } from './routes.ts';
import { systemRoutes } from './system-routes.ts';

/**
 * The admin console: user administration, the audit trail, alerts, system status, studios and
 * jobs. Its job runner keeps the audit chain sealed and pruned, scans it for alerts, erases
 * deleted studios and moves studio values older releases sealed under the master key under their
 * studio keys (keys/studio-reseal.ts), on schedules shared by every instance (jobs/runner.ts).
 */

const dayMs = 24 * 60 * 60_000;

export async function adminCapabilityRoutes(app: App, services: AppServices): Promise<void> {
  const { runtime } = services;
  const { config, logger } = runtime;
  const db = runtime.database.db;
  const alerts: AlertsDeps = { db, config: config.alerts, mailer: runtime.mailer, publicUrl: config.publicUrl, logger, now: Date.now };
  const retentionDays = config.audit.retentionDays;
  const deletion: DeletionDeps = {
    db,
    keys: runtime.keys,
    blobs: runtime.blobs,
    auth: services.auth,
    async eraseStudioFiles(studioId) {
      const files = await services.vault.eraseStudio(studioId);
      await services.storageUsage.erase(studioId);
      return files;
    },
    wake: () => jobs.wake(),
  };

  const jobs = createJobRunner({
    db,
    logger,
    concurrency: 1,
    leaseMs: config.jobs.leaseSeconds * 1000,
    handlers: [
      {
        kind: 'audit.seal',
        run: async () => {
          const sealed = await sealChainHead(db, runtime.keys);
          if (sealed !== null) logger.info({ seq: sealed }, 'audit.sealed');
        },
      },
      { kind: 'alerts.scan', run: async () => void (await scanForAlerts(alerts)) },
      eraseStudioJobHandler(deletion),
      studioResealJobHandler({ db, keys: runtime.keys, ...services.keyProtected }, logger),
      ...(retentionDays === undefined ? [] : [{ kind: 'audit.prune', run: async () => void (await pruneChain(db, runtime.keys, Date.now() - retentionDays * dayMs)) }]),
    ],
    schedules: [
      { kind: 'audit.seal', everyMs: config.audit.sealMinutes * 60_000 },
      { kind: 'alerts.scan', everyMs: config.alerts.scanSeconds * 1_000 },
      studioResealSchedule,
      ...(retentionDays === undefined ? [] : [{ kind: 'audit.prune', everyMs: dayMs }]),
    ],
  });
  jobs.start();
  app.addHook('onClose', () => jobs.stop());

  await adminRoutes(app, services, deletion);
  auditRoutes(app, db);
  alertRoutes(app, alerts);
  systemRoutes(app, services, deletion);
}
