import { createCodePepper } from '../crypto/hashing.ts';
import { createSecretBox } from '../crypto/secret-fields.ts';
import { createRateLimits } from '../http/rate-limits.ts';
import type { Runtime } from '../runtime.ts';
import { type AuthDeps, authRateLimitRules } from './context.ts';

/** Builds the auth services over a runtime; the caller closes `limits` when done. */
export function createAuthDeps(runtime: Runtime): AuthDeps {
  return {
    db: runtime.database.db,
    keys: runtime.keys,
    pepper: createCodePepper(runtime.peppers),
    secrets: createSecretBox(runtime.keys),
    mailer: runtime.mailer,
    config: runtime.config,
    limits: createRateLimits(authRateLimitRules, { redisUrl: runtime.config.redisUrl, keyPrefix: 'sl:auth' }),
    logger: runtime.logger,
    now: Date.now,
  };
}
