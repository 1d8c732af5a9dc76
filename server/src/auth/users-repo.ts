import { type Kysely, type Selectable, sql } from 'kysely';
import { withinTransaction } from '../db/database.ts';
import type { StudioMembersTable, Tables, UserRole, UsersTable } from '../db/tables.ts';

/** Queries on `users` and `studio_members`. */

export type UserRow = Selectable<UsersTable>;

export async function findUserByEmail(db: Kysely<Tables>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export async function findUserBySkeleton(db: Kysely<Tables>, skeleton: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email_skeleton', '=', skeleton).executeTakeFirst();
}

export async function findUserById(db: Kysely<Tables>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(
  db: Kysely<Tables>,
  user: { id: string; email: string; emailSkeleton?: string; role: UserRole; now: number },
  studioMembership?: { studioId: string },
): Promise<void> {
  await withinTransaction(db, async (trx) => {
    await trx
      .insertInto('users')
      .values({
        id: user.id,
        email: user.email,
        email_skeleton: user.emailSkeleton ?? null,
        role: user.role,
        created_at: user.now,
        updated_at: user.now,
        email_verified_at: null,
        disabled_at: null,
        last_sign_in_at: null,
        password_hash: null,
        totp_seed: null,
        totp_pending_seed: null,
        totp_enabled_at: null,
        totp_last_step: null,
      })
      .execute();
    if (studioMembership) {
      await trx
        .insertInto('studio_members')
        .values({ studio_id: studioMembership.studioId, user_id: user.id, role: 'owner', created_at: user.now })
        .execute();
    }
  });
}

export async function updateUser(
  db: Kysely<Tables>,
  id: string,
  changes: Partial<Omit<UserRow, 'id' | 'created_at'>>,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

/** Compare-and-set on the last accepted TOTP step, so one code is accepted once, even when two requests race. */
export async function advanceTotpStep(db: Kysely<Tables>, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function ownedStudioId(db: Kysely<Tables>, userId: string): Promise<string | null> {
  const row = await db
    .selectFrom('studio_members')
    .select('studio_id')
    .where('user_id', '=', userId)
    .where('role', '=', 'owner')
    .orderBy('created_at')
    .executeTakeFirst();
  return row?.studio_id ?? null;
}

/** The email addresses of these accounts (disabled ones included): for showing who did what. */
export async function listUserEmails(db: Kysely<Tables>, ids: readonly string[]): Promise<Array<{ id: string; email: string }>> {
  if (ids.length === 0) return [];
  return db.selectFrom('users').select(['id', 'email']).where('id', 'in', ids).execute();
}

/** Which of these accounts exist and are not disabled. */
export async function listActiveUserIds(db: Kysely<Tables>, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('users').select('id').where('id', 'in', ids).where('disabled_at', 'is', null).execute();
  return rows.map((row) => row.id);
}

export async function adminExists(db: Kysely<Tables>): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('role', '=', 'admin').limit(1).executeTakeFirst();
  return row !== undefined;
}

/** Where to tell the operators of something: every admin account that is not disabled. */
export async function listActiveAdminEmails(db: Kysely<Tables>): Promise<string[]> {
  const rows = await db.selectFrom('users').select('email').where('role', '=', 'admin').where('disabled_at', 'is', null).orderBy('email').execute();
  return rows.map((row) => row.email);
}

export interface UserListRow extends UserRow {
  active_sessions: number;
}

/** What the admin's users list narrows to; every field optional, all of them must hold. */
export interface UserListFilter {
  userId?: string;
  role?: UserRole;
  status?: 'invited' | 'active' | 'disabled';
  /** Part of the address, lower case (addresses are stored normalised). */
  emailContains?: string;
  /** Signed in at or after (epoch ms). */
  lastSignInAfter?: number;
  /** Not signed in since (epoch ms): signed in last before it, or never. */
  lastSignInBefore?: number;
}

/** `%`, `_` and the escape character itself match only themselves in a LIKE pattern. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

export async function listUsersWithSessionCounts(db: Kysely<Tables>, now: number, filter: UserListFilter = {}): Promise<UserListRow[]> {
  let query = db
    .selectFrom('users')
    .selectAll('users')
    .select((eb) =>
      eb
        .selectFrom('sessions')
        .select(eb.fn.countAll<number>().as('count'))
        .whereRef('sessions.user_id', '=', 'users.id')
        .where('sessions.revoked_at', 'is', null)
        .where('sessions.expires_at', '>', now)
        .as('active_sessions'),
    )
    .orderBy('users.email');
  if (filter.userId !== undefined) query = query.where('users.id', '=', filter.userId);
  if (filter.role !== undefined) query = query.where('users.role', '=', filter.role);
  if (filter.status === 'disabled') query = query.where('users.disabled_at', 'is not', null);
  if (filter.status === 'invited') query = query.where('users.disabled_at', 'is', null).where('users.email_verified_at', 'is', null);
  if (filter.status === 'active') query = query.where('users.disabled_at', 'is', null).where('users.email_verified_at', 'is not', null);
  if (filter.emailContains !== undefined) query = query.where(sql<boolean>`${sql.ref('users.email')} like ${containsPattern(filter.emailContains)} escape '\\'`);
  if (filter.lastSignInAfter !== undefined) query = query.where('users.last_sign_in_at', '>=', filter.lastSignInAfter);
  const before = filter.lastSignInBefore;
  if (before !== undefined) query = query.where((eb) => eb.or([eb('users.last_sign_in_at', 'is', null), eb('users.last_sign_in_at', '<', before)]));
  const rows = await query.execute();
  return rows.map((row) => ({ ...row, active_sessions: Number(row.active_sessions ?? 0) }));
}

export interface StudioMemberRow {
  user_id: string;
  email: string;
  role: StudioMembersTable['role'];
  disabled_at: number | null;
  last_sign_in_at: number | null;
}

/** The members of each of `studioIds`, oldest membership first. */
export async function listStudioMembers(db: Kysely<Tables>, studioIds: readonly string[]): Promise<Array<StudioMemberRow & { studio_id: string }>> {
  if (studioIds.length === 0) return [];
  return db
    .selectFrom('studio_members')
    .innerJoin('users', 'users.id', 'studio_members.user_id')
    .select(['studio_members.studio_id', 'studio_members.user_id', 'users.email', 'studio_members.role', 'users.disabled_at', 'users.last_sign_in_at'])
    .where('studio_members.studio_id', 'in', studioIds)
    .orderBy('studio_members.studio_id')
    .orderBy('studio_members.created_at')
    .execute();
}

/** Deletes an account; its sessions, codes and memberships go with it (foreign keys cascade). */
export async function deleteUserRow(db: Kysely<Tables>, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
