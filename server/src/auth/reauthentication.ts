import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { verifyPassword } from '../crypto/passwords.ts';
import { generateId, generateNumericCode } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { Principal } from '../http/access.ts';
import type { RequestOrigin } from '../http/request-origin.ts';
import { checkEmailedCode, codePurpose } from './code-guard.ts';
import { replaceSignInCode } from './codes-repo.ts';
import type { AuthDeps } from './context.ts';
import { markSessionAuthenticated } from './sessions-repo.ts';
import { acceptRecoveryCode, acceptTotp, sendCodeEmail } from './sign-in.ts';
import { type UserRow, findUserById } from './users-repo.ts';

/**
 * Re-authentication ("sudo mode"). A session proves its owner only when it was made: a token
 * stolen later proves nothing. So the changes that would let a thief keep an account — setting
 * or changing the password, enrolling or removing TOTP, new recovery codes — need the owner to
 * have proved it is them within the last 10 minutes: by signing in, or here, with the strongest
 * kind of factor the account has (its TOTP or a recovery code when TOTP is on; otherwise an
 * emailed code or the password). The proof's time is the session's `authenticated_at`, which a
 * renewed session keeps (sessions.ts) — a renewal proves nothing new.
 */

export const reauthenticationWindowMs = 10 * 60_000;
const codeLifetimeMs = 10 * 60_000;

export type ReauthenticationMethod = 'email_code' | 'password' | 'totp';

export function requireRecentAuthentication(deps: Pick<AuthDeps, 'now'>, principal: Principal): void {
  if (deps.now() - principal.authenticatedAt > reauthenticationWindowMs) {
    throw new AppError('reauthentication_required', 'Confirm it is you first: this change needs a fresh proof of your identity.', 403);
  }
}

/** Re-authentication codes are bound to the session that asked for them, as sign-in codes are bound to a browser. */
function sessionBinding(principal: Principal): string {
  return hashToken(`reauthenticate-session:${principal.sessionId}`);
}

async function signedInUser(deps: AuthDeps, principal: Principal): Promise<UserRow> {
  const user = await findUserById(deps.db, principal.userId);
  if (!user || user.disabled_at !== null) throw new AppError('not_signed_in', 'Sign in to continue.', 401);
  return user;
}

/** The methods this account can re-authenticate with, strongest kind only. */
export function reauthenticationMethods(user: Pick<UserRow, 'totp_enabled_at' | 'password_hash'>): ReauthenticationMethod[] {
  if (user.totp_enabled_at !== null) return ['totp'];
  return user.password_hash ? ['email_code', 'password'] : ['email_code'];
}

export async function requestReauthenticationCode(deps: AuthDeps, principal: Principal, origin: RequestOrigin): Promise<void> {
  const user = await signedInUser(deps, principal);
  if (!reauthenticationMethods(user).includes('email_code')) {
    throw new AppError('reauthentication_method_unavailable', 'Confirm with a code from your authenticator app or a recovery code.', 409);
  }
  await deps.limits.consume('codeRequestPerAccount', hashToken(`reauthenticate:${user.id}`));
  const code = generateNumericCode(6);
  const now = deps.now();
  const digest = await deps.pepper.hash(code, codePurpose(user.id));
  await replaceSignInCode(deps.db, {
    id: generateId(),
    userId: user.id,
    purpose: 'reauthenticate',
    browserHash: sessionBinding(principal),
    digest: digest.digest,
    keyVersion: digest.keyVersion,
    now,
    expiresAt: now + codeLifetimeMs,
  });
  await recordAudit(deps.db, { action: 'auth.reauthentication_code_requested', actorUserId: user.id, subjectUserId: user.id, ...origin });
  sendCodeEmail(deps, user.email, code, 're-authentication', origin);
}

const reauthenticationFailed = () => new AppError('reauthentication_failed', 'That is not right. Try again.', 400);

/** Checks the proof and marks the session as freshly authenticated; returns until when that holds. */
export async function reauthenticate(
  deps: AuthDeps,
  principal: Principal,
  proof: { method: ReauthenticationMethod; secret: string },
  origin: RequestOrigin,
): Promise<{ reauthenticatedUntil: string }> {
  const user = await signedInUser(deps, principal);
  if (!reauthenticationMethods(user).includes(proof.method)) {
    throw new AppError('reauthentication_method_unavailable', 'This account confirms with another method.', 409);
  }
  const now = deps.now();
  const audit = { actorUserId: user.id, subjectUserId: user.id, ...origin };
  if (proof.method === 'email_code') {
    await checkEmailedCode(deps, { user, purpose: 'reauthenticate', browserHash: sessionBinding(principal), code: proof.secret.trim(), origin });
  } else if (!(await proofAccepted(deps, user, { method: proof.method, secret: proof.secret }, now))) {
    await recordAudit(deps.db, { action: 'auth.reauthentication_failed', ...audit, details: { method: proof.method } });
    throw reauthenticationFailed();
  }
  await markSessionAuthenticated(deps.db, principal.sessionId, now);
  await recordAudit(deps.db, { action: 'auth.reauthenticated', ...audit, details: { method: proof.method } });
  return { reauthenticatedUntil: new Date(now + reauthenticationWindowMs).toISOString() };
}

async function proofAccepted(deps: AuthDeps, user: UserRow, proof: { method: 'password' | 'totp'; secret: string }, now: number): Promise<boolean> {
  if (proof.method === 'password') {
    await deps.limits.consume('passwordPerAccount', hashToken(`reauthenticate:${user.id}`));
    return user.password_hash !== null && verifyPassword(user.password_hash, proof.secret);
  }
  await deps.limits.consume('secondFactorPerAccount', user.id);
  const code = proof.secret.trim();
  if (!user.totp_seed) return false;
  return /^\d{6}$/.test(code) ? acceptTotp(deps, user.id, user.totp_seed, code, now) : acceptRecoveryCode(deps, user, code, now);
}
