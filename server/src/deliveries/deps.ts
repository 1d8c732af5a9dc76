import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { type CodePepper, createCodePepper } from '../crypto/hashing.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { type UrlSigner, createUrlSigner } from '../crypto/signed-urls.ts';
import type { Db } from '../db/database.ts';
import { type RateLimits, createRateLimits } from '../http/rate-limits.ts';
import type { ImagingPool } from '../imaging/pool.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Runtime } from '../runtime.ts';
import type { VaultFiles } from '../vault/service.ts';

/**
 * Everything the deliveries need, built once per app (deliveries/capability.ts): the vault's
 * interface for the files, and their own secrets, links, code pepper, mail and limits.
 */
export interface DeliveriesDeps {
  db: Db;
  /** Unwraps the studio's key, under which what the photographer wrote is sealed (studioSecrets). */
  keys: MasterKeyProvider;
  /** Signs the links to a delivery's files. */
  signer: UrlSigner;
  pepper: CodePepper;
  mailer: Mailer;
  limits: RateLimits<DeliveryRateLimit>;
  vault: VaultFiles;
  /** Makes web-size and watermarked images (web-variants.ts). */
  imaging: ImagingPool;
  maxPixels: number;
  site: Pick<Config, 'publicUrl' | 'secureTransport' | 'deliveries'>;
  /** How long a signed link to a file lives (VAULT_DOWNLOAD_URL_SECONDS, like the vault's own). */
  linkSeconds: number;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  now(): number;
}

/**
 * Per network, across deliveries: a guesser spreading attempts over many links still meets a
 * wall. Per delivery, the row's own counter and growing lockout apply (deliveries/client-access.ts).
 * Per delivery, too: how many download links its clients may make.
 */
export const deliveryRateLimitRules = {
  codePerIp: { points: 20, durationSeconds: 15 * 60 },
  // A remembered device coming back: no guess (the cookie is signed), but no free token scan either.
  resumePerIp: { points: 60, durationSeconds: 15 * 60 },
  // Each link is a counted download and an event: enough for a client fetching file after
  // file, not for flooding the photographer's activity log.
  downloadLinksPerDelivery: { points: 300, durationSeconds: 15 * 60 },
} as const;

export type DeliveryRateLimit = keyof typeof deliveryRateLimitRules;

export function createDeliveriesDeps(runtime: Runtime, vault: VaultFiles): DeliveriesDeps {
  return {
    db: runtime.database.db,
    keys: runtime.keys,
    signer: createUrlSigner(runtime.keys),
    pepper: createCodePepper(runtime.peppers),
    mailer: runtime.mailer,
    limits: createRateLimits(deliveryRateLimitRules, { redisUrl: runtime.config.redisUrl, keyPrefix: 'sl:deliveries', db: runtime.database.db }),
    vault,
    imaging: runtime.imaging,
    maxPixels: runtime.config.vault.maxPixels,
    site: runtime.config,
    linkSeconds: runtime.config.vault.downloadUrlSeconds,
    logger: runtime.logger,
    now: Date.now,
  };
}
