import { auditContext, recordAudit } from '../audit/audit-log.ts';
import type { StudioActor } from '../http/access.ts';
import { describeDevice, describePlace } from '../http/request-origin.ts';
import { hashToken } from '../crypto/hashing.ts';
import type { StudioSecretBox } from '../crypto/secret-fields.ts';
import { generateId, generateNumericCode, generateToken } from '../crypto/tokens.ts';
import type { DeliveryEventKind } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { clientBranding, studioLogo } from '../studios/branding.ts';
import { studioSecrets } from '../studios/service.ts';
import { cleanText } from '../text.ts';
import type { FileView } from '../vault/service.ts';
import { keepAccess, linkOf, openAccess } from './access.ts';
import { CODE_DIGITS, codePurpose } from './client-access.ts';
import { clearCodeGuards } from './guards-repo.ts';
import type { DeliveriesDeps } from './deps.ts';
import { type DeliveryDetails, openDeliveryDetails, sealDeliveryDetails } from './details.ts';
import { type DeliveryTotals, deliveryTotals, totalsOf } from './files.ts';
import { reserveDeliveryMail } from './mail-limits.ts';
import { type DeliveryMail, sendCodeEmails, sendLinkEmails } from './notifications.ts';
import {
  type DeliveryRow,
  deliveryHasFile,
  endDeliverySessions,
  findStudioDelivery,
  insertDelivery,
  insertDeliveryEvent,
  listDeliveryEventRows,
  listDeliveryFileIds,
  listStudioDeliveries,
  updateStudioDelivery,
} from './repo.ts';
import { type DeliveryStatus, deliveryNotFound, deliveryStatus } from './state.ts';
import { byCaptureTime } from './capture-order.ts';
import { type Watermark, parseWatermark, watermarkJson } from '../imaging/watermark-spec.ts';

/** The photographer's side: create, look after and end deliveries of the studio's files. */

const DAY_MS = 24 * 60 * 60_000;
export const DEFAULT_EXPIRY_DAYS = 30;
export const MAX_EXPIRY_DAYS = 365;
export const MAX_DELIVERY_FILES = 5000;
const LIST_LIMIT = 500;
const EVENTS_LIMIT = 1000;

export interface DeliveryView {
  id: string;
  title: string;
  message: string;
  recipients: string[];
  status: DeliveryStatus;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lockedUntil: string | null;
  downloadLimit: number | null;
  downloadCount: number;
  viewCount: number;
  allowOriginals: boolean;
  allowZip: boolean;
  fileCount: number;
  totalBytes: number;
  lastActivityAt: string | null;
  /** The photo the client's gallery opens on; null: the first. */
  coverFileId: string | null;
  watermark: Watermark | null;
}

/** The link and the code: shown when made, and again on request (access.ts: kept sealed, the hashes stay the check). */
export interface DeliveryAccess {
  url: string;
  code: string;
}

export interface DeliveryEventView {
  id: string;
  kind: DeliveryEventKind;
  at: string;
  fileId: string | null;
  fileName: string | null;
  client: { device: string; place: string } | null;
}

export interface DeliveryInput {
  title: string;
  message?: string;
  recipients?: string[];
  fileIds?: string[];
  albumId?: string;
  expiresAt?: string;
  downloadLimit?: number | null;
  allowOriginals?: boolean;
  allowZip?: boolean;
  /** Default: real capture time for an album, the order given for files. */
  order?: 'capturedAt' | 'given';
  watermark?: Watermark | null;
}

export type DeliveryChanges = Partial<Pick<DeliveryInput, 'title' | 'message' | 'recipients' | 'expiresAt' | 'downloadLimit' | 'allowOriginals' | 'allowZip' | 'watermark'>> & {
  coverFileId?: string | null;
};

const iso = (time: number | null): string | null => (time === null ? null : new Date(time).toISOString());

function deliveryView(row: DeliveryRow, totals: DeliveryTotals, details: DeliveryDetails, now: number): DeliveryView {
  return {
    id: row.id,
    ...details,
    status: deliveryStatus(row, now),
    createdAt: new Date(row.created_at).toISOString(),
    expiresAt: new Date(row.expires_at).toISOString(),
    revokedAt: iso(row.revoked_at),
    lockedUntil: row.locked_until !== null && row.locked_until > now ? iso(row.locked_until) : null,
    downloadLimit: row.download_limit,
    downloadCount: row.download_count,
    viewCount: row.view_count,
    allowOriginals: row.allow_originals === 1,
    allowZip: row.allow_zip === 1,
    fileCount: totals.fileCount,
    totalBytes: totals.totalBytes,
    lastActivityAt: iso(row.last_activity_at),
    coverFileId: row.cover_file_id,
    watermark: parseWatermark(row.watermark_json),
  };
}

