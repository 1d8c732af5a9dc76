import { recordAudit } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';
import type { RequestOrigin } from '../http/request-origin.ts';
import { runInBackground } from '../jobs/background.ts';
import { type SignInCodeRow, claimSignInCodeAttempt, consumeSignInCode, findLatestSignInCode, findSignInGuard, swapSignInGuard } from './codes-repo.ts';
import type { AuthDeps } from './context.ts';
import type { SignInCodePurpose } from '../db/tables.ts';

/**
 * Checking an emailed 6-digit code (to sign in, or to re-authenticate) under two budgets:
 *
 * - the code's own: 5 attempts, counted before the check so parallel guesses cannot exceed it;
 * - the account's, persistent in the database (`sign_in_guards`): after 10 wrong codes every
 *   wrong one locks code checks for the account, 15 minutes doubling every 3 more, and the
 *   count forgets one wrong code per 30 days without one. The owner is emailed at each lock.
 *
 * docs/security/auth.md has the arithmetic: at most 72 guesses in any year, so a success
 * probability below 7.2·10⁻⁵. A code is bound to the browser that asked for it (the nonce
 * cookie of requestSignInCode, or the session for re-authentication): a guess from elsewhere
 * finds no code at all, so it spends neither budget.
 */

export const maxCodeAttempts = 5;
export const freeCodeFailures = 10;
const failuresPerDoubling = 3;
const firstLockoutMs = 15 * 60_000;
/** Far beyond any lockout that matters, and no overflow to Infinity. */
const maxDoublings = 24;
export const codeFailureDecayMs = 30 * 24 * 60 * 60_000;

/** How long the account's code checks stay locked after its `failures`-th wrong code. */
export function lockoutAfter(failures: number): number {
  if (failures < freeCodeFailures) return 0;
  return firstLockoutMs * 2 ** Math.min(maxDoublings, Math.floor((failures - freeCodeFailures) / failuresPerDoubling));
}

/** The wrong codes that still count at `now`: one is forgotten per 30 days since the last. */
export function countingFailures(guard: { failures: number; last_failure_at: number | null } | undefined, now: number): number {
  if (!guard || guard.last_failure_at === null) return guard?.failures ?? 0;
  return Math.max(0, guard.failures - Math.floor((now - guard.last_failure_at) / codeFailureDecayMs));
}

export function codePurpose(userId: string): string {
  return `sign-in-code/${userId}`;
}

export const invalidCode = () => new AppError('invalid_code', 'That code is wrong or has expired. Request a new one if needed.', 400);

function lockedError(lockedUntil: number, now: number): AppError {
  return new AppError('sign_in_locked', 'Too many wrong codes for this account. We emailed its owner; try again later.', 429, {
    headers: { 'retry-after': String(Math.max(1, Math.ceil((lockedUntil - now) / 1000))) },
  });
}

interface CodeCheck {
  /** A null id: no usable account, so no code can match (the same work is done all the same). */
  user: { id: string | null; email: string };
  purpose: SignInCodePurpose;
  /** SHA-256 of the browser's nonce (or session); undefined when the browser sent none. */
  browserHash: string | undefined;
  code: string;
  origin: RequestOrigin;
}

/** Spends the code when it is right; otherwise throws `invalid_code`, `sign_in_locked` or `rate_limited`. */
export async function checkEmailedCode(deps: AuthDeps, check: CodeCheck): Promise<void> {
  const now = deps.now();
  const userId = check.user.id;
  const row = userId === null || check.browserHash === undefined ? undefined : await findLatestSignInCode(deps.db, userId, check.purpose, check.browserHash);
  if (userId === null || !row || row.expires_at <= now || !/^\d{6}$/.test(check.code)) {
    await deps.pepper.hash(check.code.slice(0, 6), codePurpose('unknown')); // the same work as a real check
    await recordAudit(deps.db, { action: 'sign_in.code_failed', subjectUserId: userId, ...check.origin, details: { purpose: check.purpose } });
    throw invalidCode();
  }
  const guard = await findSignInGuard(deps.db, userId);
  if (guard?.locked_until != null && guard.locked_until > now) throw lockedError(guard.locked_until, now);
  if (!(await claimSignInCodeAttempt(deps.db, row.id, maxCodeAttempts))) throw invalidCode();
  // Charged as a wrong code before the check, lock included, so a parallel guess sees it.
  const failures = countingFailures(guard, now) + 1;
  const lockMs = lockoutAfter(failures);
  const charged = { failures, last_failure_at: now, locked_until: lockMs > 0 ? now + lockMs : null };
  if (!(await swapSignInGuard(deps.db, userId, guard, charged))) {
    throw new AppError('rate_limited', 'Another attempt is in progress. Try again in a moment.', 429, { headers: { 'retry-after': '1' } });
  }
  if (await codeMatches(deps, row, check.code)) {
    const previous = { failures: guard?.failures ?? 0, last_failure_at: guard?.last_failure_at ?? null, locked_until: guard?.locked_until ?? null };
    await swapSignInGuard(deps.db, userId, { user_id: userId, ...charged }, previous);
    if (!(await consumeSignInCode(deps.db, row.id, now))) throw invalidCode();
    return;
  }
  await recordAudit(deps.db, { action: 'sign_in.code_failed', subjectUserId: userId, ...check.origin, details: { purpose: check.purpose, failures } });
  if (charged.locked_until !== null) await reportLock(deps, { ...check, user: { id: userId, email: check.user.email } }, failures, charged.locked_until);
  throw invalidCode();
}

async function codeMatches(deps: AuthDeps, row: SignInCodeRow, code: string): Promise<boolean> {
  return deps.pepper.verify(code, codePurpose(row.user_id), { keyVersion: row.key_version, digest: row.code_digest });
}

async function reportLock(deps: AuthDeps, check: CodeCheck & { user: { id: string } }, failures: number, lockedUntil: number): Promise<void> {
  await recordAudit(deps.db, {
    action: 'auth.sign_in_code_locked',
    subjectUserId: check.user.id,
    ...check.origin,
    details: { failures, lockedUntil, purpose: check.purpose },
  });
  const until = new Date(lockedUntil).toISOString().replace('T', ' ').slice(0, 16);
  runInBackground(deps.logger, 'sign-in-locked-email', () =>
    deps.mailer.send({
      to: check.user.email,
      subject: 'Sign-in codes for your Shutterlock account are paused',
      text: [
        `Someone entered ${failures} wrong sign-in codes for your account recently (the last from network ${check.origin.ip}).`,
        '',
        `To keep guessing useless, sign-in codes for your account are paused until ${until} UTC; each further wrong code pauses them longer.`,
        'Nobody can sign in without a code sent to this mailbox. If it was you, wait and request a new code.',
        'If it was not you, nothing is needed: your account is safe. An administrator can see these attempts in the audit log.',
      ].join('\n'),
    }),
  );
}
