import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { type CodePepper, createCodePepper } from '../crypto/hashing.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { type UrlSigner, createUrlSigner } from '../crypto/signed-urls.ts';
import type { Db } from '../db/database.ts';
import { type RateLimits, createRateLimits } from '../http/rate-limits.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Runtime } from '../runtime.ts';
import type { VaultFiles } from '../vault/service.ts';

/**
 * Everything the lab portal needs, built once per app (labs/capability.ts): the vault's
 * interface for the files, the pepper for PINs and device codes, the master keys (for the
 * studio's key that seals shipping details: studioSecrets), the URL signer for downloads, mail
 * and limits.
 */
export interface LabsDeps {
  db: Db;
  keys: MasterKeyProvider;
  signer: UrlSigner;
  pepper: CodePepper;
  mailer: Mailer;
  limits: RateLimits<LabRateLimit>;
  vault: VaultFiles;
  site: Pick<Config, 'publicUrl' | 'secureTransport'>;
  /** How long a signed link to an original lives (VAULT_DOWNLOAD_URL_SECONDS, like the vault's own). */
  linkSeconds: number;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  now(): number;
}

/**
 * Per network, across labs: a guesser spreading attempts over many lab IDs meets a wall. Per
 * lab, the row's own counter and growing lockout apply (lockout.ts).
 */
export const labRateLimitRules = {
  signInPerIp: { points: 20, durationSeconds: 15 * 60 },
  downloadLinksPerOrder: { points: 600, durationSeconds: 15 * 60 },
} as const;

export type LabRateLimit = keyof typeof labRateLimitRules;

export function createLabsDeps(runtime: Runtime, vault: VaultFiles): LabsDeps {
  return {
    db: runtime.database.db,
    keys: runtime.keys,
    signer: createUrlSigner(runtime.keys),
    pepper: createCodePepper(runtime.peppers),
    mailer: runtime.mailer,
    limits: createRateLimits(labRateLimitRules, { redisUrl: runtime.config.redisUrl, keyPrefix: 'sl:labs', db: runtime.database.db }),
    vault,
    site: runtime.config,
    linkSeconds: runtime.config.vault.downloadUrlSeconds,
    logger: runtime.logger,
    now: Date.now,
  };
}
