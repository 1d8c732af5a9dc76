import { buildApp } from './app.ts';
import { issueSetupTokenIfNoAdmin } from './auth/setup.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { openRuntime } from './runtime.ts';

/** Read the config, open the services, build the app, listen. Nothing else. */
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

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
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
