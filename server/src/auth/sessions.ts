import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateId, generateToken } from '../crypto/tokens.ts';
import { NotFoundError } from '../errors.ts';
import type { Principal } from '../http/access.ts';
import type { Cookie, CookieAttributes } from '../http/cookies.ts';
import { type RequestOrigin, describeDevice, describePlace } from '../http/request-origin.ts';
import type { AuthDeps } from './context.ts';
import {
  findSessionWithUser,
  insertSession,
  listLiveSessions,
  revokeSessionByTokenHash,
  revokeSessionRow,
  revokeUserSessionRow,
  revokeUserSessionRows,
  touchSession,
} from './sessions-repo.ts';
import { updateUser } from './users-repo.ts';

/**
 * Server-side sessions. The browser holds an opaque 256-bit token in an HttpOnly cookie; the
 * database holds only its SHA-256, so a database copy cannot be replayed as a session. Every
 * request looks the session up, so revocation takes effect on the next request. Sessions end
 * at an absolute lifetime and after an idle timeout, both configurable. The services here
 * return the cookie to set; the routes set it.
 */

// Writing last_seen_at on every request would turn each read into a write; a minute of
// imprecision in the idle timeout is harmless.
const lastSeenResolutionMs = 60_000;

export function sessionCookieName(deps: Pick<AuthDeps, 'config'>): string {
  return deps.config.secureTransport ? '__Host-sl_session' : 'sl_session';
}

/** The attributes of every auth cookie (the session's, the second-factor challenge's); clearing one needs the same. */
export function authCookieAttributes(deps: Pick<AuthDeps, 'config'>): CookieAttributes {
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: deps.config.secureTransport };
}

export function authCookie(deps: Pick<AuthDeps, 'config'>, name: string, value: string, maxAgeSeconds: number): Cookie {
  return { name, value, attributes: { ...authCookieAttributes(deps), maxAge: maxAgeSeconds } };
}

export interface SessionStart {
  /** When the owner last proved it is them: now for a sign-in, the old session's for a renewal. */
  authenticatedAt?: number;
  /** The session token the browser still held when it signed in again: that session ends. */
  replacesToken?: string;
}

/** Starts a session for the user; returns the cookie that carries it. */
export async function startSession(deps: AuthDeps, userId: string, origin: RequestOrigin, start: SessionStart = {}): Promise<Cookie> {
  const token = generateToken();
  const now = deps.now();
  const absoluteMs = deps.config.sessions.absoluteMinutes * 60_000;
  if (start.replacesToken && start.replacesToken.length <= 100) {
    await revokeSessionByTokenHash(deps.db, hashToken(start.replacesToken), 'signed_in_again', now);
  }
  await insertSession(deps.db, {
    id: generateId(),
    tokenHash: hashToken(token),
    userId,
    now,
    authenticatedAt: start.authenticatedAt ?? now,
    expiresAt: now + absoluteMs,
    userAgent: origin.userAgent.slice(0, 400),
    ip: origin.ip,
  });
  await updateUser(deps.db, userId, { last_sign_in_at: now });
  return authCookie(deps, sessionCookieName(deps), token, Math.floor(absoluteMs / 1000));
}

/** The principal behind a session cookie's token, or null when there is none that is still valid. */
export async function resolveSession(deps: AuthDeps, token: string | undefined): Promise<Principal | null> {
  if (!token || token.length > 100) return null;
  const now = deps.now();
  const row = await findSessionWithUser(deps.db, hashToken(token));
  if (!row || row.revokedAt !== null || row.disabledAt !== null) return null;
  const idleMs = deps.config.sessions.idleMinutes * 60_000;
  if (now >= row.expiresAt || now >= row.lastSeenAt + idleMs) return null;
  if (now - row.lastSeenAt >= lastSeenResolutionMs) await touchSession(deps.db, row.sessionId, now);
  return {
    userId: row.userId,
    sessionId: row.sessionId,
    authenticatedAt: row.authenticatedAt,
    email: row.email,
    role: row.role,
    studioId: row.studioId,
    studioRole: row.studioId ? row.studioRole : null,
    totpEnabled: row.totpEnabledAt !== null,
  };
}

/** Ends sessions of a user; `except` keeps one (the caller's own). Returns how many ended. */
export async function revokeUserSessions(
  deps: AuthDeps,
  userId: string,
  reason: string,
  options: { except?: string } = {},
): Promise<number> {
  return revokeUserSessionRows(deps.db, userId, reason, deps.now(), options.except);
}

export async function endSession(deps: AuthDeps, principal: Principal, origin: RequestOrigin): Promise<void> {
  await revokeSessionRow(deps.db, principal.sessionId, 'signed_out', deps.now());
  await recordAudit(deps.db, { action: 'session.signed_out', actorUserId: principal.userId, subjectUserId: principal.userId, ...origin });
}

/** Ends one of the caller's own sessions; someone else's session id is simply not found. */
export async function revokeOwnSession(deps: AuthDeps, principal: Principal, sessionId: string, origin: RequestOrigin): Promise<void> {
  if (!(await revokeUserSessionRow(deps.db, principal.userId, sessionId, 'ended_by_user', deps.now()))) {
    throw new NotFoundError('session_not_found', 'No such session.');
  }
  await recordAudit(deps.db, { action: 'session.revoked', actorUserId: principal.userId, subjectUserId: principal.userId, ...origin, details: { sessionId } });
}

/** Ends every session of the caller but this one; returns how many ended. */
export async function revokeOtherSessions(deps: AuthDeps, principal: Principal, origin: RequestOrigin): Promise<number> {
  const revoked = await revokeUserSessions(deps, principal.userId, 'ended_by_user', { except: principal.sessionId });
  await recordAudit(deps.db, { action: 'session.revoked_others', actorUserId: principal.userId, subjectUserId: principal.userId, ...origin, details: { revoked } });
  return revoked;
}

export interface SessionView {
  id: string;
  device: string;
  place: string;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

export async function listOwnSessions(deps: AuthDeps, principal: Principal): Promise<SessionView[]> {
  const rows = await listLiveSessions(deps.db, principal.userId, deps.now(), deps.config.sessions.idleMinutes * 60_000);
  return rows.map((row) => ({
    id: row.id,
    device: describeDevice(row.user_agent),
    place: describePlace(row.ip),
    createdAt: new Date(row.created_at).toISOString(),
    lastSeenAt: new Date(row.last_seen_at).toISOString(),
    current: row.id === principal.sessionId,
  }));
}
