import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { AuthDeps, RequestOrigin } from './context.ts';
import { createUser, normalizeEmail } from './users.ts';
import { adminExists } from './users-repo.ts';
import { rateLimitNetwork } from '../http/request-origin.ts';

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
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('setup_tokens').execute();
    await trx.insertInto('setup_tokens').values({ token_hash: hashToken(token), created_at: now, expires_at: now + setupLifetimeMs, used_at: null }).execute();
  });
  return token;
}

export async function createFirstAdmin(deps: AuthDeps, token: string, emailInput: string, origin: RequestOrigin): Promise<{ userId: string }> {
  await deps.limits.consume('setupPerIp', rateLimitNetwork(origin.ip));
  const email = normalizeEmail(emailInput); // before the token is spent, so a typo does not burn it
  const invalid = () => new AppError('setup_token_invalid', 'This setup link is invalid or has expired. Restart the server for a new one.', 400);
  if (token.length > 100) throw invalid();
  const now = deps.now();
  const claimed = await deps.db
    .updateTable('setup_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1 || (await adminExists(deps.db))) throw invalid();
  const user = await createUser(deps, { email, role: 'admin' }, { actorUserId: null, ...origin }, { sendInvitation: false });
  await recordAudit(deps.db, { action: 'setup.first_admin_created', actorUserId: user.id, subjectUserId: user.id, ...origin });
  return { userId: user.id };
}
