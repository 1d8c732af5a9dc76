import type { Kysely, Selectable } from 'kysely';
import type { SessionsTable, Tables, UserRole } from '../db/tables.ts';

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
  /** The studio the user owns, the oldest if several. */
  studioId: string | null;
}

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
          .where('studio_members.role', '=', 'owner')
          .orderBy('studio_members.created_at')
          .limit(1)
          .as('studioId'),
    ])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && { ...row, studioId: row.studioId ?? null };
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
