import type { Readable } from 'node:stream';
import { recordAudit } from '../audit/audit-log.ts';
import { type SignatureParams, signedQuery } from '../crypto/signed-urls.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { LabPrincipal } from '../http/access.ts';
import type { RangeHeaders } from '../http/byte-ranges.ts';
import type { RequestOrigin } from '../http/request-origin.ts';
import type { ServedFile } from '../http/send-file.ts';
import { assertStudioNotSuspended, studioName, studioSecrets } from '../studios/service.ts';
import { cleanText } from '../text.ts';
import type { VaultFile } from '../vault/service.ts';
import { type ZipEntrySource, createZipStream, zipByteLength } from '../zip/zip-stream.ts';
import type { LabsDeps } from './deps.ts';
import { type ShippingAddress, openOrderDetails } from './details.ts';
import { notifyStatusChanged } from './notifications.ts';
import { type LabStatus, assertLabTransition, filesAvailable, isClosing } from './order-state.ts';
import { type OrderLineView, lineViews, orderNotFound } from './orders.ts';
import { type PrintOrderRow, changeOrderStatus, findLabOrder, hasOrderEventSince, insertOrderEvent, listLabOrderRows, listOrderLines } from './orders-repo.ts';
import { findLabById } from './repo.ts';
import { LAB_IDLE_MS } from './sessions.ts';

/**
 * What a signed-in lab sees and does: the orders addressed to it (sent, from studios whose
 * portal is on and that still chose it), their originals while it works on them, and the
 * status workflow. Another lab's order, another studio's id or a file outside the order is 404,
 * never 403: the lab learns nothing of what it may not see. Every action is an audit event and
 * a line of the order's timeline.
 */

export interface LabOrderSummary {
  id: string;
  studioName: string;
  status: PrintOrderRow['status'];
  dueDate: string | null;
  submittedAt: string | null;
}

export interface LabOrderFile {
  id: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
}

