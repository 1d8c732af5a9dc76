import type { Kysely, Selectable } from 'kysely';
import type {
  PasswordResetTokensTable,
  RecoveryCodesTable,
  SecondFactorChallengesTable,
  SignInCodePurpose,
  SignInCodesTable,
  SignInGuardsTable,
  Tables,
} from '../db/tables.ts';

/**
 * Queries on the one-time secrets of signing in: emailed sign-in codes (and the account's
 * count of wrong ones), second-factor challenges, recovery codes, password reset tokens,
 * "this wasn't me" tokens and setup tokens. Each is stored only as a
 * hash or a peppered digest; every "use" is a compare-and-set, so a secret is spent once even
 * when two requests race.
 */

export type SignInCodeRow = Selectable<SignInCodesTable>;
export type ChallengeRow = Selectable<SecondFactorChallengesTable>;
export type RecoveryCodeRow = Selectable<RecoveryCodesTable>;
export type ResetTokenRow = Selectable<PasswordResetTokensTable>;

// ——— Sign-in codes ———

/**
 * A new code replaces the earlier ones of the same user, purpose and browser; codes another
 * browser asked for stay usable there (so asking for codes elsewhere cannot spend the owner's).
 */
export async function replaceSignInCode(
  db: Kysely<Tables>,
  code: { id: string; userId: string; purpose: SignInCodePurpose; browserHash: string; digest: string; keyVersion: string; now: number; expiresAt: number },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sign_in_codes')
      .set({ consumed_at: code.now })
      .where('user_id', '=', code.userId)
      .where('purpose', '=', code.purpose)
      .where('browser_hash', '=', code.browserHash)
      .where('consumed_at', 'is', null)
      .execute();
    await trx
      .insertInto('sign_in_codes')
      .values({
        id: code.id,
        user_id: code.userId,
        purpose: code.purpose,
        browser_hash: code.browserHash,
        code_digest: code.digest,
        key_version: code.keyVersion,
        created_at: code.now,
        expires_at: code.expiresAt,
        consumed_at: null,
      })
      .execute();
  });
}

/**
 * The same transaction as replaceSignInCode for an address without an account: the update
 * matches nothing, so the answer costs what a real request costs but stores nothing.
 */
export async function replaceNoSignInCode(db: Kysely<Tables>, browserHash: string, now: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sign_in_codes')
      .set({ consumed_at: now })
      .where('user_id', '=', '')
      .where('purpose', '=', 'sign_in')
      .where('browser_hash', '=', browserHash)
      .where('consumed_at', 'is', null)
      .execute();
  });
}

