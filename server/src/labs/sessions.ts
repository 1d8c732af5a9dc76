import { hashToken } from '../crypto/hashing.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/database.ts';
import type { LabPrincipal } from '../http/access.ts';
import type { Cookie, CookieAttributes } from '../http/cookies.ts';
import { findLabSession, touchLabSession } from './repo.ts';

/**
 * Lab sessions: server-side, short and scoped to one lab. The browser holds a 256-bit token in
 * an HttpOnly, SameSite=Strict cookie whose path is the lab API alone (`/api/lab`), so it never
 * even travels to a studio, vault, delivery or admin route; the database holds only its
 * SHA-256. A session ends after 30 idle minutes, after 12 hours in any case, when the lab signs
 * out, and for every session of the lab when its PIN is reset or the lab is disabled. The
 * access hook (http/access.ts) resolves it for routes whose access level is `lab`.
 */

export const LAB_IDLE_MS = 30 * 60_000;
export const LAB_ABSOLUTE_MS = 12 * 60 * 60_000;
/** A remembered device (after a one-time code): 90 days. */
export const LAB_DEVICE_MS = 90 * 24 * 60 * 60_000;
export const LAB_COOKIE_PATH = '/api/lab';

// Writing last_seen_at on every request would turn each read into a write.
const lastSeenResolutionMs = 60_000;

type Site = Pick<Config, 'secureTransport'>;

export function labCookieName(site: Site): string {
  // Not __Host-: that prefix demands Path=/, and this cookie's path is the lab API.
  return site.secureTransport ? '__Secure-sl_lab' : 'sl_lab';
}

export function labDeviceCookieName(site: Site): string {
  return site.secureTransport ? '__Secure-sl_lab_device' : 'sl_lab_device';
}

export function labCookieAttributes(site: Site): CookieAttributes {
  return { httpOnly: true, sameSite: 'strict', secure: site.secureTransport, path: LAB_COOKIE_PATH };
}

export function labCookie(site: Site, name: string, value: string, maxAgeMs: number): Cookie {
  return { name, value, attributes: { ...labCookieAttributes(site), maxAge: Math.floor(maxAgeMs / 1000) } };
}

/** The lab behind a lab session cookie's token, or null when the session is unknown, ended, idle too long or its lab disabled. */
export async function resolveLabSession(deps: { db: Db; now(): number }, token: string | undefined): Promise<LabPrincipal | null> {
  if (!token || token.length > 100) return null;
  const row = await findLabSession(deps.db, hashToken(token));
  const now = deps.now();
  if (!row || row.revoked_at !== null || row.labDisabledAt !== null) return null;
  if (now >= row.expires_at || now >= row.last_seen_at + LAB_IDLE_MS) return null;
  if (now - row.last_seen_at >= lastSeenResolutionMs) await touchLabSession(deps.db, row.id, now);
  return { labId: row.lab_id, sessionId: row.id };
}
