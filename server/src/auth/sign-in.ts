import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { hashPassword, needsRehash, verifyPassword } from '../crypto/passwords.ts';
import { generateId, generateNumericCode, generateToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import { runInBackground } from '../jobs/background.ts';
import { type RequestOrigin, rateLimitNetwork } from '../http/request-origin.ts';
import { checkEmailedCode, codePurpose, invalidCode } from './code-guard.ts';
import {
  consumeChallenge,
  countFailedChallenge,
  findChallenge,
  insertChallenge,
  listUnusedRecoveryCodes,
  replaceNoSignInCode,
  replaceRecoveryCodes,
  replaceSignInCode,
  useRecoveryCode,
} from './codes-repo.ts';
import type { AuthDeps } from './context.ts';
import { canonicalRecoveryCode, matchTotp } from './totp.ts';
import { openTotpSeed } from './totp-seeds.ts';
import { normalizeEmail } from './email-address.ts';
import { type UserRow, advanceTotpStep, findUserByEmail, findUserById, updateUser } from './users-repo.ts';

/**
 * The sign-in steps: an emailed one-time code or a password, then a second factor (TOTP or a
 * recovery code) when the account has one. Every answer about an account is the same whether
 * or not the account exists: same status, same body, the same work done (a dummy hash or MAC),
 * and the email sent in the background.
 */

const codeLifetimeMs = 10 * 60_000;
const challengeLifetimeMs = 5 * 60_000;
const maxSecondFactorAttempts = 5;

export type SignInOutcome = { kind: 'signed-in'; userId: string } | { kind: 'second-factor'; userId: string; challengeToken: string };

const invalidCredentials = () => new AppError('invalid_credentials', 'The email or password is not right.', 401);

/** Rate-limit key for an account: a hash, so raw addresses never reach Redis or the database. */
function accountKey(email: string): string {
  return hashToken(`account:${email}`);
}

function recoveryPurpose(userId: string): string {
  return `recovery-code/${userId}`;
}

function isActive(user: UserRow | undefined): user is UserRow {
  return user !== undefined && user.disabled_at === null;
}

/** A nonce cookie's value as the browser sent it, or undefined when it is missing or malformed. */
function browserNonceHash(nonce: string | undefined): string | undefined {
  return nonce && /^[A-Za-z0-9_-]{20,100}$/.test(nonce) ? hashToken(`sign-in-browser:${nonce}`) : undefined;
}

/**
 * Emails a code bound to the asking browser: the caller sets the returned nonce as a cookie,
 * and only a request carrying it can use the code. A browser that already has a nonce keeps
 * it, so its new code replaces its previous one.
 */
export async function requestSignInCode(deps: AuthDeps, emailInput: string, origin: RequestOrigin, currentNonce?: string): Promise<{ browserNonce: string }> {
  const email = normalizeEmail(emailInput);
  await deps.limits.consume('codeRequestPerIp', rateLimitNetwork(origin.ip));
  await deps.limits.consume('codeRequestPerAccount', accountKey(email));
  const browserNonce = browserNonceHash(currentNonce) ? (currentNonce as string) : generateToken();
  const browserHash = browserNonceHash(browserNonce) as string;
  const user = await findUserByEmail(deps.db, email);
  const code = generateNumericCode(6);
  const now = deps.now();
  // The code is stored and mailed in the background, and an address without an account runs
  // the same transaction (matching nothing) there too: the answer waits for the same work.
  if (!isActive(user)) {
    await deps.pepper.hash(code, codePurpose('unknown'));
    await recordAudit(deps.db, { action: 'sign_in.code_requested', ...origin, details: { account: 'none' } });
    runInBackground(deps.logger, 'sign-in-code', () => replaceNoSignInCode(deps.db, browserHash, now));
    return { browserNonce };
  }
  const digest = await deps.pepper.hash(code, codePurpose(user.id));
  await recordAudit(deps.db, { action: 'sign_in.code_requested', subjectUserId: user.id, ...origin });
  const store = () =>
    replaceSignInCode(deps.db, {
      id: generateId(),
      userId: user.id,
      purpose: 'sign_in',
      browserHash,
      digest: digest.digest,
      keyVersion: digest.keyVersion,
      now,
      expiresAt: now + codeLifetimeMs,
    });
  sendCodeEmail(deps, email, code, 'sign-in', origin, store);
  return { browserNonce };
}

/**
 * Mails a code, after `store` (when given) has saved it. The code is in the body only: a
 * subject shows on lock screens and in notification previews.
 */
export function sendCodeEmail(
  deps: AuthDeps,
  email: string,
  code: string,
  use: 'sign-in' | 're-authentication',
  origin: RequestOrigin,
  store?: () => Promise<void>,
): void {
  const intro = use === 'sign-in' ? `Your sign-in code is ${code}` : `Your confirmation code is ${code}`;
  const why =
    use === 'sign-in'
      ? 'If this was not you, ignore this message: nobody can sign in without the code.'
      : 'It confirms a change to your sign-in settings. If this was not you, someone is using your session: sign out everywhere from your account page.';
  runInBackground(deps.logger, 'sign-in-code-email', async () => {
    await store?.();
    await deps.mailer.send({
      to: email,
      subject: use === 'sign-in' ? 'Your Shutterlock sign-in code' : 'Confirm a change to your Shutterlock account',
      text: [intro, '', 'It is valid for 10 minutes and can be used once, in the browser that asked for it.', `Requested from ${origin.ip}. ${why}`].join('\n'),
    });
  });
}

export async function verifySignInCode(
  deps: AuthDeps,
  emailInput: string,
  code: string,
  origin: RequestOrigin,
  browserNonce: string | undefined,
): Promise<SignInOutcome> {
  const email = normalizeEmail(emailInput);
  const browserHash = browserNonceHash(browserNonce);
  await deps.limits.consume('codeVerifyPerIp', rateLimitNetwork(origin.ip));
  // Per account and browser: guesses from another browser cannot spend the owner's budget.
  await deps.limits.consume('codeVerifyPerAccount', hashToken(`${accountKey(email)}:${browserHash ?? 'none'}`));
  const user = await findUserByEmail(deps.db, email);
  // Without a usable account the check does the same work, finds no code and throws.
  const signedIn = isActive(user) ? user : undefined;
  await checkEmailedCode(deps, { user: signedIn ?? { id: null, email }, purpose: 'sign_in', browserHash, code, origin });
  if (!signedIn) throw invalidCode();
  const now = deps.now();
  if (signedIn.email_verified_at === null) await updateUser(deps.db, signedIn.id, { email_verified_at: now, updated_at: now });
  return afterFirstFactor(deps, signedIn, 'email_code', origin);
}

export async function signInWithPassword(deps: AuthDeps, emailInput: string, password: string, origin: RequestOrigin): Promise<SignInOutcome> {
  const email = normalizeEmail(emailInput);
  await deps.limits.consume('passwordPerIp', rateLimitNetwork(origin.ip));
  await deps.limits.consume('passwordPerAccount', accountKey(email));
  const user = await findUserByEmail(deps.db, email);
  // Without an account (or a password) we still pay for one Argon2 verification, against a
  // hash computed at start-up, so the answer takes as long as a wrong password would.
  const storedHash = isActive(user) && user.password_hash ? user.password_hash : await deps.dummyPasswordHash;
  const verified = await verifyPassword(storedHash, password);
  if (!isActive(user) || !user.password_hash || !verified) {
    await recordAudit(deps.db, { action: 'sign_in.password_failed', subjectUserId: user?.id ?? null, ...origin });
    throw invalidCredentials();
  }
  if (needsRehash(user.password_hash)) await updateUser(deps.db, user.id, { password_hash: await hashPassword(password) });
  await deps.limits.reset('passwordPerAccount', accountKey(email));
  return afterFirstFactor(deps, user, 'password', origin);
}

async function afterFirstFactor(deps: AuthDeps, user: UserRow, method: string, origin: RequestOrigin): Promise<SignInOutcome> {
  if (user.totp_enabled_at === null) {
    await recordAudit(deps.db, { action: 'sign_in.succeeded', actorUserId: user.id, subjectUserId: user.id, ...origin, details: { method } });
    return { kind: 'signed-in', userId: user.id };
  }
  const challengeToken = generateToken();
  const now = deps.now();
  await insertChallenge(deps.db, { tokenHash: hashToken(challengeToken), userId: user.id, now, expiresAt: now + challengeLifetimeMs });
  await recordAudit(deps.db, { action: 'sign_in.first_factor_passed', subjectUserId: user.id, ...origin, details: { method } });
  return { kind: 'second-factor', userId: user.id, challengeToken };
}

const challengeExpired = () => new AppError('second_factor_expired', 'This sign-in has expired. Start again.', 401);

export async function verifySecondFactor(deps: AuthDeps, challengeToken: string | undefined, code: string, origin: RequestOrigin): Promise<{ userId: string }> {
  await deps.limits.consume('secondFactorPerIp', rateLimitNetwork(origin.ip));
  if (!challengeToken || challengeToken.length > 100) throw challengeExpired();
  const now = deps.now();
  const challenge = await findChallenge(deps.db, hashToken(challengeToken));
  if (!challenge || challenge.consumed_at !== null || challenge.expires_at <= now || challenge.failed_attempts >= maxSecondFactorAttempts) throw challengeExpired();
  await deps.limits.consume('secondFactorPerAccount', challenge.user_id);
  const user = await findUserById(deps.db, challenge.user_id);
  if (!isActive(user) || !user.totp_seed) throw challengeExpired();

  const method = /^\d{6}$/.test(code.trim()) ? 'totp' : 'recovery_code';
  const accepted = method === 'totp' ? await acceptTotp(deps, user.id, user.totp_seed, code.trim(), now) : await acceptRecoveryCode(deps, user, code, now);
  if (!accepted) {
    await countFailedChallenge(deps.db, challenge.token_hash);
    await recordAudit(deps.db, { action: 'sign_in.second_factor_failed', subjectUserId: user.id, ...origin, details: { method } });
    throw new AppError('invalid_second_factor', 'That code is not right.', 400);
  }
  if (!(await consumeChallenge(deps.db, challenge.token_hash, now))) throw challengeExpired();
  await recordAudit(deps.db, { action: 'sign_in.succeeded', actorUserId: user.id, subjectUserId: user.id, ...origin, details: { method: `second_factor_${method}` } });
  return { userId: user.id };
}

export async function acceptTotp(deps: AuthDeps, userId: string, sealedSeed: string, code: string, now: number): Promise<boolean> {
  const step = matchTotp(await openTotpSeed(deps.secrets, 'confirmed', userId, sealedSeed), code, now);
  return step !== null && (await advanceTotpStep(deps.db, userId, step));
}

export async function acceptRecoveryCode(deps: AuthDeps, user: UserRow, input: string, now: number): Promise<boolean> {
  const candidate = canonicalRecoveryCode(input);
  if (candidate.length !== 12) return false;
  for (const stored of await listUnusedRecoveryCodes(deps.db, user.id)) {
    if (await deps.pepper.verify(candidate, recoveryPurpose(user.id), { keyVersion: stored.key_version, digest: stored.code_digest })) {
      return useRecoveryCode(deps.db, stored.id, now);
    }
  }
  return false;
}

export async function storeRecoveryCodes(deps: AuthDeps, userId: string, codes: string[]): Promise<void> {
  const now = deps.now();
  const rows = await Promise.all(
    codes.map(async (code) => {
      const digest = await deps.pepper.hash(canonicalRecoveryCode(code), recoveryPurpose(userId));
      return { id: generateId(), user_id: userId, code_digest: digest.digest, key_version: digest.keyVersion, created_at: now, used_at: null };
    }),
  );
  await replaceRecoveryCodes(deps.db, userId, rows);
}
