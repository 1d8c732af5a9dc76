import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { hashPassword, verifyPassword } from '../crypto/passwords.ts';
import { generateToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { Principal } from '../http/access.ts';
import { runInBackground } from '../jobs/background.ts';
import type { Cookie } from '../http/cookies.ts';
import { type RequestOrigin, rateLimitNetwork } from '../http/request-origin.ts';
import { claimResetToken, findResetToken, replaceResetToken } from './codes-repo.ts';
import type { AuthDeps } from './context.ts';
import { clearSecondFactor, notifyCredentialChange } from './credential-changes.ts';
import { requireRecentAuthentication } from './reauthentication.ts';
import { assertAcceptablePassword } from './password-policy.ts';
import { revokeUserSessions, startSession } from './sessions.ts';
import { storeRecoveryCodes } from './sign-in.ts';
import { generateRecoveryCodes, generateTotpSecret, matchTotp, totpEnrollmentDetails } from './totp.ts';
import { openTotpSeed, sealTotpSeed } from './totp-seeds.ts';
import { normalizeEmail } from './email-address.ts';
import { findUserByEmail, findUserById, updateUser } from './users-repo.ts';

/** What a signed-in person changes about their own account (password, TOTP, recovery codes: each after re-authentication), and password reset. */

const resetLifetimeMs = 30 * 60_000;

async function signedInUser(deps: AuthDeps, principal: Principal) {
  const user = await findUserById(deps.db, principal.userId);
  if (!user) throw new AppError('not_signed_in', 'Sign in to continue.', 401);
  return user;
}

/**
 * A change that raises what the session proves (new password, new second factor) ends every
 * other session and replaces the caller's own token, so a stolen older token is worthless.
 * The new session keeps the old one's `authenticated_at`: a renewal is not a fresh proof.
 * Returns the new session's cookie.
 */
async function renewSessionAfterCredentialChange(deps: AuthDeps, principal: Principal, origin: RequestOrigin): Promise<Cookie> {
  await revokeUserSessions(deps, principal.userId, 'credentials_changed');
  return startSession(deps, principal.userId, origin, { authenticatedAt: principal.authenticatedAt });
}

/** Returns the cookie of the session that replaces the caller's. Needs a recent proof of identity, and the current password when there is one. */
export async function setPassword(
  deps: AuthDeps,
  principal: Principal,
  input: { currentPassword?: string; newPassword: string },
  origin: RequestOrigin,
): Promise<Cookie> {
  requireRecentAuthentication(deps, principal);
  const user = await signedInUser(deps, principal);
  if (user.password_hash) {
    await deps.limits.consume('passwordPerAccount', `change:${user.id}`);
    if (!input.currentPassword || !(await verifyPassword(user.password_hash, input.currentPassword))) {
      await recordAudit(deps.db, { action: 'password.change_failed', actorUserId: user.id, subjectUserId: user.id, ...origin });
      throw new AppError('current_password_wrong', 'Your current password is not right.', 400);
    }
  }
  await assertAcceptablePassword(input.newPassword, user.email);
  await updateUser(deps.db, user.id, { password_hash: await hashPassword(input.newPassword), updated_at: deps.now() });
  const sessionCookie = await renewSessionAfterCredentialChange(deps, principal, origin);
  await recordAudit(deps.db, { action: 'password.changed', actorUserId: user.id, subjectUserId: user.id, ...origin });
  await notifyCredentialChange(deps, user, user.password_hash ? 'password_changed' : 'password_set', origin);
  return sessionCookie;
}

export async function startTotpEnrollment(deps: AuthDeps, principal: Principal): Promise<{ secret: string; otpauthUrl: string; qrCodeDataUrl: string }> {
  requireRecentAuthentication(deps, principal);
  const user = await signedInUser(deps, principal);
  if (user.totp_enabled_at !== null) throw new AppError('totp_already_enabled', 'Two-factor authentication is already on.', 409);
  const secret = generateTotpSecret();
  await updateUser(deps.db, user.id, { totp_pending_seed: await sealTotpSeed(deps.secrets, 'pending', user.id, secret), updated_at: deps.now() });
  return { secret, ...(await totpEnrollmentDetails(secret, user.email)) };
}

/** The recovery codes to show once, and the cookie of the session that replaces the caller's. */
export async function confirmTotpEnrollment(
  deps: AuthDeps,
  principal: Principal,
  code: string,
  origin: RequestOrigin,
): Promise<{ recoveryCodes: string[]; sessionCookie: Cookie }> {
  requireRecentAuthentication(deps, principal);
  const user = await signedInUser(deps, principal);
  if (user.totp_enabled_at !== null) throw new AppError('totp_already_enabled', 'Two-factor authentication is already on.', 409);
  if (!user.totp_pending_seed) throw new AppError('totp_enrollment_not_started', 'Start setting up two-factor authentication first.', 409);
  await deps.limits.consume('secondFactorPerAccount', user.id);
  const secret = await openTotpSeed(deps.secrets, 'pending', user.id, user.totp_pending_seed);
  const now = deps.now();
  const step = matchTotp(secret, code.trim(), now);
  if (step === null) throw new AppError('invalid_totp_code', 'That code is not right. Check the time on your phone and try the next code.', 400);
  await updateUser(deps.db, user.id, {
    totp_seed: await sealTotpSeed(deps.secrets, 'confirmed', user.id, secret),
    totp_pending_seed: null,
    totp_enabled_at: now,
    totp_last_step: step,
    updated_at: now,
  });
  const recoveryCodes = generateRecoveryCodes();
  await storeRecoveryCodes(deps, user.id, recoveryCodes);
  const sessionCookie = await renewSessionAfterCredentialChange(deps, principal, origin);
  await recordAudit(deps.db, { action: 'totp.enrolled', actorUserId: user.id, subjectUserId: user.id, ...origin });
  await notifyCredentialChange(deps, user, 'totp_enrolled', origin);
  return { recoveryCodes, sessionCookie };
}

/** Turns two-factor authentication off (not for administrators, who must keep it). */
export async function disableTotp(deps: AuthDeps, principal: Principal, origin: RequestOrigin): Promise<void> {
  requireRecentAuthentication(deps, principal);
  const user = await signedInUser(deps, principal);
  if (user.totp_enabled_at === null) throw new AppError('totp_not_enabled', 'Two-factor authentication is not on.', 409);
  if (user.role === 'admin') throw new AppError('totp_required', 'Administrators must keep two-factor authentication on.', 409);
  await clearSecondFactor(deps, user.id, deps.now());
  await recordAudit(deps.db, { action: 'totp.disabled', actorUserId: user.id, subjectUserId: user.id, ...origin });
  await notifyCredentialChange(deps, user, 'totp_disabled', origin);
}

/** A new set of 10 recovery codes, shown once; the old set stops working. */
export async function regenerateRecoveryCodes(deps: AuthDeps, principal: Principal, origin: RequestOrigin): Promise<string[]> {
  requireRecentAuthentication(deps, principal);
  const user = await signedInUser(deps, principal);
  if (user.totp_enabled_at === null) throw new AppError('totp_not_enabled', 'Two-factor authentication is not on.', 409);
  const recoveryCodes = generateRecoveryCodes();
  await storeRecoveryCodes(deps, user.id, recoveryCodes);
  await recordAudit(deps.db, { action: 'totp.recovery_codes_regenerated', actorUserId: user.id, subjectUserId: user.id, ...origin });
  await notifyCredentialChange(deps, user, 'recovery_codes_regenerated', origin);
  return recoveryCodes;
}

export async function requestPasswordReset(deps: AuthDeps, emailInput: string, origin: RequestOrigin): Promise<void> {
  const email = normalizeEmail(emailInput);
  await deps.limits.consume('resetRequestPerIp', rateLimitNetwork(origin.ip));
  await deps.limits.consume('resetRequestPerAccount', hashToken(`reset:${email}`));
  const user = await findUserByEmail(deps.db, email);
  const token = generateToken();
  if (!user || user.disabled_at !== null) {
    await recordAudit(deps.db, { action: 'password.reset_requested', ...origin, details: { account: 'none' } });
    return;
  }
  const now = deps.now();
  await replaceResetToken(deps.db, { tokenHash: hashToken(token), userId: user.id, now, expiresAt: now + resetLifetimeMs });
  await recordAudit(deps.db, { action: 'password.reset_requested', subjectUserId: user.id, ...origin });
  // The token travels in the URL fragment, which browsers never send to a server or a Referer.
  const link = `${deps.config.publicUrl}/reset-password#token=${token}`;
  runInBackground(deps.logger, 'password-reset-email', () =>
    deps.mailer.send({
      to: email,
      subject: 'Reset your Shutterlock password',
      text: [
        'Someone (hopefully you) asked to reset the password of your Shutterlock account.',
        '',
        `Choose a new password here within 30 minutes: ${link}`,
        '',
        'Resetting signs you out everywhere. If you did not ask for this, ignore this message.',
      ].join('\n'),
    }),
  );
}

export async function resetPassword(deps: AuthDeps, token: string, newPassword: string, origin: RequestOrigin): Promise<void> {
  await deps.limits.consume('resetCompletePerIp', rateLimitNetwork(origin.ip));
  const invalid = () => new AppError('reset_token_invalid', 'This reset link is invalid or has expired. Ask for a new one.', 400);
  if (token.length > 100) throw invalid();
  const now = deps.now();
  const row = await findResetToken(deps.db, hashToken(token));
  if (!row || row.used_at !== null || row.expires_at <= now) throw invalid();
  const user = await findUserById(deps.db, row.user_id);
  if (!user || user.disabled_at !== null) throw invalid();
  await assertAcceptablePassword(newPassword, user.email);
  if (!(await claimResetToken(deps.db, row.token_hash, now))) throw invalid();
  await updateUser(deps.db, user.id, {
    password_hash: await hashPassword(newPassword),
    email_verified_at: user.email_verified_at ?? now,
    updated_at: now,
  });
  const ended = await revokeUserSessions(deps, user.id, 'password_reset');
  await recordAudit(deps.db, { action: 'password.reset', subjectUserId: user.id, ...origin, details: { sessionsEnded: ended } });
  await notifyCredentialChange(deps, user, 'password_reset', origin);
}
