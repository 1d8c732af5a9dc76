import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { CodePepper } from '../crypto/hashing.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import type { SecretBox } from '../crypto/secret-fields.ts';
import type { Db, DatabaseKind } from '../db/database.ts';
import type { StudioRole } from '../db/tables.ts';
import type { StudioActor } from '../http/access.ts';
import type { RateLimits } from '../http/rate-limits.ts';
import type { Mailer } from '../mail/mailer.ts';

/** Everything the auth services need, built once per runtime (auth/deps.ts). */
export interface AuthDeps {
  db: Db;
  /** For the studio lock around membership changes (the last owner); absent in tools that never change members. */
  databaseKind?: DatabaseKind;
  keys: MasterKeyProvider;
  pepper: CodePepper;
  secrets: SecretBox;
  mailer: Mailer;
  config: Pick<Config, 'publicUrl' | 'secureTransport' | 'sessions' | 'production'>;
  limits: RateLimits<AuthRateLimit>;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  /** An Argon2 hash of a random secret, computed at start-up: what a sign-in without an account verifies against. */
  dummyPasswordHash: Promise<string>;
  /** What other capabilities do when a member leaves a studio or changes role (teams.ts). */
  membershipChanges: MembershipChanges;
  now(): number;
}

/** A member of `studioId` was given `role`, or left the studio (`role: null`), by `actor`. */
export interface MembershipChange {
  actor: StudioActor;
  studioId: string;
  userId: string;
  role: StudioRole | null;
}

/**
 * The consequences other capabilities attach to a membership change (a removed member's public
 * portfolio goes offline, …). A registry, so that auth depends on none of them: each registers
 * when its routes are registered, and every consequence runs inside the transaction that changes
 * the membership, so the change and its consequences commit together or not at all.
 */
export interface MembershipChanges {
  register(consequence: (trx: Db, change: MembershipChange) => Promise<void>): void;
  apply(trx: Db, change: MembershipChange): Promise<void>;
}

export function createMembershipChanges(): MembershipChanges {
  const consequences: Array<(trx: Db, change: MembershipChange) => Promise<void>> = [];
  return {
    register(consequence) {
      consequences.push(consequence);
    },
    async apply(trx, change) {
      for (const consequence of consequences) await consequence(trx, change);
    },
  };
}

export const authRateLimitRules = {
  codeRequestPerIp: { points: 20, durationSeconds: 15 * 60 },
  codeRequestPerAccount: { points: 5, durationSeconds: 15 * 60 },
  codeVerifyPerIp: { points: 30, durationSeconds: 15 * 60 },
  codeVerifyPerAccount: { points: 10, durationSeconds: 15 * 60 },
  passwordPerIp: { points: 20, durationSeconds: 15 * 60 },
  passwordPerAccount: { points: 10, durationSeconds: 15 * 60 },
  secondFactorPerIp: { points: 20, durationSeconds: 15 * 60 },
  secondFactorPerAccount: { points: 10, durationSeconds: 15 * 60 },
  resetRequestPerIp: { points: 10, durationSeconds: 60 * 60 },
  resetRequestPerAccount: { points: 3, durationSeconds: 60 * 60 },
  resetCompletePerIp: { points: 20, durationSeconds: 60 * 60 },
  setupPerIp: { points: 10, durationSeconds: 15 * 60 },
  invitationAcceptPerIp: { points: 20, durationSeconds: 15 * 60 },
  // The acceptance page looks its invitation up once per visit, before the click.
  invitationLookupPerIp: { points: 60, durationSeconds: 15 * 60 },
  // Each invitation is an email in the studio's name to an address of its choosing: bounded
  // like a delivery's mail (deliveries/mail-limits.ts), whatever is withdrawn and sent again.
  invitationsPerStudioPerHour: { points: 20, durationSeconds: 60 * 60 },
  invitationsPerStudioPerDay: { points: 50, durationSeconds: 24 * 60 * 60 },
} as const;

export type AuthRateLimit = keyof typeof authRateLimitRules;

declare module '../capability.ts' {
  interface AppServices {
    /** The auth services, for the routes of auth/ and admin/ (sessions, accounts, sign-in limits). */
    auth: AuthDeps;
  }
}
