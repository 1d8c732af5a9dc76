import type { Logger } from 'pino';
import type { VaultConfig } from '../config.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { type SecretBox, createSecretBox } from '../crypto/secret-fields.ts';
import type { Db, DatabaseKind } from '../db/database.ts';
import type { ImagingPool } from '../imaging/pool.ts';
import { type JobQueue, jobQueue } from '../jobs/runner.ts';
import type { Runtime } from '../runtime.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { type UrlSigner, createUrlSigner } from '../crypto/signed-urls.ts';
import { type VirusScanner, createClamdScanner } from '../clamav/virus-scanner.ts';
import { type FileUses, createFileUses } from './file-uses.ts';

/** Everything the vault services need, built once per app (createVault in service.ts). */
export interface VaultDeps {
  db: Db;
  databaseKind: DatabaseKind;
  blobs: BlobStore;
  keys: MasterKeyProvider;
  secrets: SecretBox;
  signer: UrlSigner;
  scanner: VirusScanner | null;
  imaging: ImagingPool;
  jobs: { queue: JobQueue; wake(): void };
  config: VaultConfig;
  /** Where the studio's files are shown outside the vault (live deliveries), asked before trashing (file-uses.ts). */
  fileUses: FileUses;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  now(): number;
}

export function createVaultDeps(runtime: Runtime, wakeJobs: () => void): VaultDeps {
  return {
    db: runtime.database.db,
    databaseKind: runtime.database.kind,
    blobs: runtime.blobs,
    keys: runtime.keys,
    secrets: createSecretBox(runtime.keys),
    signer: createUrlSigner(runtime.keys),
    scanner: runtime.config.vault.clamd ? createClamdScanner(runtime.config.vault.clamd) : null,
    imaging: runtime.imaging,
    jobs: { queue: jobQueue(), wake: wakeJobs },
    config: runtime.config.vault,
    fileUses: createFileUses(),
    logger: runtime.logger,
    now: Date.now,
  };
}
