import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { VaultConfig } from '../config.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { type SecretBox, createSecretBox } from '../crypto/secret-fields.ts';
import type { DatabaseKind } from '../db/database.ts';
import type { Tables } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { Principal } from '../http/access.ts';
import { type JobQueue, jobQueue } from '../jobs/runner.ts';
import type { Runtime } from '../runtime.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { type UrlSigner, createUrlSigner } from '../crypto/signed-urls.ts';
import { type VirusScanner, createClamdScanner } from '../clamav/virus-scanner.ts';

/** Everything the vault services need, built once per app (vault/capability.ts). */
export interface VaultDeps {
  db: Kysely<Tables>;
  databaseKind: DatabaseKind;
  blobs: BlobStore;
  keys: MasterKeyProvider;
  secrets: SecretBox;
  signer: UrlSigner;
  scanner: VirusScanner | null;
  jobs: { queue: JobQueue; wake(): void };
  config: VaultConfig;
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
    jobs: { queue: jobQueue(), wake: wakeJobs },
    config: runtime.config.vault,
    logger: runtime.logger,
    now: Date.now,
  };
}

/** The studio a vault request acts in, and who asks (for the audit log). */
export interface VaultActor {
  studioId: string;
  userId: string;
  ip: string;
  userAgent: string;
}

/** The vault belongs to studios: an admin account has none, so it has no vault. */
export function vaultActor(principal: Principal, origin: { ip: string; userAgent: string }): VaultActor {
  if (!principal.studioId) throw new AppError('studio_required', 'The vault belongs to a studio, and this account has none.', 403);
  return { studioId: principal.studioId, userId: principal.userId, ...origin };
}

export function auditContext(actor: VaultActor): { actorUserId: string; subjectUserId: string; ip: string; userAgent: string } {
  return { actorUserId: actor.userId, subjectUserId: actor.userId, ip: actor.ip, userAgent: actor.userAgent };
}
