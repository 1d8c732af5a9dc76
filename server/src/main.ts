import { setTimeout as sleep } from 'node:timers/promises';
import { buildApp } from './app.ts';
import { issueSetupTokenIfNoAdmin } from './auth/setup.ts';
import { ConfigError, loadConfig } from './config.ts';
import { stopAccepting } from './http/stop-accepting.ts';
import { settleBackgroundWork } from './jobs/background.ts';
import { createLogger } from './logger.ts';
import { openRuntime } from './runtime.ts';

/** Read the config, open the services, build the app, listen — and leave gracefully. Nothing else. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`Shutterlock cannot start.\n${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const runtime = await openRuntime(config, logger);
  const app = await buildApp(runtime);
  app.addHook('onClose', () => runtime.close());

  /**
   * SIGTERM (a rolling restart, systemd stop): readiness turns false first and the instance
   * keeps serving for SHUTDOWN_DRAIN_SECONDS, so a balancer polling /readyz stops sending it
   * work; then the listener closes (new connections are refused and go to another instance),
   * requests and uploads in flight finish, job runners stop (an interrupted job's lease is
   * handed back at once), background mail is sent, the pools close. Whatever is still running
   * at SHUTDOWN_TIMEOUT_SECONDS is cut off (exit 1): its clients retry elsewhere.
   */
  let leaving = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (leaving) return;
    leaving = true;
    const { drainSeconds, timeoutSeconds } = config.shutdown;
    logger.info({ signal, drainSeconds, timeoutSeconds }, 'shutting down: draining');
    setTimeout(() => {
      logger.error({ timeoutSeconds }, 'shutdown deadline passed; exiting with work cut off');
      process.exit(1);
    }, timeoutSeconds * 1000).unref();
    runtime.lifecycle.beginDraining();
    if (drainSeconds > 0) await sleep(drainSeconds * 1000);
    logger.info('shutting down: closing the listener and finishing in-flight requests');
    await stopAccepting(app.server);
    // Fastify 5 closes idle keep-alive connections at once and lets busy ones finish.
    await app.close();
    await settleBackgroundWork();
    logger.info('shut down');
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      shutdown(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }

  await app.listen({ host: config.host, port: config.port });
  const setupToken = await issueSetupTokenIfNoAdmin({ db: runtime.database.db, now: Date.now });
  process.stdout.write(
    [
      '',
      `  Shutterlock is running: open ${config.publicUrl}`,
      `  Database: ${config.database.kind}   Storage: ${config.storage.kind}   Mail: ${runtime.mailer.kind}`,
      runtime.mailer.kind === 'outbox' ? `  Emails (sign-in codes, links) are written to ${config.mail.outboxDir}` : '',
      // Printed to the console only (never logged): whoever reads this console creates the first admin.
      setupToken
        ? `\n  No administrator exists yet. Create the first one within 30 minutes at:\n    ${config.publicUrl}/setup#token=${setupToken}\n  (single use; restarting the server prints a new link)`
        : '',
      '',
    ]
      .filter((line, index, lines) => line !== '' || index === 0 || index === lines.length - 1)
      .join('\n') + '\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`Shutterlock failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
