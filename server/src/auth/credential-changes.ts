import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { RequestOrigin } from '../http/request-origin.ts';
import { runInBackground } from '../jobs/background.ts';
import { claimCredentialChangeToken, deleteRecoveryCodes, insertCredentialChangeToken } from './codes-repo.ts';
import type { AuthDeps } from './context.ts';
import { revokeUserSessions } from './sessions.ts';
import { findUserById, updateUser } from './users-repo.ts';

/**
 * Every change to how an account signs in is emailed to its owner, with a one-click "this
 * wasn't me" link (7 days, single use, stored only as SHA-256). Following it ends every session
 * of the account and undoes what the change added — a password set by someone else is removed,
 * a second factor enrolled by someone else is removed with its recovery codes — so the owner
 * signs in again with an emailed code and the intruder holds nothing that still works.
 */

export type CredentialChange =
  | 'password_set'
  | 'password_changed'
  | 'password_reset'
  | 'totp_enrolled'
  | 'totp_disabled'
  | 'recovery_codes_regenerated'
  | 'second_factor_reset_by_admin';

const disownLifetimeMs = 7 * 24 * 60 * 60_000;

const descriptions: Record<CredentialChange, string> = {
  password_set: 'A password was set on your account.',
  password_changed: 'The password of your account was changed.',
  password_reset: 'The password of your account was reset with an emailed link.',
  totp_enrolled: 'Two-factor authentication was turned on for your account with a new authenticator app.',
  totp_disabled: 'Two-factor authentication was turned off for your account.',
  recovery_codes_regenerated: 'New recovery codes were made for your account; the old ones no longer work.',
  second_factor_reset_by_admin: 'An administrator reset the two-factor authentication of your account: sign in with an emailed code and set it up again.',
};

/** What following the link undoes, beyond ending every session. */
const undo: Partial<Record<CredentialChange, 'password' | 'second_factor'>> = {
  password_set: 'password',
  password_changed: 'password',
  password_reset: 'password',
  totp_enrolled: 'second_factor',
};

function isCredentialChange(value: string): value is CredentialChange {
  return Object.hasOwn(descriptions, value);
}

export async function notifyCredentialChange(
  deps: AuthDeps,
  user: { id: string; email: string },
  change: CredentialChange,
  origin: Partial<RequestOrigin>,
): Promise<void> {
  const token = generateToken();
  const now = deps.now();
  await insertCredentialChangeToken(deps.db, { tokenHash: hashToken(token), userId: user.id, change, now, expiresAt: now + disownLifetimeMs });
  // The token travels in the URL fragment, which browsers never send to a server or a Referer.
  const link = `${deps.config.publicUrl}/not-me#token=${token}`;
  runInBackground(deps.logger, 'credential-change-email', () =>
    deps.mailer.send({
      to: user.email,
      subject: 'A sign-in setting of your Shutterlock account changed',
      text: [
        descriptions[change],
        '',
        `When: ${new Date(now).toISOString().replace('T', ' ').slice(0, 16)} UTC${origin.ip ? `, from network ${origin.ip}` : ''}.`,
        '',
        'If this was you, nothing is needed.',
        `If this was not you, open this link within 7 days: it signs you out everywhere${undo[change] ? ' and undoes the change' : ''}. ${link}`,
      ].join('\n'),
    }),
  );
}

const invalidLink = () => new AppError('disown_token_invalid', 'This link is invalid, was already used or has expired.', 400);

/** "This wasn't me": ends every session and undoes what the change added. */
export async function disownCredentialChange(deps: AuthDeps, token: string, origin: RequestOrigin): Promise<{ sessionsEnded: number }> {
  if (token.length > 100) throw invalidLink();
  const now = deps.now();
  const claimed = await claimCredentialChangeToken(deps.db, hashToken(token), now);
  const user = claimed && (await findUserById(deps.db, claimed.userId));
  if (!claimed || !user || !isCredentialChange(claimed.change)) throw invalidLink();
  const undone = undo[claimed.change];
  if (undone === 'password') await updateUser(deps.db, user.id, { password_hash: null, updated_at: now });
  if (undone === 'second_factor') await clearSecondFactor(deps, user.id, now);
  const sessionsEnded = await revokeUserSessions(deps, user.id, 'credential_change_disowned');
  await recordAudit(deps.db, {
    action: 'auth.credential_change_disowned',
    subjectUserId: user.id,
    ...origin,
    details: { change: claimed.change, undone: undone ?? null, sessionsEnded },
  });
  return { sessionsEnded };
}

/** Turns TOTP off: seeds, enrollment in progress and recovery codes go. */
export async function clearSecondFactor(deps: Pick<AuthDeps, 'db'>, userId: string, now: number): Promise<void> {
  await updateUser(deps.db, userId, { totp_seed: null, totp_pending_seed: null, totp_enabled_at: null, totp_last_step: null, updated_at: now });
  await deleteRecoveryCodes(deps.db, userId);
}
