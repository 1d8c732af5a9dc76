import type { Logger } from 'pino';
import { type SecretBox, createSecretBox } from '../crypto/secret-fields.ts';
import type { Db } from '../db/database.ts';
import type { Runtime } from '../runtime.ts';
import type { VaultFiles } from '../vault/service.ts';
import { type UsageRecorder, createUsageRecorder } from './usage-recorder.ts';

/** Everything the image service needs, built once per app (images/capability.ts). */
export interface ImagesDeps {
  db: Db;
  /** Seals API key secrets and imgproxy keys (secrets.ts). */
  secrets: SecretBox;
  /** The studio's files, only through the vault's interface. */
  vault: VaultFiles;
  usage: UsageRecorder;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  now(): number;
}

export function createImagesDeps(runtime: Runtime, vault: VaultFiles): ImagesDeps {
  const db = runtime.database.db;
  return {
    db,
    secrets: createSecretBox(runtime.keys),
    vault,
    usage: createUsageRecorder(db, Date.now, (error) => runtime.logger.error({ err: error }, 'image usage could not be recorded')),
    logger: runtime.logger,
    now: Date.now,
  };
}
