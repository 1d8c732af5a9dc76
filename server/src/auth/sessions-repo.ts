import { type Kysely, type Selectable, sql } from 'kysely';
import type { SessionsTable, StudioRole, Tables, UserRole } from '../db/tables.ts';

/** Queries on `sessions`: the only code that reads or writes them. Tokens arrive here as their SHA-256 only. */

export type SessionRow = Selectable<SessionsTable>;

export async function insertSession(
  db: Kysely<Tables>,
  session: { id: string; tokenHash: string; userId: string; now: number; authenticatedAt: number; expiresAt: number; userAgent: string; ip: string },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: session.id,
      token_hash: session.tokenHash,
      user_id: session.userId,
      created_at: session.now,
      last_seen_at: session.now,
      expires_at: session.expiresAt,
      user_agent: session.userAgent,
      ip: session.ip,
      revoked_at: null,
      revoked_reason: null,
      authenticated_at: session.authenticatedAt,
    })
    .execute();
}

export interface SessionWithUser {
  sessionId: string;
  authenticatedAt: number;
  lastSeenAt: number;
  expiresAt: number;
  revokedAt: number | null;
  userId: string;
  email: string;
  role: UserRole;
  disabledAt: number | null;
  totpEnabledAt: number | null;
  /**
   * The studio the session acts in: the one chosen in the studio switcher while the user is
   * still a member of it, else the oldest studio they own, else the oldest they joined.
   */
  studioId: string | null;
  /** The user's role in that studio. */
  studioRole: StudioRole | null;
}

/** The order memberships are chosen in for a session: the chosen studio, then owned ones, then the oldest. */
const membershipPreference = sql`case when studio_members.studio_id = sessions.active_studio_id then 0 when studio_members.role = 'owner' then 1 else 2 end`;

/** The session with this token hash and its user, whatever their state: the caller decides what is still valid. */
export async function findSessionWithUser(db: Kysely<Tables>, tokenHash: string): Promise<SessionWithUser | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as sessionId',
      'sessions.authenticated_at as authenticatedAt',
      'sessions.last_seen_at as lastSeenAt',
      'sessions.expires_at as expiresAt',
      'sessions.revoked_at as revokedAt',
      'users.id as userId',
      'users.email as email',
      'users.role as role',
      'users.disabled_at as disabledAt',
      'users.totp_enabled_at as totpEnabledAt',
      (eb) =>
        eb
          .selectFrom('studio_members')
          .select('studio_members.studio_id')
          .whereRef('studio_members.user_id', '=', 'users.id')
          .orderBy(membershipPreference)
          .orderBy('studio_members.created_at')
          .limit(1)
          .as('studioId'),
      (eb) =>
        eb
          .selectFrom('studio_members')
          .select('studio_members.role')
          .whereRef('studio_members.user_id', '=', 'users.id')
          .orderBy(membershipPreference)
          .orderBy('studio_members.created_at')
          .limit(1)
          .as('studioRole'),
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && { ...row, studioId: row.studioId ?? null, studioRole: row.studioRole ?? null };
}

/** The studio switcher: the studio a session acts in from now on (null: back to the default). */
export async function setSessionActiveStudio(db: Kysely<Tables>, sessionId: string, userId: string, studioId: string | null): Promise<void> {
  await db.updateTable('sessions').set({ active_studio_id: studioId }).where('id', '=', sessionId).where('user_id', '=', userId).execute();
}

export async function touchSession(db: Kysely<Tables>, id: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
}

/** Records that the session's owner proved it is them again (re-authentication). */
export async function markSessionAuthenticated(db: Kysely<Tables>, id: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ authenticated_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Ends the live session with this token hash, whoever it belongs to: the one a browser held when it signed in again. */
export async function revokeSessionByTokenHash(db: Kysely<Tables>, tokenHash: string, reason: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now, revoked_reason: reason }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute();
}

/** Ends a user's live sessions, but `exceptId`; returns how many ended. */
export async function revokeUserSessionRows(db: Kysely<Tables>, userId: string, reason: string, now: number, exceptId?: string): Promise<number> {
  let query = db.updateTable('sessions').set({ revoked_at: now, revoked_reason: reason }).where('user_id', '=', userId).where('revoked_at', 'is', null);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function revokeSessionRow(db: Kysely<Tables>, id: string, reason: string, now: number): Promise<void> {
  await db.updateTable('sessions').set({ revoked_at: now, revoked_reason: reason }).where('id', '=', id).execute();
}

/** Ends one live session of this user; false when the user has no such session. */
export async function revokeUserSessionRow(db: Kysely<Tables>, userId: string, id: string, reason: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now, revoked_reason: reason })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A user's sessions neither revoked nor past their absolute or idle end, most recently used first. */
export async function listLiveSessions(db: Kysely<Tables>, userId: string, now: number, idleMs: number): Promise<SessionRow[]> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', now - idleMs)
    .orderBy('last_seen_at', 'desc')
    .execute();
}

/** When the user's second-newest session began (epoch ms): the sign-in before the newest one, or null if there was none. */
export async function findPreviousSessionStart(db: Kysely<Tables>, userId: string): Promise<number | null> {
  const row = await db
    .selectFrom('sessions')
    .select('created_at')
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .offset(1)
    .executeTakeFirst();
  return row?.created_at ?? null;
}
