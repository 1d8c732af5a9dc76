import type { FastifyReply, FastifyRequest } from 'fastify';
import UAParser from 'ua-parser-js';
import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateId, generateToken } from '../crypto/tokens.ts';
import { NotFoundError } from '../errors.ts';
import type { Principal } from '../http/access.ts';
import { ipv6Network } from '../http/request-origin.ts';
import type { AuthDeps, RequestOrigin } from './context.ts';

/**
 * Server-side sessions. The browser holds an opaque 256-bit token in an HttpOnly cookie; the
 * database holds only its SHA-256, so a database copy cannot be replayed as a session. Every
 * request looks the session up, so revocation takes effect on the next request. Sessions end
 * at an absolute lifetime and after an idle timeout, both configurable.
 */

// Writing last_seen_at on every request would turn each read into a write; a minute of
// imprecision in the idle timeout is harmless.
const lastSeenResolutionMs = 60_000;

export function sessionCookieName(deps: Pick<AuthDeps, 'config'>): string {
  return deps.config.secureTransport ? '__Host-sl_session' : 'sl_session';
}

function cookieAttributes(deps: Pick<AuthDeps, 'config'>) {
  return { httpOnly: true, sameSite: 'lax' as const, path: '/', secure: deps.config.secureTransport };
}

export function cookieOptions(deps: Pick<AuthDeps, 'config'>, maxAgeSeconds: number) {
  return { ...cookieAttributes(deps), maxAge: maxAgeSeconds };
}

/** A cookie is only cleared when the attributes match the ones it was set with. */
export function clearCookie(deps: Pick<AuthDeps, 'config'>, reply: FastifyReply, name: string): void {
  reply.clearCookie(name, cookieAttributes(deps));
}

export async function startSession(deps: AuthDeps, reply: FastifyReply, userId: string, origin: RequestOrigin): Promise<void> {
  const token = generateToken();
  const now = deps.now();
  const absoluteMs = deps.config.sessions.absoluteMinutes * 60_000;
  await deps.db
    .insertInto('sessions')
    .values({
      id: generateId(),
      token_hash: hashToken(token),
      user_id: userId,
      created_at: now,
      last_seen_at: now,
      expires_at: now + absoluteMs,
      user_agent: origin.userAgent.slice(0, 400),
      ip: origin.ip,
      revoked_at: null,
      revoked_reason: null,
    })
    .execute();
  await deps.db.updateTable('users').set({ last_sign_in_at: now }).where('id', '=', userId).execute();
  reply.setCookie(sessionCookieName(deps), token, cookieOptions(deps, Math.floor(absoluteMs / 1000)));
}

/** The principal behind the request's session cookie, or null when there is none that is still valid. */
export async function resolveSession(deps: AuthDeps, request: FastifyRequest): Promise<Principal | null> {
  const token = request.cookies[sessionCookieName(deps)];
  if (!token || token.length > 100) return null;
  const now = deps.now();
  const row = await deps.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as sessionId',
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
    .where('sessions.token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.revokedAt !== null || row.disabledAt !== null) return null;
  const idleMs = deps.config.sessions.idleMinutes * 60_000;
  if (now >= row.expiresAt || now >= row.lastSeenAt + idleMs) return null;
  if (now - row.lastSeenAt >= lastSeenResolutionMs) {
    await deps.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', row.sessionId).execute();
  }
  return {
    userId: row.userId,
    sessionId: row.sessionId,
    email: row.email,
    role: row.role,
    studioId: row.studioId ?? null,
    totpEnabled: row.totpEnabledAt !== null,
  };
}

export function clearSessionCookie(deps: AuthDeps, reply: FastifyReply): void {
  clearCookie(deps, reply, sessionCookieName(deps));
}

/** Ends sessions of a user; `except` keeps one (the caller's own). Returns how many ended. */
export async function revokeUserSessions(
  deps: AuthDeps,
  userId: string,
  reason: string,
  options: { except?: string } = {},
): Promise<number> {
  let query = deps.db
    .updateTable('sessions')
    .set({ revoked_at: deps.now(), revoked_reason: reason })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (options.except) query = query.where('id', '!=', options.except);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export async function endSession(deps: AuthDeps, principal: Principal, origin: RequestOrigin): Promise<void> {
  await deps.db.updateTable('sessions').set({ revoked_at: deps.now(), revoked_reason: 'signed_out' }).where('id', '=', principal.sessionId).execute();
  await recordAudit(deps.db, { action: 'session.signed_out', actorUserId: principal.userId, subjectUserId: principal.userId, ...origin });
}

/** Ends one of the caller's own sessions; someone else's session id is simply not found. */
export async function revokeOwnSession(deps: AuthDeps, principal: Principal, sessionId: string, origin: RequestOrigin): Promise<void> {
  const result = await deps.db
    .updateTable('sessions')
    .set({ revoked_at: deps.now(), revoked_reason: 'ended_by_user' })
    .where('id', '=', sessionId)
    .where('user_id', '=', principal.userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new NotFoundError('session_not_found', 'No such session.');
  await recordAudit(deps.db, { action: 'session.revoked', actorUserId: principal.userId, subjectUserId: principal.userId, ...origin, details: { sessionId } });
}

export interface SessionView {
  id: string;
  device: string;
  place: string;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

export function describeDevice(userAgent: string): string {
  const parsed = new UAParser(userAgent).getResult();
  const browser = [parsed.browser.name, parsed.browser.major].filter(Boolean).join(' ');
  const system = [parsed.os.name, parsed.os.version].filter(Boolean).join(' ');
  if (!browser && !system) return userAgent ? 'Unknown device' : 'Command line or script';
  return [browser || 'Unknown browser', system].filter(Boolean).join(' on ');
}

/**
 * The network a session came from, without the exact address: enough to recognise "home" or
 * "the studio" and to spot a stranger. (No geolocation database is shipped.)
 */
export function describePlace(ip: string): string {
  const v4 = ip.replace(/^::ffff:/, '');
  if (/^\d+\.\d+\.\d+\.\d+$/.test(v4)) {
    if (/^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(v4)) return `Local network (${v4.split('.').slice(0, 3).join('.')}.x)`;
    return `Network ${v4.split('.').slice(0, 3).join('.')}.x`;
  }
  if (ip === '::1') return 'This machine';
  return `Network ${ipv6Network(ip, 3)}`;
}

export async function listOwnSessions(deps: AuthDeps, principal: Principal): Promise<SessionView[]> {
  const now = deps.now();
  const idleMs = deps.config.sessions.idleMinutes * 60_000;
  const rows = await deps.db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', principal.userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .where('last_seen_at', '>', now - idleMs)
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    device: describeDevice(row.user_agent),
    place: describePlace(row.ip),
    createdAt: new Date(row.created_at).toISOString(),
    lastSeenAt: new Date(row.last_seen_at).toISOString(),
    current: row.id === principal.sessionId,
  }));
}
