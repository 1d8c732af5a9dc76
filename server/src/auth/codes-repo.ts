import type { Kysely, Selectable } from 'kysely';
import type { PasswordResetTokensTable, RecoveryCodesTable, SecondFactorChallengesTable, SignInCodesTable, Tables } from '../db/tables.ts';

/**
 * Queries on the one-time secrets of signing in: emailed sign-in codes, second-factor
 * challenges, recovery codes, password reset tokens and setup tokens. Each is stored only as a
 * hash or a peppered digest; every "use" is a compare-and-set, so a secret is spent once even
 * when two requests race.
 */

export type SignInCodeRow = Selectable<SignInCodesTable>;
export type ChallengeRow = Selectable<SecondFactorChallengesTable>;
export type RecoveryCodeRow = Selectable<RecoveryCodesTable>;
export type ResetTokenRow = Selectable<PasswordResetTokensTable>;

// ——— Sign-in codes ———

/** A new code replaces every earlier one of the user. */
export async function replaceSignInCode(
  db: Kysely<Tables>,
  code: { id: string; userId: string; digest: string; keyVersion: string; now: number; expiresAt: number },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('sign_in_codes').set({ consumed_at: code.now }).where('user_id', '=', code.userId).where('consumed_at', 'is', null).execute();
    await trx
      .insertInto('sign_in_codes')
      .values({ id: code.id, user_id: code.userId, code_digest: code.digest, key_version: code.keyVersion, created_at: code.now, expires_at: code.expiresAt, consumed_at: null })
      .execute();
  });
}

/** The user's newest code not yet used, whether or not it is still valid. */
export async function findLatestSignInCode(db: Kysely<Tables>, userId: string): Promise<SignInCodeRow | undefined> {
  return db
    .selectFrom('sign_in_codes')
    .selectAll()
    .where('user_id', '=', userId)
    .where('consumed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function countFailedSignInCode(db: Kysely<Tables>, id: string): Promise<void> {
  await db.updateTable('sign_in_codes').set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) })).where('id', '=', id).execute();
}

/** Uses the code, unless it was used meanwhile or ran out of attempts. */
export async function consumeSignInCode(db: Kysely<Tables>, id: string, now: number, maxAttempts: number): Promise<boolean> {
  const result = await db
    .updateTable('sign_in_codes')
    .set({ consumed_at: now })
    .where('id', '=', id)
    .where('consumed_at', 'is', null)
    .where('failed_attempts', '<', maxAttempts)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
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
