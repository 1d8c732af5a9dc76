import type { Logger } from 'pino';
import type { Config } from './config.ts';
import type { PepperKeys } from './crypto/hashing.ts';
import { type MasterKeyProvider, loadMasterKeyProvider } from './crypto/master-keys.ts';
import { type Database, createDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { type ImagingPool, createImagingPool } from './imaging/pool.ts';
import { createPepperKeys } from './keys/peppers.ts';
import { type Mailer, createMailer } from './mail/mailer.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { createBlobStore } from './storage/create-blob-store.ts';

/**
 * The long-lived services one server process (or one CLI command) holds: database, blob
 * store, master keys, code peppers and mailer. Built once from the config and handed to the HTTP app, the
 * CLI and the tests alike, so all three run the same code.
 */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  readonly blobs: BlobStore;
  readonly keys: MasterKeyProvider;
  /** The code peppers (keys/peppers.ts), unwrapped once per process. */
  readonly peppers: PepperKeys;
  readonly mailer: Mailer;
  /** The decoder children: every parse of untrusted image bytes runs there, away from the keys. */
  readonly imaging: ImagingPool;
  /** Whether this process is shutting down: readiness answers 503 and answers close their connections. */
  readonly lifecycle: Lifecycle;
  close(): Promise<void>;
}

/**
 * The one piece of per-process state the fleet must see: that this instance is leaving. Set
 * first on SIGTERM (main.ts), so a load balancer's readiness check drains the instance while
 * it still serves, before its listener closes.
 */
export interface Lifecycle {
  readonly draining: boolean;
  beginDraining(): void;
}

export function createLifecycle(): Lifecycle {
  let draining = false;
  return {
    get draining() {
      return draining;
    },
    beginDraining() {
      draining = true;
    },
  };
}

export async function openRuntime(config: Config, logger: Logger, options: { migrate?: boolean } = {}): Promise<Runtime> {
  // At every start, so an override nobody remembers keeps showing in the log.
  for (const warning of config.warnings) logger.warn({ insecureConfiguration: true }, warning);
  const keys = await loadMasterKeyProvider({
    masterKeys: config.masterKeys,
    dataDir: config.dataDir,
    production: config.production,
    warn: (message) => logger.warn(message),
  });
  const database = createDatabase(config.database);
  try {
    if (options.migrate ?? true) {
      const applied = await migrateToLatest(database);
      if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  const blobs = await createBlobStore(config.storage);
  const mailer = createMailer(config.mail, { info: (message) => logger.info(message) });
  const imaging = createImagingPool(config.imaging, logger);
  return {
    config,
    logger,
    database,
    blobs,
    keys,
    peppers: createPepperKeys(database.db, keys),
    mailer,
    imaging,
    lifecycle: createLifecycle(),
    async close() {
      await imaging.close();
      mailer.close();
      await database.close();
    },
  };
}
