import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { sha256HexOfBytes } from '../crypto/hashing.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import type { Db } from '../db/database.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import { SNIFF_BYTES, detectPhotoType, photoTypes } from '../imaging/file-types.ts';
import type { ImagingPool } from '../imaging/pool.ts';
import { cleanText } from '../text.ts';
import { type BrandingSummaryRow, findBranding, findBrandingLogo, setBrandingLogo, upsertBrandingDetails } from './branding-repo.ts';
import { defaultStudioName, studioName, studioSecrets } from './service.ts';

/**
 * What a studio shows its clients: its name, logo, accent colour, contact details and a short
 * signature, on the client pages and in every client email. Sealed under the studio's data key
 * (declared in key-protected.ts), so erasing a studio erases its branding too. The logo is
 * sniffed by content (PNG, JPEG or WebP only: never SVG, which can carry script), decoded and
 * re-encoded as a PNG without metadata in the imaging pool (imaging/logo.ts) — the server
 * process never decodes it — and only those bytes are ever served.
 *
 * The name clients see is the branding name, or the studio's own name: never an account's
 * email address (a studio's name is never made from one, studios/service.ts).
 */

export const brandingPurpose = 'studio-branding';
export const brandingAssociatedData = (studioId: string) => `studio_branding/${studioId}`;
export const logoPurpose = 'studio-logo';
export const logoAssociatedData = (studioId: string) => `studio_branding/${studioId}/logo`;

/** The largest logo upload (the route's body limit). */
export const LOGO_MAX_BYTES = 5 * 1024 * 1024;
/** Pixels decoded at most: a logo is small, a decompression bomb is not. */
export const LOGO_MAX_PIXELS = 40_000_000;
/** The re-encoded logo's longest side. */
export const LOGO_MAX_SIDE = 800;
const LOGO_OUTPUT_MAX_BYTES = 2 * 1024 * 1024;
const logoTypes: ReadonlySet<string> = new Set([photoTypes.png.mediaType, photoTypes.jpeg.mediaType, photoTypes.webp.mediaType]);

export interface BrandingDetails {
  /** Null: the studio's own name. */
  name: string | null;
  /** `#rrggbb`, or null for the app's own. */
  accentColor: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  website: string | null;
  signature: string | null;
}

export interface StudioBranding extends Omit<BrandingDetails, 'name'> {
  /** What clients see: the branding name, or the studio's name. */
  name: string;
  /** Whether the photographer set a name of their own (false: the studio's name is shown). */
  customName: boolean;
  logo: { version: string; width: number; height: number } | null;
  updatedAt: string | null;
}

export interface BrandingReadDeps {
  db: Db;
  keys: MasterKeyProvider;
}

export interface BrandingDeps extends BrandingReadDeps {
  imaging: Pick<ImagingPool, 'run'>;
  now(): number;
}

const emptyDetails: BrandingDetails = { name: null, accentColor: null, contactEmail: null, contactPhone: null, website: null, signature: null };

async function openDetails(deps: BrandingReadDeps, row: BrandingSummaryRow): Promise<BrandingDetails> {
  const box = await studioSecrets(deps, row.studio_id);
  const opened = JSON.parse((await box.open(row.details_sealed, brandingPurpose, brandingAssociatedData(row.studio_id))).toString('utf8')) as Partial<BrandingDetails>;
  return { ...emptyDetails, ...opened };
}

const EMAIL_LIKE = /^[^\s@]+@[^\s@]+$/;

/** A studio's own name as clients may see it: one that looks like an email address (older data) gives way to the default. */
function presentableStudioName(name: string): string {
  return EMAIL_LIKE.test(name.trim()) ? defaultStudioName : name;
}

async function viewOf(deps: BrandingReadDeps, studioId: string, row: BrandingSummaryRow | undefined): Promise<StudioBranding> {
  const details = row ? await openDetails(deps, row) : emptyDetails;
  const stored = await studioName(deps, studioId);
  if (stored === undefined) throw new NotFoundError('studio_not_found', 'This studio does not exist.');
  const fallback = presentableStudioName(stored);
  const { name, ...rest } = details;
  return {
    ...rest,
    name: name ?? fallback,
    customName: name !== null,
    logo: row?.logo_sha256 && row.logo_width && row.logo_height ? { version: row.logo_sha256.slice(0, 16), width: row.logo_width, height: row.logo_height } : null,
    updatedAt: row ? new Date(row.updated_at).toISOString() : null,
  };
}