/** `secrets`: the studio's box, when the caller holds it already (a list). */
export async function viewOf(deps: DeliveriesDeps, row: DeliveryRow, totals?: DeliveryTotals, secrets?: StudioSecretBox): Promise<DeliveryView> {
  const details = await openDeliveryDetails(secrets ?? (await studioSecrets(deps, row.studio_id)), row.id, row.details_sealed);
  return deliveryView(row, totals ?? (await totalsOf(deps, row)), details, deps.now());
}

/** Newlines are kept in a message; every other control or bidi character goes. */
function cleanMessage(message: string): string {
  return message
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => cleanText(line))
    .join('\n')
    .trim();
}

function cleanTitle(title: string): string {
  const cleaned = cleanText(title);
  if (!cleaned) throw new AppError('title_required', 'Give the delivery a title.', 400);
  return cleaned;
}

function cleanRecipients(recipients: readonly string[]): string[] {
  return [...new Set(recipients.map((email) => email.trim().normalize('NFC').toLowerCase()))];
}

function expiryFrom(input: string | undefined, now: number): number {
  if (input === undefined) return now + DEFAULT_EXPIRY_DAYS * DAY_MS;
  const at = Date.parse(input);
  if (!Number.isFinite(at) || at <= now + 60_000 || at > now + MAX_EXPIRY_DAYS * DAY_MS) {
    throw new AppError('invalid_expiry', `The expiry must be in the future and at most ${MAX_EXPIRY_DAYS} days away.`, 400);
  }
  return at;
}

export async function requireDelivery(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string): Promise<DeliveryRow> {
  const row = await findStudioDelivery(deps.db, actor.studioId, deliveryId);
  if (!row) throw deliveryNotFound();
  return row;
}

async function filesToDeliver(deps: DeliveriesDeps, actor: StudioActor, input: DeliveryInput): Promise<string[]> {
  if ((input.fileIds === undefined) === (input.albumId === undefined)) {
    throw new AppError('files_required', 'Choose either files or an album to deliver.', 400);
  }
  if (input.albumId !== undefined) {
    const ids = await deps.vault.deliverableFileIds(actor.studioId, { albumId: input.albumId });
    if (ids.length === 0) throw new AppError('album_empty', 'This album has no files to deliver.', 400);
    if (ids.length > MAX_DELIVERY_FILES) throw new AppError('too_many_files', `A delivery holds at most ${MAX_DELIVERY_FILES} files.`, 400);
    return (input.order ?? 'capturedAt') === 'capturedAt' ? inCaptureOrder(deps, actor, ids) : ids;
  }
  const ids = [...new Set(input.fileIds)];
  const found = await deps.vault.deliverableFileIds(actor.studioId, { fileIds: ids });
  // Another studio's id, a purged file and a trashed one are all simply not there.
  if (found.length !== ids.length) {
    throw new AppError('file_not_found', 'One of these files does not exist.', 404);
  }
  return input.order === 'capturedAt' ? inCaptureOrder(deps, actor, ids) : ids;
}

async function inCaptureOrder(deps: DeliveriesDeps, actor: StudioActor, ids: string[]): Promise<string[]> {
  return (await deps.vault.find(actor.studioId, ids)).sort(byCaptureTime).map((file) => file.id);
}

export async function deliveryMail(deps: DeliveriesDeps, row: DeliveryRow, details: DeliveryDetails): Promise<DeliveryMail> {
  const branding = await clientBranding(deps, row.studio_id);
  const logo = branding.logoVersion ? await studioLogo(deps, row.studio_id) : undefined;
  return { studioName: branding.name, branding, logoPng: logo?.png, details, expiresAt: row.expires_at };
}

async function newCode(deps: DeliveriesDeps, deliveryId: string): Promise<{ code: string; digest: string; keyVersion: string }> {
  const code = generateNumericCode(CODE_DIGITS);
  return { code, ...(await deps.pepper.hash(code, codePurpose(deliveryId))) };
}

async function recordEvent(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string, kind: DeliveryEventKind): Promise<void> {
  const at = deps.now();
  await insertDeliveryEvent(deps.db, { deliveryId, kind, at, ip: actor.ip, userAgent: actor.userAgent });
  await recordAudit(deps.db, { action: `delivery.${kind}`, ...auditContext(actor), details: { deliveryId, studioId: actor.studioId } }, at);
}

