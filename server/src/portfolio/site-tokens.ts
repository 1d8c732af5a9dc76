import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateBase64UrlSecret, generateId } from '../crypto/tokens.ts';
import { inTransaction } from '../db/database.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import { cleanText } from '../text.ts';
import { assertStudioNotSuspended } from '../studios/service.ts';
import type { PortfolioDeps } from './deps.ts';
import { type SiteTokenRow, findSiteTokenByHash, findStudioSiteToken, insertSiteToken, listStudioSiteTokens, listUsableSiteTokenOrigins, updateStudioSiteToken } from './repo.ts';

/**
 * A studio's website tokens for the read-only data API (/api/site/v1, docs/portfolio.md):
 * 64 characters of base64url (384 random bits, Lenzeye's length), shown once, stored only as
 * SHA-256 (a database copy yields no usable token). A rotation makes a new token and lets the
 * old one work until the overlap ends (0–168 hours), so a website can be redeployed first;
 * revoking ends a token at once. Each token lists the origins whose browsers may call with it.
 */

export const SITE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{64}$/;
const LAST_USED_EVERY_MS = 60_000;
const DEFAULT_OVERLAP_HOURS = 24;
const EXPIRING_SOON_MS = 7 * 24 * 3600_000;

export type SiteTokenStatus = 'active' | 'expiring' | 'expired' | 'revoked';

export interface SiteTokenView {
  id: string;
  name: string;
  origins: string[];
  status: SiteTokenStatus;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

function iso(value: number | null): string | null {
  return value === null ? null : new Date(Number(value)).toISOString();
}

export function parseOrigins(text: string): string[] {
  try {
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? parsed.filter((entry): entry is string => typeof entry === 'string') : [];
  } catch {
    return [];
  }
}

function statusOf(row: SiteTokenRow, now: number): SiteTokenStatus {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null && Number(row.expires_at) <= now) return 'expired';
  if (row.expires_at !== null && Number(row.expires_at) - now < EXPIRING_SOON_MS) return 'expiring';
  return 'active';
}

function usable(row: SiteTokenRow, now: number): boolean {
  const status = statusOf(row, now);
  return status === 'active' || status === 'expiring';
}

export function siteTokenView(row: SiteTokenRow, now: number): SiteTokenView {
  return {
    id: row.id,
    name: row.name,
    origins: parseOrigins(row.origins),
    status: statusOf(row, now),
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at),
    revokedAt: iso(row.revoked_at),
    lastUsedAt: iso(row.last_used_at),
  };
}

/** An origin as a browser sends it: scheme, host and port only. */
export function checkedOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new AppError('invalid_origin', 'Origins look like https://www.example.com.', 400);
  }
  const origin = url.origin;
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || origin === 'null' || text.trim().replace(/\/$/, '').toLowerCase() !== origin) {
    throw new AppError('invalid_origin', 'Origins look like https://www.example.com (no path, no credentials).', 400);
  }
  return origin;
}

function tokenNotFound(): NotFoundError {
  return new NotFoundError('site_token_not_found', 'This token does not exist.');
}

export async function listSiteTokens(deps: PortfolioDeps, actor: StudioActor): Promise<SiteTokenView[]> {
  const now = deps.now();
  return (await listStudioSiteTokens(deps.db, actor.studioId)).map((row) => siteTokenView(row, now));
}

async function issue(deps: PortfolioDeps, studioId: string, name: string, origins: string[], db = deps.db): Promise<{ row: SiteTokenRow; secret: string }> {
  const secret = generateBase64UrlSecret(48);
  const row: SiteTokenRow = { id: generateId(), studio_id: studioId, name, token_hash: hashToken(secret), origins: JSON.stringify(origins), created_at: deps.now(), expires_at: null, revoked_at: null, last_used_at: null };
  await insertSiteToken(db, row);
  return { row, secret };
}

export async function createSiteToken(deps: PortfolioDeps, actor: StudioActor, input: { name: string; origins?: string[] | undefined }): Promise<{ token: SiteTokenView; secret: string }> {
  const name = cleanText(input.name);
  if (name === '') throw new AppError('validation_failed', 'The name must not be empty.', 400);
  const origins = [...new Set((input.origins ?? []).map(checkedOrigin))];
  const { row, secret } = await issue(deps, actor.studioId, name, origins);
  await recordAudit(deps.db, { ...auditContext(actor), action: 'portfolio.site_token_created', details: { tokenId: row.id } });
  return { token: siteTokenView(row, deps.now()), secret };
}