/** The studio's branding, as the photographer edits it and as clients see it. */
export async function getStudioBranding(deps: BrandingReadDeps, studioId: string): Promise<StudioBranding> {
  return viewOf(deps, studioId, await findBranding(deps.db, studioId));
}

/** The name a studio's clients see (in their answers and emails): the branding name, else the studio's. */
export async function clientStudioName(deps: BrandingReadDeps, studioId: string): Promise<string> {
  return (await getStudioBranding(deps, studioId)).name;
}

// ——— Changes ———

const ACCENT_PATTERN = /^#[0-9a-fA-F]{6}$/;
const PHONE_PATTERN = /^[0-9+().\-\s/]{3,40}$/;

function invalid(_field: keyof BrandingDetails, message: string): AppError {
  return new AppError('branding_invalid', message, 400);
}

function optionalLine(value: string | null | undefined, field: keyof BrandingDetails, max: number): string | null | undefined {
  if (value === undefined || value === null) return value;
  const cleaned = cleanText(value);
  if (cleaned.length > max) throw invalid(field, `${field} may be at most ${max} characters.`);
  return cleaned === '' ? null : cleaned;
}

function cleanSignature(value: string | null | undefined): string | null | undefined {
  if (value === undefined || value === null) return value;
  const cleaned = value
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => cleanText(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (cleaned.length > 500) throw invalid('signature', 'The signature may be at most 500 characters.');
  return cleaned === '' ? null : cleaned;
}

function cleanWebsite(value: string | null | undefined): string | null | undefined {
  const line = optionalLine(value, 'website', 300);
  if (line === undefined || line === null) return line;
  let url: URL;
  try {
    url = new URL(line);
  } catch {
    throw invalid('website', 'The website must be a full address starting with https:// or http://.');
  }
  // Only web addresses: never javascript:, data: or anything else a link could run.
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw invalid('website', 'The website must be a full address starting with https:// or http://.');
  }
  return url.toString();
}

export type BrandingChanges = Partial<BrandingDetails>;

function applyChanges(current: BrandingDetails, changes: BrandingChanges): BrandingDetails {
  const accent = changes.accentColor;
  if (accent !== undefined && accent !== null && !ACCENT_PATTERN.test(accent)) throw invalid('accentColor', 'The accent colour must be written #rrggbb.');
  const phone = optionalLine(changes.contactPhone, 'contactPhone', 40);
  if (phone && !PHONE_PATTERN.test(phone)) throw invalid('contactPhone', 'The phone number may hold digits, spaces and + ( ) - . / only.');
  const email = optionalLine(changes.contactEmail, 'contactEmail', 254);
  const name = optionalLine(changes.name, 'name', 100);
  if (name && EMAIL_LIKE.test(name)) throw invalid('name', 'Your clients see this name: use your studio’s name, not an email address.');
  const pick = <K extends keyof BrandingDetails>(key: K, value: BrandingDetails[K] | undefined): BrandingDetails[K] => (value === undefined ? current[key] : value);
  return {
    name: pick('name', name),
    accentColor: pick('accentColor', accent === undefined || accent === null ? accent : accent.toLowerCase()),
    contactEmail: pick('contactEmail', email?.toLowerCase() ?? email),
    contactPhone: pick('contactPhone', phone),
    website: pick('website', cleanWebsite(changes.website)),
    signature: pick('signature', cleanSignature(changes.signature)),
  };
}

export async function updateStudioBranding(deps: BrandingDeps, actor: StudioActor, changes: BrandingChanges): Promise<StudioBranding> {
  const row = await findBranding(deps.db, actor.studioId);
  const details = applyChanges(row ? await openDetails(deps, row) : emptyDetails, changes);
  const box = await studioSecrets(deps, actor.studioId);
  const now = deps.now();
  await upsertBrandingDetails(deps.db, actor.studioId, await box.seal(JSON.stringify(details), brandingPurpose, brandingAssociatedData(actor.studioId)), now);
  await recordAudit(deps.db, { action: 'studio.branding_updated', ...auditContext(actor), details: { studioId: actor.studioId, fields: Object.keys(changes).sort().join(',') } }, now);
  return getStudioBranding(deps, actor.studioId);
}