export async function createDelivery(deps: DeliveriesDeps, actor: StudioActor, input: DeliveryInput): Promise<{ delivery: DeliveryView; access: DeliveryAccess }> {
  const now = deps.now();
  const fileIds = await filesToDeliver(deps, actor, input);
  const details: DeliveryDetails = { title: cleanTitle(input.title), message: cleanMessage(input.message ?? ''), recipients: cleanRecipients(input.recipients ?? []) };
  const id = generateId();
  const token = generateToken();
  await reserveDeliveryMail(deps, actor, { deliveryId: id, reason: 'created', recipients: details.recipients, emailsPerRecipient: 2 });
  const { code, ...codeHash } = await newCode(deps, id);
  await insertDelivery(
    deps.db,
    {
      id,
      studioId: actor.studioId,
      createdBy: actor.userId,
      detailsSealed: await sealDeliveryDetails(await studioSecrets(deps, actor.studioId), id, details),
      tokenHash: hashToken(token),
      code: codeHash,
      allowOriginals: input.allowOriginals ?? true,
      allowZip: input.allowZip ?? true,
      downloadLimit: input.downloadLimit ?? null,
      expiresAt: expiryFrom(input.expiresAt, now),
      now,
    },
    fileIds,
  );
  if (input.watermark) await updateStudioDelivery(deps.db, actor.studioId, id, { watermark_json: watermarkJson(input.watermark) });
  await keepAccess(deps, actor.studioId, id, { token, code });
  await recordEvent(deps, actor, id, 'created');
  const row = await requireDelivery(deps, actor, id);
  const access = { url: linkOf(deps, token), code };
  if (details.recipients.length > 0) {
    const mail = await deliveryMail(deps, row, details);
    sendLinkEmails(deps, mail, access.url);
    sendCodeEmails(deps, mail, code);
  }
  return { delivery: deliveryView(row, await totalsOf(deps, row), details, now), access };
}

export async function listDeliveries(deps: DeliveriesDeps, actor: StudioActor): Promise<DeliveryView[]> {
  const rows = await listStudioDeliveries(deps.db, actor.studioId, LIST_LIMIT);
  const totals = await deliveryTotals(deps, actor.studioId, rows);
  const secrets = await studioSecrets(deps, actor.studioId);
  return Promise.all(rows.map((row) => viewOf(deps, row, totals.get(row.id), secrets)));
}

export async function getDelivery(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string): Promise<{ delivery: DeliveryView; files: FileView[] }> {
  const row = await requireDelivery(deps, actor, deliveryId);
  const files = await deps.vault.views(actor.studioId, await listDeliveryFileIds(deps.db, row.id));
  return { delivery: await viewOf(deps, row), files };
}

export function refuseIfRevoked(row: DeliveryRow): void {
  if (row.revoked_at !== null) throw new AppError('delivery_revoked', 'This delivery was revoked; create a new one instead.', 409);
}

export async function updateDelivery(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string, changes: DeliveryChanges): Promise<DeliveryView> {
  const row = await requireDelivery(deps, actor, deliveryId);
  refuseIfRevoked(row);
  const secrets = await studioSecrets(deps, actor.studioId);
  const current = await openDeliveryDetails(secrets, row.id, row.details_sealed);
  const details: DeliveryDetails = {
    title: changes.title === undefined ? current.title : cleanTitle(changes.title),
    message: changes.message === undefined ? current.message : cleanMessage(changes.message),
    recipients: changes.recipients === undefined ? current.recipients : cleanRecipients(changes.recipients),
  };
  await updateStudioDelivery(deps.db, actor.studioId, row.id, {
    details_sealed: await sealDeliveryDetails(secrets, row.id, details),
    // A new expiry is reminded of anew (reminders.ts).
    ...(changes.expiresAt !== undefined && { expires_at: expiryFrom(changes.expiresAt, deps.now()), reminder_sent_at: null }),
    ...(changes.downloadLimit !== undefined && { download_limit: changes.downloadLimit }),
    ...(changes.allowOriginals !== undefined && { allow_originals: changes.allowOriginals ? 1 : 0 }),
    ...(changes.allowZip !== undefined && { allow_zip: changes.allowZip ? 1 : 0 }),
    ...(changes.watermark !== undefined && { watermark_json: watermarkJson(changes.watermark) }),
    ...(changes.coverFileId !== undefined && { cover_file_id: await coverOf(deps, row, changes.coverFileId) }),
    updated_at: deps.now(),
  });
  await recordEvent(deps, actor, row.id, 'updated');
  return viewOf(deps, await requireDelivery(deps, actor, row.id));
}

/** A cover must be one of the delivery's files. */
async function coverOf(deps: DeliveriesDeps, row: DeliveryRow, fileId: string | null): Promise<string | null> {
  if (fileId !== null && !(await deliveryHasFile(deps.db, row.id, fileId))) throw new AppError('cover_not_in_delivery', 'The cover must be one of the delivery’s photos.', 400);
  return fileId;
}

export async function revokeDelivery(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string): Promise<DeliveryView> {
  const row = await requireDelivery(deps, actor, deliveryId);
  if (row.revoked_at === null) {
    const now = deps.now();
    await updateStudioDelivery(deps.db, actor.studioId, row.id, { revoked_at: now, updated_at: now });
    await endDeliverySessions(deps.db, row.id, now);
    await recordEvent(deps, actor, row.id, 'revoked');
  }
  return viewOf(deps, await requireDelivery(deps, actor, row.id));
}