/** The newest unused code of this user and purpose that this browser asked for, whether or not it is still valid. */
export async function findLatestSignInCode(db: Kysely<Tables>, userId: string, purpose: SignInCodePurpose, browserHash: string): Promise<SignInCodeRow | undefined> {
  return db
    .selectFrom('sign_in_codes')
    .selectAll()
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('browser_hash', '=', browserHash)
    .where('consumed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Counts an attempt on the code before it is checked, unless it has run out: parallel guesses cannot exceed `maxAttempts`. */
export async function claimSignInCodeAttempt(db: Kysely<Tables>, id: string, maxAttempts: number): Promise<boolean> {
  const result = await db
    .updateTable('sign_in_codes')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('failed_attempts', '<', maxAttempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Uses the code, unless it was used meanwhile. */
export async function consumeSignInCode(db: Kysely<Tables>, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('sign_in_codes').set({ consumed_at: now }).where('id', '=', id).where('consumed_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ——— The persistent count of wrong codes per account ———

export type SignInGuardRow = Selectable<SignInGuardsTable>;

export async function findSignInGuard(db: Kysely<Tables>, userId: string): Promise<SignInGuardRow | undefined> {
  return db.selectFrom('sign_in_guards').selectAll().where('user_id', '=', userId).executeTakeFirst();
}

/**
 * Compare-and-set of an account's guard: writes `next` only if the row still holds `expected`
 * (no row at all when `expected` is undefined), so two parallel attempts cannot both pass a check.
 */
export async function swapSignInGuard(
  db: Kysely<Tables>,
  userId: string,
  expected: SignInGuardRow | undefined,
  next: Omit<SignInGuardRow, 'user_id'>,
): Promise<boolean> {
  if (!expected) {
    const inserted = await db
      .insertInto('sign_in_guards')
      .values({ user_id: userId, ...next })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const result = await db
    .updateTable('sign_in_guards')
    .set(next)
    .where('user_id', '=', userId)
    .where('failures', '=', expected.failures)
    .where((eb) => (expected.last_failure_at === null ? eb('last_failure_at', 'is', null) : eb('last_failure_at', '=', expected.last_failure_at)))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Forgets an account's wrong codes: an admin's reset of its sign-in. */
export async function deleteSignInGuard(db: Kysely<Tables>, userId: string): Promise<void> {
  await db.deleteFrom('sign_in_guards').where('user_id', '=', userId).execute();
}

// ——— "This wasn't me" links of credential-change emails ———

export async function insertCredentialChangeToken(
  db: Kysely<Tables>,
  token: { tokenHash: string; userId: string; change: string; now: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto('credential_change_tokens')
    .values({ token_hash: token.tokenHash, user_id: token.userId, change: token.change, created_at: token.now, expires_at: token.expiresAt, used_at: null })
    .execute();
}

/** Spends the token if it is unused and unexpired; returns whose change it was about. */
export async function claimCredentialChangeToken(db: Kysely<Tables>, tokenHash: string, now: number): Promise<{ userId: string; change: string } | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('credential_change_tokens').select(['user_id', 'change']).where('token_hash', '=', tokenHash).executeTakeFirst();
    const claimed = await trx
      .updateTable('credential_change_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return row && Number(claimed.numUpdatedRows) === 1 ? { userId: row.user_id, change: row.change } : undefined;
  });
}

// ——— Second-factor challenges ———

export async function insertChallenge(db: Kysely<Tables>, challenge: { tokenHash: string; userId: string; now: number; expiresAt: number }): Promise<void> {
  await db
    .insertInto('second_factor_challenges')
    .values({ token_hash: challenge.tokenHash, user_id: challenge.userId, created_at: challenge.now, expires_at: challenge.expiresAt, consumed_at: null })
    .execute();
}

export async function findChallenge(db: Kysely<Tables>, tokenHash: string): Promise<ChallengeRow | undefined> {
  return db.selectFrom('second_factor_challenges').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function countFailedChallenge(db: Kysely<Tables>, tokenHash: string): Promise<void> {
  await db.updateTable('second_factor_challenges').set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) })).where('token_hash', '=', tokenHash).execute();
}

export async function consumeChallenge(db: Kysely<Tables>, tokenHash: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('second_factor_challenges')
    .set({ consumed_at: now })
    .where('token_hash', '=', tokenHash)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ——— Recovery codes ———

export async function listUnusedRecoveryCodes(db: Kysely<Tables>, userId: string): Promise<RecoveryCodeRow[]> {
  return db.selectFrom('recovery_codes').selectAll().where('user_id', '=', userId).where('used_at', 'is', null).execute();
}

export async function useRecoveryCode(db: Kysely<Tables>, id: string, now: number): Promise<boolean> {
  const used = await db.updateTable('recovery_codes').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
  return Number(used.numUpdatedRows) === 1;
}

/** Removes a user's recovery codes: their second factor was turned off or reset. */
export async function deleteRecoveryCodes(db: Kysely<Tables>, userId: string): Promise<void> {
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

/** The user's new set; the old one goes, used or not. */
export async function replaceRecoveryCodes(db: Kysely<Tables>, userId: string, codes: readonly RecoveryCodeRow[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await trx.insertInto('recovery_codes').values(codes).execute();
  });
}

// ——— Password reset tokens ———

/** A new token replaces every earlier one of the user. */
export async function replaceResetToken(db: Kysely<Tables>, token: { tokenHash: string; userId: string; now: number; expiresAt: number }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('password_reset_tokens').set({ used_at: token.now }).where('user_id', '=', token.userId).where('used_at', 'is', null).execute();
    await trx
      .insertInto('password_reset_tokens')
      .values({ token_hash: token.tokenHash, user_id: token.userId, created_at: token.now, expires_at: token.expiresAt, used_at: null })
      .execute();
  });
}

export async function findResetToken(db: Kysely<Tables>, tokenHash: string): Promise<ResetTokenRow | undefined> {
  return db.selectFrom('password_reset_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function claimResetToken(db: Kysely<Tables>, tokenHash: string, now: number): Promise<boolean> {
  const claimed = await db.updateTable('password_reset_tokens').set({ used_at: now }).where('token_hash', '=', tokenHash).where('used_at', 'is', null).executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

// ——— Setup tokens ———

/** The one setup token there is: earlier ones stop working. */
export async function replaceSetupToken(db: Kysely<Tables>, token: { tokenHash: string; now: number; expiresAt: number }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('setup_tokens').execute();
    await trx.insertInto('setup_tokens').values({ token_hash: token.tokenHash, created_at: token.now, expires_at: token.expiresAt, used_at: null }).execute();
  });
}

/** Spends the token if it is unused and unexpired. */
export async function claimSetupToken(db: Kysely<Tables>, tokenHash: string, now: number): Promise<boolean> {
  const claimed = await db
    .updateTable('setup_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}
