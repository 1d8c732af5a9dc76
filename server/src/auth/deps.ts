import { createCodePepper } from '../crypto/hashing.ts';
import { hashPassword } from '../crypto/passwords.ts';
import { generateToken } from '../crypto/tokens.ts';
import { createSecretBox } from '../crypto/secret-fields.ts';
import { createRateLimits } from '../http/rate-limits.ts';
import type { Runtime } from '../runtime.ts';
import { type AuthDeps, authRateLimitRules, createMembershipChanges } from './context.ts';

// One per process, started when the first auth services are built (at start-up), so the first
// sign-in for an unknown account does not pay for computing it.
let dummyPasswordHash: Promise<string> | undefined;

/** Builds the auth services over a runtime; the caller closes `limits` when done. */
export function createAuthDeps(runtime: Runtime): AuthDeps {
  return {
    db: runtime.database.db,
    databaseKind: runtime.database.kind,
    keys: runtime.keys,
    pepper: createCodePepper(runtime.peppers),
    secrets: createSecretBox(runtime.keys),
    mailer: runtime.mailer,
    config: runtime.config,
    limits: createRateLimits(authRateLimitRules, { redisUrl: runtime.config.redisUrl, keyPrefix: 'sl:auth', db: runtime.database.db }),
    logger: runtime.logger,
    dummyPasswordHash: (dummyPasswordHash ??= hashPassword(generateToken())),
    membershipChanges: createMembershipChanges(),
    now: Date.now,
  };
}
