import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { generateBase64UrlSecret, generateId } from '../crypto/tokens.ts';
import type { StudioActor } from '../http/access.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { cleanText } from '../text.ts';
import { canonicalAllowlist } from './allowlists.ts';
import type { ImagesDeps } from './deps.ts';
import { parseList, requireProject } from './projects.ts';
import { type KeyPatch, type KeyRow, findStudioKey, insertKey, listProjectKeys, updateStudioKey } from './repo.ts';
import { openKeySecret, sealKeySecret } from './secrets.ts';

/**
 * A project's API keys: `pk_` + 128 random bits names the key in URLs, `sk_` + 256 random bits
 * signs them. The secret is shown once, in the answer that made it, and kept only sealed. A
 * rotation makes a new secret and keeps the previous one working for a grace period of 0–7
 * days, so a website can be redeployed without broken images.
 */

export const DEFAULT_PER_MINUTE = 60;
export const DEFAULT_PER_DAY = 10_000;
export const MAX_PER_MINUTE = 10_000;
export const MAX_PER_DAY = 1_000_000;
export const MAX_GRACE_DAYS = 7;
export const MAX_KEYS_PER_PROJECT = 50;
/** A key within this long of its expiry shows as "expiring". */
const EXPIRING_MS = 7 * 24 * 3600_000;
const DAY_MS = 24 * 3600_000;

export type KeyStatus = 'active' | 'expiring' | 'expired' | 'revoked';

export interface KeyView {
  id: string;
  projectId: string;
  name: string;
  publicKey: string;
  status: KeyStatus;
  referers: string[] | null;
  sources: string[] | null;
  perMinute: number;
  perDay: number;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  rotatedAt: string | null;
  /** Until when the secret before the last rotation still signs. */
  previousSecretValidUntil: string | null;
  createdAt: string;
}

export interface KeyInput {
  name: string;
  /** null or [] inherit the project's list. */
  referers?: string[] | null;
  sources?: string[] | null;
  perMinute?: number;
  perDay?: number;
  expiresAt?: string | null;
}

/** The one answer that carries the secret. */
export interface KeyWithSecret {
  key: KeyView;
  secretKey: string;
}

export function keyNotFound(): NotFoundError {
  return new NotFoundError('image_key_not_found', 'This API key does not exist.');
}

const iso = (at: number | null): string | null => (at === null ? null : new Date(at).toISOString());

export function keyStatus(row: Pick<KeyRow, 'revoked_at' | 'expires_at'>, now: number): KeyStatus {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at !== null && row.expires_at <= now) return 'expired';
  if (row.expires_at !== null && row.expires_at - now <= EXPIRING_MS) return 'expiring';
  return 'active';
}

