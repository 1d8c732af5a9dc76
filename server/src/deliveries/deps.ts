import type { Config } from '../config.ts';
import { type CodePepper, createCodePepper } from '../crypto/hashing.ts';
import { type RateLimits, createRateLimits } from '../http/rate-limits.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Runtime } from '../runtime.ts';
import { type VaultDeps, createVaultDeps } from '../vault/deps.ts';

/**
 * Everything the deliveries need, built once per app (deliveries/capability.ts): the vault's
 * services (files, blobs, signer) plus the code pepper, the mailer and the code-guessing limits.
 */
export interface DeliveriesDeps extends VaultDeps {
  pepper: CodePepper;
  mailer: Mailer;
  limits: RateLimits<DeliveryRateLimit>;
  site: Pick<Config, 'publicUrl' | 'secureTransport' | 'deliveries'>;
}

/**
 * Per network, across deliveries: a guesser spreading attempts over many links still meets a
 * wall. Per delivery, the row's own counter and growing lockout apply (deliveries/client-access.ts).
 * Per delivery, too: how many download links its clients may make.
 */
export const deliveryRateLimitRules = {
  codePerIp: { points: 20, durationSeconds: 15 * 60 },
  // Each link is a counted download and an event: enough for a client fetching file after
  // file, not for flooding the photographer's activity log.
  downloadLinksPerDelivery: { points: 300, durationSeconds: 15 * 60 },
} as const;

export type DeliveryRateLimit = keyof typeof deliveryRateLimitRules;

export function createDeliveriesDeps(runtime: Runtime): DeliveriesDeps {
  return {
    // Deliveries queue no jobs.
    ...createVaultDeps(runtime, () => undefined),
    pepper: createCodePepper(runtime.keys),
    mailer: runtime.mailer,
    limits: createRateLimits(deliveryRateLimitRules, { redisUrl: runtime.config.redisUrl, keyPrefix: 'sl:deliveries' }),
    site: runtime.config,
  };
}
