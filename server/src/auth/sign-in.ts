import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { hashPassword, needsRehash, verifyPassword } from '../crypto/passwords.ts';
import { generateId, generateNumericCode, generateToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import { runInBackground } from '../jobs/background.ts';
import { type RequestOrigin, rateLimitNetwork } from '../http/request-origin.ts';
import {
  consumeChallenge,
  consumeSignInCode,
  countFailedChallenge,
  countFailedSignInCode,
  findChallenge,
  findLatestSignInCode,
  insertChallenge,
  listUnusedRecoveryCodes,
  replaceRecoveryCodes,
  replaceSignInCode,
  useRecoveryCode,
} from './codes-repo.ts';
import type { AuthDeps } from './context.ts';
import { canonicalRecoveryCode, matchTotp } from './totp.ts';
import { openTotpSeed } from './totp-seeds.ts';
import { normalizeEmail } from './users.ts';
import { type UserRow, advanceTotpStep, findUserByEmail, findUserById, updateUser } from './users-repo.ts';

/**
 * The sign-in steps: an emailed one-time code or a password, then a second factor (TOTP or a
 * recovery code) when the account has one. Every answer about an account is the same whether
 * or not the account exists: same status, same body, the same work done (a dummy hash or MAC),
 * and the email sent in the background.
 */

const codeLifetimeMs = 10 * 60_000;
const maxCodeAttempts = 5;
const challengeLifetimeMs = 5 * 60_000;
const maxSecondFactorAttempts = 5;

export type SignInOutcome = { kind: 'signed-in'; userId: string } | { kind: 'second-factor'; userId: string; challengeToken: string };

const invalidCode = () => new AppError('invalid_code', 'That code is wrong or has expired. Request a new one if needed.', 400);
const invalidCredentials = () => new AppError('invalid_credentials', 'The email or password is not right.', 401);

/** Rate-limit key for an account: a hash, so raw addresses never reach Redis. */
function accountKey(email: string): string {
  return hashToken(`account:${email}`);
}

function codePurpose(userId: string): string {
  return `sign-in-code/${userId}`;
}

function recoveryPurpose(userId: string): string {
  return `recovery-code/${userId}`;
}

function isActive(user: UserRow | undefined): user is UserRow {
  return user !== undefined && user.disabled_at === null;
}

export async function requestSignInCode(deps: AuthDeps, emailInput: string, origin: RequestOrigin): Promise<void> {
  const email = normalizeEmail(emailInput);
  await deps.limits.consume('codeRequestPerIp', rateLimitNetwork(origin.ip));
  await deps.limits.consume('codeRequestPerAccount', accountKey(email));
  const user = await findUserByEmail(deps.db, email);
  const code = generateNumericCode(6);
  if (!isActive(user)) {
    await deps.pepper.hash(code, codePurpose('unknown'));
    await recordAudit(deps.db, { action: 'sign_in.code_requested', ...origin, details: { account: 'none' } });
    return;
  }
  const now = deps.now();
  const digest = await deps.pepper.hash(code, codePurpose(user.id));
  await replaceSignInCode(deps.db, { id: generateId(), userId: user.id, digest: digest.digest, keyVersion: digest.keyVersion, now, expiresAt: now + codeLifetimeMs });
  await recordAudit(deps.db, { action: 'sign_in.code_requested', subjectUserId: user.id, ...origin });
  runInBackground(deps.logger, 'sign-in-code-email', () =>
    deps.mailer.send({
      to: email,
      subject: `Your Shutterlock sign-in code: ${code}`,
      text: [
        `Your sign-in code is ${code}`,
        '',
        'It is valid for 10 minutes and can be used once.',
        `Requested from ${origin.ip}. If this was not you, ignore this message: nobody can sign in without the code.`,
      ].join('\n'),
    }),
  );
}

export async function verifySignInCode(deps: AuthDeps, emailInput: string, code: string, origin: RequestOrigin): Promise<SignInOutcome> {
  const email = normalizeEmail(emailInput);
  await deps.limits.consume('codeVerifyPerIp', rateLimitNetwork(origin.ip));
  await deps.limits.consume('codeVerifyPerAccount', accountKey(email));
  const user = await findUserByEmail(deps.db, email);
  const now = deps.now();
  const row = isActive(user) ? await findLatestSignInCode(deps.db, user.id) : undefined;
  const usable = row !== undefined && row.expires_at > now && row.failed_attempts < maxCodeAttempts;
  let matches = false;
  if (usable && /^\d{6}$/.test(code)) {
    matches = await deps.pepper.verify(code, codePurpose(row.user_id), { keyVersion: row.key_version, digest: row.code_digest });
  } else {
    await deps.pepper.hash(code.slice(0, 6), codePurpose('unknown')); // the same work as a real check
  }
  if (!isActive(user) || !row || !matches) {
    if (row && usable) await countFailedSignInCode(deps.db, row.id);
    await recordAudit(deps.db, { action: 'sign_in.code_failed', subjectUserId: user?.id ?? null, ...origin });
    throw invalidCode();
  }
  if (!(await consumeSignInCode(deps.db, row.id, now, maxCodeAttempts))) throw invalidCode();
  if (user.email_verified_at === null) await updateUser(deps.db, user.id, { email_verified_at: now, updated_at: now });
  await deps.limits.reset('codeVerifyPerAccount', accountKey(email));
  return afterFirstFactor(deps, user, 'email_code', origin);
}

let dummyPasswordHash: Promise<string> | undefined;

export async function signInWithPassword(deps: AuthDeps, emailInput: string, password: string, origin: RequestOrigin): Promise<SignInOutcome> {
  const email = normalizeEmail(emailInput);
  await deps.limits.consume('passwordPerIp', rateLimitNetwork(origin.ip));
  await deps.limits.consume('passwordPerAccount', accountKey(email));
  const user = await findUserByEmail(deps.db, email);
  // Without an account (or a password) we still pay for one Argon2 verification, so the
  // answer takes as long as a wrong password would.
  dummyPasswordHash ??= hashPassword(generateToken());
  const storedHash = isActive(user) && user.password_hash ? user.password_hash : await dummyPasswordHash;
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

async function acceptTotp(deps: AuthDeps, userId: string, sealedSeed: string, code: string, now: number): Promise<boolean> {
  const step = matchTotp(await openTotpSeed(deps.secrets, 'confirmed', userId, sealedSeed), code, now);
  return step !== null && (await advanceTotpStep(deps.db, userId, step));
}

async function acceptRecoveryCode(deps: AuthDeps, user: UserRow, input: string, now: number): Promise<boolean> {
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