export interface LabOrderView extends LabOrderSummary {
  shipping: ShippingAddress;
  notes: string;
  carrier: string | null;
  trackingNumber: string | null;
  rejectReason: string | null;
  filesAvailable: boolean;
  lines: OrderLineView[];
  /** The originals of the order, each once, while the lab may fetch them (else empty). */
  files: LabOrderFile[];
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function auditOf(lab: LabPrincipal, origin: RequestOrigin, action: string, order: PrintOrderRow, details: Record<string, string | number | boolean | null> = {}) {
  return { action, ip: origin.ip, userAgent: origin.userAgent, details: { labId: lab.labId, orderId: order.id, studioId: order.studio_id, ...details } };
}

async function requireLabOrder(deps: LabsDeps, lab: LabPrincipal, orderId: string): Promise<PrintOrderRow> {
  const order = await findLabOrder(deps.db, lab.labId, orderId);
  if (!order) throw orderNotFound();
  return order;
}

function fileNotFound(): NotFoundError {
  return new NotFoundError('file_not_found', 'This file is not part of this order.');
}

function accessEnded(): AppError {
  return new AppError('order_files_unavailable', 'The files of this order are no longer available to the lab.', 410);
}

async function summaryOf(deps: LabsDeps, order: PrintOrderRow, names: Map<string, string>): Promise<LabOrderSummary> {
  if (!names.has(order.studio_id)) names.set(order.studio_id, (await studioName(deps, order.studio_id)) ?? '');
  return { id: order.id, studioName: names.get(order.studio_id) ?? '', status: order.status, dueDate: order.due_date, submittedAt: isoOrNull(order.submitted_at) };
}

export async function listLabOrders(deps: LabsDeps, lab: LabPrincipal): Promise<{ lab: { labId: string; name: string }; orders: LabOrderSummary[] }> {
  const row = await findLabById(deps.db, lab.labId);
  const names = new Map<string, string>();
  const orders: LabOrderSummary[] = [];
  for (const order of await listLabOrderRows(deps.db, lab.labId, 500)) orders.push(await summaryOf(deps, order, names));
  return { lab: { labId: row?.code ?? '', name: row?.name ?? '' }, orders };
}

/** The order's distinct files as the vault has them (trashed or purged ones are gone). */
async function orderFiles(deps: LabsDeps, order: PrintOrderRow): Promise<VaultFile[]> {
  const lines = await listOrderLines(deps.db, order.id);
  return deps.vault.find(order.studio_id, [...new Set(lines.map((line) => line.file_id))]);
}

export async function getLabOrder(deps: LabsDeps, lab: LabPrincipal, orderId: string, origin: RequestOrigin): Promise<LabOrderView> {
  const order = await requireLabOrder(deps, lab, orderId);
  const now = deps.now();
  const available = filesAvailable(order, now);
  const details = await openOrderDetails(await studioSecrets(deps, order.studio_id), order.id, order.details_sealed);
  const files = available ? await orderFiles(deps, order) : [];
  // Every opening is audited; the photographer's timeline shows one per sitting, not every reload.
  if (!(await hasOrderEventSince(deps.db, order.id, 'opened', now - LAB_IDLE_MS))) {
    await insertOrderEvent(deps.db, { orderId: order.id, kind: 'opened', byLab: true, at: now, ip: origin.ip });
  }
  await recordAudit(deps.db, auditOf(lab, origin, 'lab.order_opened', order), now);
  return {
    ...(await summaryOf(deps, order, new Map())),
    shipping: details.shipping,
    notes: details.notes,
    carrier: order.carrier,
    trackingNumber: order.tracking_number,
    rejectReason: order.reject_reason,
    filesAvailable: available,
    lines: await lineViews(deps, order, await findLabById(deps.db, lab.labId), await listOrderLines(deps.db, order.id)),
    files: files.map((file) => ({ id: file.id, name: file.name, type: file.mediaType, size: file.size, sha256: file.sha256, width: file.width, height: file.height })),
  };
}

function scopeOf(lab: LabPrincipal, orderId: string): string {
  return `lab/${lab.labId}/${orderId}`;
}

/** One file of a live order the lab may fetch: 404 outside the order, 410 once access ended. */
async function fileOfOrder(deps: LabsDeps, order: PrintOrderRow, fileId: string): Promise<VaultFile> {
  if (!filesAvailable(order, deps.now())) throw accessEnded();
  // A disabled photographer's originals pause for labs too, as their deliveries do.
  await assertStudioNotSuspended(deps, order.studio_id);
  const lines = await listOrderLines(deps.db, order.id);
  if (!lines.some((line) => line.file_id === fileId)) throw fileNotFound();
  const [file] = await deps.vault.find(order.studio_id, [fileId]);
  if (!file) throw fileNotFound();
  return file;
}

/** A short-lived signed link to one original of the order, usable only with this lab's session. */
export async function createLabDownloadUrl(deps: LabsDeps, lab: LabPrincipal, orderId: string, fileId: string, origin: RequestOrigin): Promise<{ url: string; expiresAt: string }> {
  const order = await requireLabOrder(deps, lab, orderId);
  const file = await fileOfOrder(deps, order, fileId);
  await deps.limits.consume('downloadLinksPerOrder', order.id);
  const now = deps.now();
  const params = await deps.signer.sign({ scope: scopeOf(lab, order.id), fileId: file.id, variant: 'original' }, now + deps.linkSeconds * 1000);
  await insertOrderEvent(deps.db, { orderId: order.id, kind: 'file_downloaded', byLab: true, fileId: file.id, at: now, ip: origin.ip });
  await recordAudit(deps.db, auditOf(lab, origin, 'lab.file_downloaded', order, { fileId: file.id }), now);
  return { url: `/api/lab/files/${order.id}/${file.id}?${signedQuery(params)}`, expiresAt: new Date(Number(params.exp) * 1000).toISOString() };
}

export interface LabDownloadRequest extends RangeHeaders {
  orderId: string;
  fileId: string;
  signature: Partial<SignatureParams>;
}

/** The original behind a signed link: the signature, the lab's session, the order's state and the file's place in it, all checked now. */
export async function openLabDownload(deps: LabsDeps, lab: LabPrincipal, request: LabDownloadRequest): Promise<ServedFile> {
  await deps.signer.verify({ scope: scopeOf(lab, request.orderId), fileId: request.fileId, variant: 'original' }, request.signature, deps.now());
  const order = await requireLabOrder(deps, lab, request.orderId);
  const file = await fileOfOrder(deps, order, request.fileId);
  return { ...(await file.read('original', request)), disposition: 'attachment' };
}

/** Every original of the order and a SHA-256 manifest, as one streamed ZIP. */
export async function openLabZip(deps: LabsDeps, lab: LabPrincipal, orderId: string, origin: RequestOrigin): Promise<{ name: string; length: number; body: Readable }> {
  const order = await requireLabOrder(deps, lab, orderId);
  if (!filesAvailable(order, deps.now())) throw accessEnded();
  await assertStudioNotSuspended(deps, order.studio_id);
  const files = await orderFiles(deps, order);
  if (files.length === 0) throw new AppError('nothing_to_download', 'This order has no files left to download.', 409);
  const entries: ZipEntrySource[] = [];
  // One at a time: an order may hold hundreds of files.
  for (const file of files) entries.push(await file.zipEntry('original'));
  const body = createZipStream(entries);
  const now = deps.now();
  await insertOrderEvent(deps.db, { orderId: order.id, kind: 'zip_downloaded', byLab: true, at: now, ip: origin.ip });
  await recordAudit(deps.db, auditOf(lab, origin, 'lab.zip_downloaded', order, { files: files.length }), now);
  return { name: `order-${order.id.slice(0, 8)}.zip`, length: zipByteLength(entries), body };
}

export interface StatusChange {
  status: LabStatus;
  carrier?: string;
  trackingNumber?: string;
  reason?: string;
}

function noteOf(change: StatusChange): { note: string | null; carrier: string | null; trackingNumber: string | null; reason: string | null } {
  const carrier = change.carrier ? cleanText(change.carrier) : '';
  const trackingNumber = change.trackingNumber ? cleanText(change.trackingNumber) : '';
  const reason = change.reason ? cleanText(change.reason) : '';
  if (change.status === 'shipped') {
    if (!carrier || !trackingNumber) throw new AppError('tracking_required', 'Shipping needs the carrier and the tracking number.', 400);
    return { note: `${carrier} ${trackingNumber}`, carrier, trackingNumber, reason: null };
  }
  if (change.status === 'rejected') {
    if (!reason) throw new AppError('reason_required', 'Rejecting an order needs a reason.', 400);
    return { note: reason, carrier: null, trackingNumber: null, reason };
  }
  return { note: null, carrier: null, trackingNumber: null, reason: null };
}

/** Moves the order on (409 `order_status_transition_invalid` for an impossible step), timestamps it and tells the photographer. */
export async function updateLabOrderStatus(deps: LabsDeps, lab: LabPrincipal, orderId: string, change: StatusChange, origin: RequestOrigin): Promise<LabOrderSummary> {
  const order = await requireLabOrder(deps, lab, orderId);
  assertLabTransition(order.status, change.status);
  const { note, carrier, trackingNumber, reason } = noteOf(change);
  const now = deps.now();
  const moved = await changeOrderStatus(deps.db, order.id, order.status, {
    status: change.status,
    updated_at: now,
    ...(carrier ? { carrier, tracking_number: trackingNumber } : {}),
    ...(reason ? { reject_reason: reason } : {}),
    ...(isClosing(change.status) ? { closed_at: now } : {}),
  });
  // It moved meanwhile (the photographer cancelled it): judge the step from where it is now.
  if (!moved) assertLabTransition((await requireLabOrder(deps, lab, orderId)).status, change.status);
  if (!moved) throw new AppError('order_changed', 'This order changed meanwhile. Reload it and try again.', 409);
  await insertOrderEvent(deps.db, { orderId: order.id, kind: change.status, byLab: true, note, at: now, ip: origin.ip });
  await recordAudit(deps.db, auditOf(lab, origin, 'lab.order_status_changed', order, { from: order.status, to: change.status }), now);
  const labRow = await findLabById(deps.db, lab.labId);
  if (labRow) notifyStatusChanged(deps, labRow, order, change.status, note);
  return summaryOf(deps, { ...order, status: change.status }, new Map());
}
