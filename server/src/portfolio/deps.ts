import type { Logger } from 'pino';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { type UrlSigner, createUrlSigner } from '../crypto/signed-urls.ts';
import type { Db } from '../db/database.ts';
import { type RateLimits, createRateLimits } from '../http/rate-limits.ts';
import { type ImageService, createImageService } from '../images/service.ts';
import type { Runtime } from '../runtime.ts';
import type { VaultFiles } from '../vault/service.ts';

/** Everything portfolios need, built once per app (portfolio/capability.ts). */
export interface PortfolioDeps {
  db: Db;
  /** Opens the studio's branding (its logo, for a collection watermarked with it). */
  keys: MasterKeyProvider;
  /** The studio's files, only through the vault's interface (dimensions, existence). */
  vault: VaultFiles;
  /** Derivatives of published photos, metadata stripped, through the image service's interface. */
  images: ImageService;
  /** Signs the site API's image URLs. */
  signer: UrlSigner;
  /** Analytics ingestion per network, the site API per token: Redis with REDIS_URL, else the database. */
  limits: RateLimits<PortfolioLimit>;
  publicUrl: string;
  /** PORTFOLIO_DOMAIN: portfolios are also served at {slug}.{domain}. */
  domain: string | undefined;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  now(): number;
}

export const portfolioLimits = {
  /** Analytics batches per network and minute (a page sends one every few seconds at most). */
  events: { points: 120, durationSeconds: 60 },
  /** Site API requests per token and minute. */
  siteToken: { points: 600, durationSeconds: 60 },
} as const;

export type PortfolioLimit = keyof typeof portfolioLimits;

export function createPortfolioDeps(runtime: Runtime, vault: VaultFiles, options: { now?: () => number } = {}): PortfolioDeps {
  const db = runtime.database.db;
  return {
    db,
    keys: runtime.keys,
    vault,
    images: createImageService(runtime, vault),
    signer: createUrlSigner(runtime.keys),
    limits: createRateLimits(portfolioLimits, { redisUrl: runtime.config.redisUrl, keyPrefix: 'sl:portfolio', db }),
    publicUrl: runtime.config.publicUrl,
    domain: runtime.config.portfolio.domain,
    logger: runtime.logger,
    now: options.now ?? Date.now,
  };
}