/**
 * Replaces the code (and, with `newLink`, the link token): the old ones, a lockout (the
 * delivery's and every network's) and every open client session and remembered device end
 * with them. The new ones are kept sealed (access.ts).
 */
async function replaceSecrets(deps: DeliveriesDeps, actor: StudioActor, row: DeliveryRow, newLink: boolean): Promise<{ code: string; token: string | null }> {
  const now = deps.now();
  const kept = await openAccess(deps, row);
  const token = newLink ? generateToken() : null;
  const { code, digest, keyVersion } = await newCode(deps, row.id);
  await updateStudioDelivery(deps.db, actor.studioId, row.id, {
    ...(token !== null && { token_hash: hashToken(token) }),
    code_digest: digest,
    code_key_version: keyVersion,
    failed_attempts: 0,
    locked_until: null,
    lockouts: 0,
    updated_at: now,
  });
  await endDeliverySessions(deps.db, row.id, now);
  await clearCodeGuards(deps.db, row.id);
  await keepAccess(deps, actor.studioId, row.id, { token: token ?? kept?.token ?? null, code });
  return { code, token };
}

export async function regenerateDeliveryCode(
  deps: DeliveriesDeps,
  actor: StudioActor,
  deliveryId: string,
  options: { sendToRecipients: boolean },
): Promise<{ delivery: DeliveryView; code: string }> {
  const row = await requireDelivery(deps, actor, deliveryId);
  refuseIfRevoked(row);
  const details = await openDeliveryDetails(await studioSecrets(deps, row.studio_id), row.id, row.details_sealed);
  const send = options.sendToRecipients && details.recipients.length > 0;
  if (send) await reserveDeliveryMail(deps, actor, { deliveryId: row.id, reason: 'code_sent', recipients: details.recipients, emailsPerRecipient: 1 });
  const { code } = await replaceSecrets(deps, actor, row, false);
  await recordEvent(deps, actor, row.id, 'code_regenerated');
  if (send) sendCodeEmails(deps, await deliveryMail(deps, row, details), code);
  return { delivery: await viewOf(deps, await requireDelivery(deps, actor, row.id)), code };
}

/**
 * Sends the delivery to its recipients again: the same link and the same code (kept sealed,
 * access.ts), so the family's link keeps working and nobody is signed out. Only a delivery made
 * before links were kept gets a new link and code (its old link stops working).
 */
export async function resendDelivery(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string): Promise<{ delivery: DeliveryView; access: DeliveryAccess }> {
  const row = await requireDelivery(deps, actor, deliveryId);
  refuseIfRevoked(row);
  const details = await openDeliveryDetails(await studioSecrets(deps, row.studio_id), row.id, row.details_sealed);
  if (details.recipients.length === 0) throw new AppError('no_recipients', 'Add a recipient email first.', 400);
  await reserveDeliveryMail(deps, actor, { deliveryId: row.id, reason: 'resent', recipients: details.recipients, emailsPerRecipient: 2 });
  const kept = await openAccess(deps, row);
  const same = kept?.token ? { token: kept.token, code: kept.code } : undefined;
  const { code, token } = same ?? (await replaceSecrets(deps, actor, row, true));
  await recordEvent(deps, actor, row.id, 'resent');
  const access = { url: linkOf(deps, token as string), code };
  const mail = await deliveryMail(deps, row, details);
  sendLinkEmails(deps, mail, access.url);
  sendCodeEmails(deps, mail, code);
  return { delivery: await viewOf(deps, await requireDelivery(deps, actor, row.id)), access };
}

export async function listDeliveryEvents(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string): Promise<DeliveryEventView[]> {
  const row = await requireDelivery(deps, actor, deliveryId);
  const events = await listDeliveryEventRows(deps.db, row.id, EVENTS_LIMIT);
  const fileIds = [...new Set(events.flatMap((event) => (event.file_id ? [event.file_id] : [])))];
  const names = await deps.vault.names(actor.studioId, fileIds);
  return events.map((event) => ({
    id: event.id,
    kind: event.kind,
    at: new Date(event.at).toISOString(),
    fileId: event.file_id,
    fileName: event.file_id ? (names.get(event.file_id) ?? null) : null,
    // Events the photographer caused carry no client.
    client: event.ip !== null && isClientEvent(event.kind) ? { device: describeDevice(event.user_agent ?? ''), place: describePlace(event.ip) } : null,
  }));
}

function isClientEvent(kind: DeliveryEventKind): boolean {
  return kind === 'opened' || kind === 'code_failed' || kind === 'locked' || kind === 'file_downloaded' || kind === 'zip_downloaded';
}
