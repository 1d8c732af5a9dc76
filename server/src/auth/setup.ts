import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import { type RequestOrigin, rateLimitNetwork } from '../http/request-origin.ts';
import { claimSetupToken, replaceSetupToken } from './codes-repo.ts';
import type { AuthDeps } from './context.ts';
import { normalizeEmail } from './email-address.ts';
import { createUser } from './users.ts';
import { adminExists } from './users-repo.ts';

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

export async function createFirstAdmin(deps: AuthDeps, token: string, emailInput: string, origin: RequestOrigin): Promise<{ userId: string }> {
  await deps.limits.consume('setupPerIp', rateLimitNetwork(origin.ip));
  const email = normalizeEmail(emailInput); // before the token is spent, so a typo does not burn it
  const invalid = () => new AppError('setup_token_invalid', 'This setup link is invalid or has expired. Restart the server for a new one.', 400);
  if (token.length > 100) throw invalid();
  const now = deps.now();
  if (!(await claimSetupToken(deps.db, hashToken(token), now)) || (await adminExists(deps.db))) throw invalid();
  const user = await createUser(deps, { email, role: 'admin' }, { actorUserId: null, ...origin }, { sendInvitation: false });
  await recordAudit(deps.db, { action: 'setup.first_admin_created', actorUserId: user.id, subjectUserId: user.id, ...origin });
  return { userId: user.id };
}
