import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import { type RequestOrigin, rateLimitNetwork } from '../http/request-origin.ts';
import { claimSetupToken, replaceSetupToken } from './codes-repo.ts';
import type { AuthDeps } from './context.ts';
import { normalizeEmail } from './email-address.ts';
import { createUser } from './users.ts';
import { adminExists, updateUser } from './users-repo.ts';

/**
 * First run. While no administrator exists, every start issues a fresh one-time setup token
 * (30 minutes, single use; earlier ones stop working) and prints its link on the console: only
 * the person who can read the server's console can create the first administrator.
 */

const setupLifetimeMs = 30 * 60_000;

export async function issueSetupTokenIfNoAdmin(deps: Pick<AuthDeps, 'db' | 'now'>): Promise<string | null> {
  if (await adminExists(deps.db)) return null;
  const token = generateToken();
  const now = deps.now();
  await replaceSetupToken(deps.db, { tokenHash: hashToken(token), now, expiresAt: now + setupLifetimeMs });
  return token;
}

/** What the person setting up asks for besides the admin account: a studio of their own, when they photograph too. */
export interface FirstAdminOptions {
  /** The admin is also a photographer: they get a studio (library, deliveries) at once, no second account needed. */
  photographer?: boolean;
  /** That studio's name (what clients see); "Photography studio" when absent. */
  studioName?: string;
}

export async function createFirstAdmin(
  deps: AuthDeps,
  token: string,
  emailInput: string,
  origin: RequestOrigin,
  options: FirstAdminOptions = {},
): Promise<{ userId: string }> {
  await deps.limits.consume('setupPerIp', rateLimitNetwork(origin.ip));
  const email = normalizeEmail(emailInput); // before the token is spent, so a typo does not burn it
  if (options.studioName !== undefined && options.studioName.normalize('NFC').trim().length === 0) {
    throw new AppError('studio_name_invalid', 'A studio name must be 1 to 200 characters.', 400);
  }
  const invalid = () => new AppError('setup_token_invalid', 'This setup link is invalid or has expired. Restart the server for a new one.', 400);
  if (token.length > 100) throw invalid();
  const now = deps.now();
  if (!(await claimSetupToken(deps.db, hashToken(token), now)) || (await adminExists(deps.db))) throw invalid();
  const user = await createUser(
    deps,
    { email, role: 'admin', ...(options.photographer ? { withStudio: true, studioName: options.studioName } : {}) },
    { actorUserId: null, ...origin },
    { sendInvitation: false },
  );
  // Whoever holds the console's one-time link is signed in by it at once: the account is in use
  // from this moment, not an invitation waiting (the admin console would list it as "Invited").
  await updateUser(deps.db, user.id, { email_verified_at: now, updated_at: now });
  await recordAudit(deps.db, {
    action: 'setup.first_admin_created',
    actorUserId: user.id,
    subjectUserId: user.id,
    ...origin,
    details: { withStudio: options.photographer === true },
  });
  return { userId: user.id };
}