export async function rotateSiteToken(
  deps: PortfolioDeps,
  actor: StudioActor,
  tokenId: string,
  input: { overlapHours?: number | undefined },
): Promise<{ token: SiteTokenView; secret: string; previous: SiteTokenView }> {
  const old = await findStudioSiteToken(deps.db, actor.studioId, tokenId);
  if (!old) throw tokenNotFound();
  const now = deps.now();
  if (!usable(old, now)) throw new AppError('site_token_not_active', 'Only a token in use can be rotated.', 409);
  const overlapEnd = now + (input.overlapHours ?? DEFAULT_OVERLAP_HOURS) * 3600_000;
  const issued = await inTransaction(deps.db, async (trx) => {
    const fresh = await issue(deps, actor.studioId, old.name, parseOrigins(old.origins), trx);
    // The old one keeps working until the overlap ends (never longer than it already would).
    const expiresAt = old.expires_at === null ? overlapEnd : Math.min(Number(old.expires_at), overlapEnd);
    await updateStudioSiteToken(trx, actor.studioId, old.id, { expires_at: expiresAt });
    return { fresh, expiresAt };
  });
  await recordAudit(deps.db, { ...auditContext(actor), action: 'portfolio.site_token_rotated', details: { tokenId: old.id, newTokenId: issued.fresh.row.id } });
  return { token: siteTokenView(issued.fresh.row, now), secret: issued.fresh.secret, previous: siteTokenView({ ...old, expires_at: issued.expiresAt }, now) };
}

export async function revokeSiteToken(deps: PortfolioDeps, actor: StudioActor, tokenId: string): Promise<SiteTokenView> {
  const row = await findStudioSiteToken(deps.db, actor.studioId, tokenId);
  if (!row) throw tokenNotFound();
  const now = deps.now();
  if (row.revoked_at === null) await updateStudioSiteToken(deps.db, actor.studioId, row.id, { revoked_at: now });
  await recordAudit(deps.db, { ...auditContext(actor), action: 'portfolio.site_token_revoked', details: { tokenId: row.id } });
  return siteTokenView({ ...row, revoked_at: row.revoked_at ?? now }, now);
}

function tokenInvalid(): AppError {
  return new AppError('site_token_invalid', 'Send Authorization: Bearer <a website token of 64 characters>.', 401, { headers: { 'www-authenticate': 'Bearer' } });
}

const lastUsedWrites = new Map<string, number>();

/** The token an `Authorization: Bearer …` header names, if usable; 401 otherwise. Counted against its per-minute limit. */
export async function authenticateSiteToken(deps: PortfolioDeps, authorization: string | undefined): Promise<SiteTokenRow> {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? '');
  const secret = match?.[1];
  if (!secret || !SITE_TOKEN_PATTERN.test(secret)) throw tokenInvalid();
  const row = await findSiteTokenByHash(deps.db, hashToken(secret));
  const now = deps.now();
  if (!row || !usable(row, now)) throw tokenInvalid();
  await deps.limits.consume('siteToken', row.id);
  // The studio's website sees what its signed links see while it is suspended.
  await assertStudioNotSuspended(deps, row.studio_id);
  const last = lastUsedWrites.get(row.id) ?? Number(row.last_used_at ?? 0);
  if (now - last >= LAST_USED_EVERY_MS) {
    lastUsedWrites.set(row.id, now);
    void updateStudioSiteToken(deps.db, row.studio_id, row.id, { last_used_at: now }).catch((error: unknown) => deps.logger.warn({ err: error }, 'last use of a site token not recorded'));
  }
  return row;
}

/** Whether a browser at `origin` may call with this token (no Origin: a server, always). */
export function originAllowed(row: SiteTokenRow, origin: string | undefined): boolean {
  if (origin === undefined) return true;
  return parseOrigins(row.origins).includes(origin);
}

/** A preflight carries no token: it passes when any usable token lists the origin (the real request is checked against its own token). */
export async function originListedAnywhere(deps: PortfolioDeps, origin: string): Promise<boolean> {
  const lists = await listUsableSiteTokenOrigins(deps.db, deps.now());
  return lists.some((list) => parseOrigins(list).includes(origin));
}