/** Takes an uploaded logo: sniffed by content, re-encoded in the imaging pool, sealed. */
export async function uploadStudioLogo(deps: BrandingDeps, actor: StudioActor, bytes: Buffer): Promise<StudioBranding> {
  if (bytes.length === 0) throw new AppError('logo_required', 'Send the logo image as the request body.', 400);
  if (bytes.length > LOGO_MAX_BYTES) throw new AppError('logo_too_large', `A logo may be at most ${LOGO_MAX_BYTES / 1024 / 1024} MiB.`, 413);
  const type = await detectPhotoType(bytes.subarray(0, SNIFF_BYTES));
  if (!type || !logoTypes.has(type.mediaType)) {
    throw new AppError('logo_type_unsupported', 'A logo must be a PNG, JPEG or WebP image.', 415);
  }
  const rendered = await deps.imaging.run('logo', bytes, { maxPixels: LOGO_MAX_PIXELS, maxSide: LOGO_MAX_SIDE });
  const png = Buffer.from(rendered.png);
  if (png.length > LOGO_OUTPUT_MAX_BYTES) throw new AppError('logo_too_large', 'This logo is too detailed to keep; upload a simpler or smaller image.', 413);
  const now = deps.now();
  const box = await studioSecrets(deps, actor.studioId);
  if (!(await findBranding(deps.db, actor.studioId))) {
    await upsertBrandingDetails(deps.db, actor.studioId, await box.seal(JSON.stringify(emptyDetails), brandingPurpose, brandingAssociatedData(actor.studioId)), now);
  }
  const sha256 = sha256HexOfBytes(png);
  await setBrandingLogo(deps.db, actor.studioId, { sealed: await box.seal(png, logoPurpose, logoAssociatedData(actor.studioId)), sha256, width: rendered.width, height: rendered.height }, now);
  await recordAudit(deps.db, { action: 'studio.logo_uploaded', ...auditContext(actor), details: { studioId: actor.studioId, bytes: png.length } }, now);
  return getStudioBranding(deps, actor.studioId);
}

export async function deleteStudioLogo(deps: BrandingDeps, actor: StudioActor): Promise<StudioBranding> {
  const now = deps.now();
  if (await findBranding(deps.db, actor.studioId)) {
    await setBrandingLogo(deps.db, actor.studioId, null, now);
    await recordAudit(deps.db, { action: 'studio.logo_removed', ...auditContext(actor), details: { studioId: actor.studioId } }, now);
  }
  return getStudioBranding(deps, actor.studioId);
}

export interface ClientBranding {
  name: string;
  accentColor: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  website: string | null;
  signature: string | null;
  logoVersion: string | null;
}

/** What a studio's clients see of it (clientBrandingSchema): on the delivery page and in every client email. */
export async function clientBranding(deps: BrandingReadDeps, studioId: string): Promise<ClientBranding> {
  const { name, accentColor, contactEmail, contactPhone, website, signature, logo } = await getStudioBranding(deps, studioId);
  return { name, accentColor, contactEmail, contactPhone, website, signature, logoVersion: logo?.version ?? null };
}

export interface StudioLogo {
  png: Buffer;
  /** A strong ETag: the SHA-256 of these bytes. */
  sha256: string;
}

/** The re-encoded logo's bytes, or undefined when the studio has none. */
export async function studioLogo(deps: BrandingReadDeps, studioId: string): Promise<StudioLogo | undefined> {
  const stored = await findBrandingLogo(deps.db, studioId);
  if (!stored) return undefined;
  const box = await studioSecrets(deps, studioId);
  return { png: await box.open(stored.logo_sealed, logoPurpose, logoAssociatedData(studioId)), sha256: stored.logo_sha256 };
}

export interface LogoAnswer {
  status: 200 | 304;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/**
 * How a logo leaves the server, for the photographer's route and the client's: always the PNG
 * the imaging pool wrote, as an image the browser may not sniff into anything else, in a
 * sandbox, private to the caller; 304 when the caller already has these bytes.
 */
export function logoAnswer(logo: StudioLogo | undefined, ifNoneMatch: string | undefined): LogoAnswer {
  if (!logo) throw new NotFoundError('logo_not_found', 'This studio has no logo.');
  const etag = `"${logo.sha256}"`;
  const headers = {
    'content-type': 'image/png',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'content-disposition': 'inline; filename="logo.png"',
    'cache-control': 'private, max-age=300',
    etag,
  };
  return ifNoneMatch === etag ? { status: 304, headers, body: undefined } : { status: 200, headers, body: logo.png };
}