export function keyView(row: KeyRow, now: number): KeyView {
  const graceOpen = row.previous_valid_until !== null && row.previous_valid_until > now && row.previous_secret_sealed !== null;
  return {
    id: row.id,
    projectId: row.project_id,
    name: row.name,
    publicKey: row.public_id,
    status: keyStatus(row, now),
    referers: parseList(row.referers),
    sources: parseList(row.sources),
    perMinute: row.per_minute,
    perDay: row.per_day,
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    rotatedAt: iso(row.rotated_at),
    previousSecretValidUntil: graceOpen ? iso(row.previous_valid_until) : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

function checkedName(name: string): string {
  const cleaned = cleanText(name).trim();
  if (cleaned.length === 0 || cleaned.length > 200) throw new AppError('image_key_name_invalid', 'A key name must be 1 to 200 characters.', 400);
  return cleaned;
}

function narrowing(list: string[] | null | undefined): string | null {
  if (list === null || list === undefined || list.length === 0) return null;
  return JSON.stringify(canonicalAllowlist(list));
}

function checkedLimits(perMinute: number, perDay: number): void {
  if (perMinute > perDay) throw new AppError('image_key_limits_invalid', 'The per-minute limit cannot be above the per-day limit.', 400);
}

function checkedExpiry(expiresAt: string | null | undefined, now: number): number | null {
  if (expiresAt === null || expiresAt === undefined) return null;
  const at = Date.parse(expiresAt);
  if (!Number.isFinite(at) || at <= now) throw new AppError('image_key_expiry_invalid', 'A key expiry must be a time in the future.', 400);
  return at;
}

function newSecret(): string {
  return `sk_${generateBase64UrlSecret(32)}`;
}

export async function createKey(deps: ImagesDeps, actor: StudioActor, projectId: string, input: KeyInput): Promise<KeyWithSecret> {
  await requireProject(deps, actor, projectId);
  if ((await listProjectKeys(deps.db, actor.studioId, projectId)).length >= MAX_KEYS_PER_PROJECT) {
    throw new AppError('image_key_limit', `A project has at most ${MAX_KEYS_PER_PROJECT} API keys.`, 409);
  }
  const now = deps.now();
  const id = generateId();
  const secretKey = newSecret();
  const perMinute = input.perMinute ?? DEFAULT_PER_MINUTE;
  const perDay = input.perDay ?? DEFAULT_PER_DAY;
  checkedLimits(perMinute, perDay);
  const row: KeyRow = {
    id,
    studio_id: actor.studioId,
    project_id: projectId,
    public_id: `pk_${generateBase64UrlSecret(16)}`,
    name: checkedName(input.name),
    secret_sealed: await sealKeySecret(deps.secrets, id, secretKey, 'current'),
    previous_secret_sealed: null,
    previous_valid_until: null,
    referers: narrowing(input.referers),
    sources: narrowing(input.sources),
    per_minute: perMinute,
    per_day: perDay,
    expires_at: checkedExpiry(input.expiresAt, now),
    last_used_at: null,
    revoked_at: null,
    rotated_at: null,
    created_at: now,
    updated_at: now,
  };
  await insertKey(deps.db, row);
  await recordAudit(deps.db, { ...auditContext(actor), action: 'images.key_created', details: { projectId, keyId: id, publicKey: row.public_id } }, now);
  return { key: keyView(row, now), secretKey };
}

export async function listKeys(deps: ImagesDeps, actor: StudioActor, projectId: string): Promise<KeyView[]> {
  await requireProject(deps, actor, projectId);
  const now = deps.now();
  return (await listProjectKeys(deps.db, actor.studioId, projectId)).map((row) => keyView(row, now));
}

async function requireKey(deps: ImagesDeps, actor: StudioActor, projectId: string, keyId: string): Promise<KeyRow> {
  const row = await findStudioKey(deps.db, actor.studioId, projectId, keyId);
  if (!row) throw keyNotFound();
  return row;
}

async function applyPatch(deps: ImagesDeps, actor: StudioActor, current: KeyRow, patch: KeyPatch): Promise<KeyRow> {
  if (!(await updateStudioKey(deps.db, actor.studioId, current.project_id, current.id, patch))) throw keyNotFound();
  deps.keyGrants.forget();
  return { ...current, ...patch } as KeyRow;
}

export async function updateKey(deps: ImagesDeps, actor: StudioActor, projectId: string, keyId: string, input: Partial<KeyInput>): Promise<KeyView> {
  const current = await requireKey(deps, actor, projectId, keyId);
  const now = deps.now();
  const patch: KeyPatch = { updated_at: now };
  if (input.name !== undefined) patch.name = checkedName(input.name);
  if (input.referers !== undefined) patch.referers = narrowing(input.referers);
  if (input.sources !== undefined) patch.sources = narrowing(input.sources);
  if (input.perMinute !== undefined) patch.per_minute = input.perMinute;
  if (input.perDay !== undefined) patch.per_day = input.perDay;
  checkedLimits(patch.per_minute ?? current.per_minute, patch.per_day ?? current.per_day);
  if (input.expiresAt !== undefined) patch.expires_at = checkedExpiry(input.expiresAt, now);
  const updated = await applyPatch(deps, actor, current, patch);
  await recordAudit(deps.db, { ...auditContext(actor), action: 'images.key_updated', details: { projectId, keyId, fields: Object.keys(input).sort().join(',') } }, now);
  return keyView(updated, now);
}

/** A new secret; the old one keeps signing for `graceDays` (0: it stops at once). A revoked key stays revoked. */
export async function rotateKey(deps: ImagesDeps, actor: StudioActor, projectId: string, keyId: string, graceDays: number): Promise<KeyWithSecret> {
  const current = await requireKey(deps, actor, projectId, keyId);
  if (current.revoked_at !== null) throw new AppError('image_key_revoked', 'A revoked key cannot be rotated; create a new one.', 409);
  const now = deps.now();
  const secretKey = newSecret();
  const graceMs = Math.round(graceDays * DAY_MS);
  // The current secret is re-sealed for its new role: a sealed value is bound to its column.
  const previous = graceMs > 0 ? await sealKeySecret(deps.secrets, keyId, await openKeySecret(deps.secrets, keyId, current.secret_sealed, 'current'), 'previous') : null;
  const updated = await applyPatch(deps, actor, current, {
    secret_sealed: await sealKeySecret(deps.secrets, keyId, secretKey, 'current'),
    previous_secret_sealed: previous,
    previous_valid_until: previous === null ? null : now + graceMs,
    rotated_at: now,
    updated_at: now,
  });
  await recordAudit(deps.db, { ...auditContext(actor), action: 'images.key_rotated', details: { projectId, keyId, graceDays } }, now);
  return { key: keyView(updated, now), secretKey };
}

/** Revoking stops the key at once, its previous secret included: the data plane forgets what it remembered of keys (key-grants.ts). */
export async function revokeKey(deps: ImagesDeps, actor: StudioActor, projectId: string, keyId: string): Promise<KeyView> {
  const current = await requireKey(deps, actor, projectId, keyId);
  const now = deps.now();
  const updated = current.revoked_at !== null ? current : await applyPatch(deps, actor, current, { revoked_at: now, previous_secret_sealed: null, previous_valid_until: null, updated_at: now });
  await recordAudit(deps.db, { ...auditContext(actor), action: 'images.key_revoked', details: { projectId, keyId } }, now);
  return keyView(updated, now);
}
