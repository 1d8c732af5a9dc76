import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { generateId } from '../crypto/tokens.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import { studioName, studioSecrets } from '../studios/service.ts';
import { cleanText } from '../text.ts';
import { parseCatalogue } from './admin.ts';
import { type Product, requireProduct } from './catalogue.ts';
import type { LabsDeps } from './deps.ts';
import { type PrintOrderDetails, type ShippingAddress, openOrderDetails, sealOrderDetails } from './details.ts';
import { notifyOrderSubmitted } from './notifications.ts';
import { assertCancellable, assertDraft, orderNotDraft } from './order-state.ts';
import {
  type NewLine,
  type PrintOrderEventRow,
  type PrintOrderLineRow,
  type PrintOrderRow,
  changeOrderStatus,
  countLinesOfOrders,
  findStudioOrder,
  insertOrderEvent,
  insertPrintOrder,
  listOrderEvents,
  listOrderLines,
  listStudioOrders,
  updateDraftOrder,
} from './orders-repo.ts';
import { type LabRow, findLabById, listEnabledLabsOfStudio } from './repo.ts';

/**
 * The photographer's print orders. Every call acts in the actor's studio; a lab the studio may
 * not send to, a file that is not the studio's and another studio's order are all 404. Files
 * are reached only through the vault's interface, with the order's studio.
 */

export const MAX_ORDER_LINES = 500;

export interface LineInput {
  fileId: string;
  sku: string;
  finish?: string | null;
  quantity: number;
  crop?: string;
  notes?: string;
}

export type LineTemplate = Omit<LineInput, 'fileId'>;

export interface OrderInput {
  labId: string;
  lines?: LineInput[];
  /** Every file of the album, each as `albumLine`. */
  albumId?: string;
  albumLine?: LineTemplate;
  shipping: ShippingInput;
  dueDate?: string | null;
  notes?: string;
}

export interface OrderLineView {
  id: string;
  fileId: string;
  fileName: string;
  sku: string;
  productName: string;
  size: string;
  finish: string | null;
  quantity: number;
  crop: string;
  notes: string;
}

export interface OrderEventView {
  kind: PrintOrderEventRow['kind'];
  byLab: boolean;
  fileId: string | null;
  fileName: string | null;
  note: string | null;
  at: string;
}

export interface PrintOrderSummary {
  id: string;
  lab: { id: string; labId: string; name: string };
  status: PrintOrderRow['status'];
  lineCount: number;
  dueDate: string | null;
  createdAt: string;
  submittedAt: string | null;
}

export interface PrintOrderView extends PrintOrderSummary {
  shipping: ShippingAddress;
  notes: string;
  carrier: string | null;
  trackingNumber: string | null;
  rejectReason: string | null;
  updatedAt: string;
  closedAt: string | null;
  lines: OrderLineView[];
  /** The timeline: every status change and every lab action (opened, files downloaded). */
  events: OrderEventView[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function orderNotFound(): NotFoundError {
  return new NotFoundError('order_not_found', 'This print order does not exist.');
}

function labNotAvailable(): NotFoundError {
  return new NotFoundError('lab_not_found', 'This lab is not available to your studio.');
}

/** The lab if the studio may send to it now. */
async function enabledLab(deps: LabsDeps, studioId: string, labId: string): Promise<LabRow> {
  const lab = (await listEnabledLabsOfStudio(deps.db, studioId)).find((candidate) => candidate.id === labId);
  if (!lab) throw labNotAvailable();
  return lab;
}

export interface AvailableLab {
  id: string;
  labId: string;
  name: string;
  catalogue: Product[];
}

/** The labs the studio may send to: only those an admin enabled for it. */
export async function listAvailableLabs(deps: LabsDeps, actor: StudioActor): Promise<AvailableLab[]> {
  return (await listEnabledLabsOfStudio(deps.db, actor.studioId)).map((lab) => ({ id: lab.id, labId: lab.code, name: lab.name, catalogue: parseCatalogue(lab) }));
}

/** What a shipping address may be given as: the optional lines may be left out, and are stored empty. */
export type ShippingInput = Omit<ShippingAddress, 'line2' | 'postalCode' | 'region' | 'phone'> & Partial<Pick<ShippingAddress, 'line2' | 'postalCode' | 'region' | 'phone'>>;

function cleanShipping(shipping: ShippingInput): ShippingAddress {
  const complete: ShippingAddress = { line2: '', postalCode: '', region: '', phone: '', ...shipping };
  const cleaned = Object.fromEntries(Object.entries(complete).map(([key, value]) => [key, cleanText(value)])) as unknown as ShippingAddress;
  if (!cleaned.recipientName || !cleaned.line1 || !cleaned.city || !cleaned.country) {
    throw new AppError('shipping_incomplete', 'The shipping address needs a recipient, a street line, a city and a country.', 400);
  }
  return cleaned;
}

function dueDate(input: string | null | undefined): string | null {
  if (input === undefined || input === null) return null;
  const parsed = Date.parse(`${input}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input) || Number.isNaN(parsed) || new Date(parsed).toISOString().slice(0, 10) !== input) {
    throw new AppError('due_date_invalid', 'The due date must be a calendar date (YYYY-MM-DD).', 400);
  }
  return input;
}

async function resolveLines(deps: LabsDeps, studioId: string, lab: LabRow, input: Pick<OrderInput, 'lines' | 'albumId' | 'albumLine'>): Promise<NewLine[]> {
  let lines: LineInput[];
  if (input.albumId !== undefined) {
    if (input.lines !== undefined || input.albumLine === undefined) {
      throw new AppError('order_selection_invalid', 'Give either lines, or an album and the line to make of each of its files.', 400);
    }
    const fileIds = await deps.vault.deliverableFileIds(studioId, { albumId: input.albumId });
    const template = input.albumLine;
    lines = fileIds.map((fileId) => ({ ...template, fileId }));
  } else {
    if (input.lines === undefined || input.albumLine !== undefined) throw new AppError('order_selection_invalid', 'Give either lines, or an album and the line to make of each of its files.', 400);
    lines = input.lines;
  }
  if (lines.length === 0) throw new AppError('order_empty', 'An order needs at least one line.', 400);
  if (lines.length > MAX_ORDER_LINES) throw new AppError('order_too_large', `An order holds at most ${MAX_ORDER_LINES} lines.`, 400);
  const found = new Set(await deps.vault.deliverableFileIds(studioId, { fileIds: lines.map((line) => line.fileId) }));
  if (lines.some((line) => !found.has(line.fileId))) throw new NotFoundError('file_not_found', 'A file of this order is not in your vault.');
  const catalogue = parseCatalogue(lab);
  return lines.map((line) => {
    const finish = line.finish ?? null;
    requireProduct(catalogue, line.sku, finish);
    return { fileId: line.fileId, sku: line.sku, finish, quantity: line.quantity, crop: line.crop ? cleanText(line.crop) : null, notes: line.notes ? cleanText(line.notes) : null };
  });
}

export async function createPrintOrder(deps: LabsDeps, actor: StudioActor, input: OrderInput): Promise<PrintOrderView> {
  const lab = await enabledLab(deps, actor.studioId, input.labId);
  const lines = await resolveLines(deps, actor.studioId, lab, input);
  const id = generateId();
  const now = deps.now();
  const details: PrintOrderDetails = { shipping: cleanShipping(input.shipping), notes: cleanText(input.notes ?? '') };
  await insertPrintOrder(
    deps.db,
    { id, studioId: actor.studioId, labId: lab.id, createdBy: actor.userId, detailsSealed: await sealOrderDetails(await studioSecrets(deps, actor.studioId), id, details), dueDate: dueDate(input.dueDate), now },
    lines,
  );
  await insertOrderEvent(deps.db, { orderId: id, kind: 'created', byLab: false, at: now, ip: actor.ip });
  await recordAudit(deps.db, { action: 'print_order.created', ...auditContext(actor), details: { orderId: id, labId: lab.id, lines: lines.length } }, now);
  return getPrintOrder(deps, actor, id);
}

export type OrderChanges = Partial<Pick<OrderInput, 'lines' | 'albumId' | 'albumLine' | 'shipping' | 'dueDate' | 'notes'>>;

/** Changes a draft (409 `order_not_draft` once it was submitted); lines given replace the lines. */
export async function updatePrintOrder(deps: LabsDeps, actor: StudioActor, id: string, changes: OrderChanges): Promise<PrintOrderView> {
  const order = await requireStudioOrder(deps, actor.studioId, id);
  assertDraft(order);
  const lab = await enabledLab(deps, actor.studioId, order.lab_id);
  const replacesLines = changes.lines !== undefined || changes.albumId !== undefined || changes.albumLine !== undefined;
  const lines = replacesLines ? await resolveLines(deps, actor.studioId, lab, changes) : undefined;
  const now = deps.now();
  const sealed =
    changes.shipping !== undefined || changes.notes !== undefined
      ? await (async () => {
          const secrets = await studioSecrets(deps, actor.studioId);
          const current = await openOrderDetails(secrets, id, order.details_sealed);
          return sealOrderDetails(secrets, id, {
            shipping: changes.shipping ? cleanShipping(changes.shipping) : current.shipping,
            notes: changes.notes !== undefined ? cleanText(changes.notes) : current.notes,
          });
        })()
      : undefined;
  const updated = await updateDraftOrder(
    deps.db,
    actor.studioId,
    id,
    { ...(sealed ? { details_sealed: sealed } : {}), ...(changes.dueDate !== undefined ? { due_date: dueDate(changes.dueDate) } : {}), updated_at: now },
    lines,
  );
  // Submitted meanwhile.
  if (!updated) throw orderNotDraft();
  await insertOrderEvent(deps.db, { orderId: id, kind: 'updated', byLab: false, at: now, ip: actor.ip });
  await recordAudit(deps.db, { action: 'print_order.updated', ...auditContext(actor), details: { orderId: id } }, now);
  return getPrintOrder(deps, actor, id);
}

/** Sends the draft to its lab (which must still be enabled for the studio) and emails the lab's contacts. */
export async function submitPrintOrder(deps: LabsDeps, actor: StudioActor, id: string): Promise<PrintOrderView> {
  const order = await requireStudioOrder(deps, actor.studioId, id);
  assertDraft(order);
  const lab = await enabledLab(deps, actor.studioId, order.lab_id);
  const now = deps.now();
  if (!(await changeOrderStatus(deps.db, id, 'draft', { status: 'submitted', submitted_at: now, updated_at: now }))) throw orderNotDraft();
  await insertOrderEvent(deps.db, { orderId: id, kind: 'submitted', byLab: false, at: now, ip: actor.ip });
  await recordAudit(deps.db, { action: 'print_order.submitted', ...auditContext(actor), details: { orderId: id, labId: lab.id } }, now);
  const lineCount = (await listOrderLines(deps.db, id)).length;
  notifyOrderSubmitted(deps, lab, order, (await studioName(deps, actor.studioId)) ?? 'A studio', lineCount);
  return getPrintOrder(deps, actor, id);
}

/** Withdraws the order before it ships: the lab's access to its files ends at once. */
export async function cancelPrintOrder(deps: LabsDeps, actor: StudioActor, id: string): Promise<PrintOrderView> {
  const order = await requireStudioOrder(deps, actor.studioId, id);
  assertCancellable(order.status);
  const now = deps.now();
  if (!(await changeOrderStatus(deps.db, id, order.status, { status: 'cancelled', closed_at: now, updated_at: now }))) {
    // It moved meanwhile (the lab shipped it): judge the new status.
    assertCancellable((await requireStudioOrder(deps, actor.studioId, id)).status);
    return cancelPrintOrder(deps, actor, id);
  }
  await insertOrderEvent(deps.db, { orderId: id, kind: 'cancelled', byLab: false, at: now, ip: actor.ip });
  await recordAudit(deps.db, { action: 'print_order.cancelled', ...auditContext(actor), details: { orderId: id } }, now);
  return getPrintOrder(deps, actor, id);
}

async function requireStudioOrder(deps: LabsDeps, studioId: string, id: string): Promise<PrintOrderRow> {
  const order = await findStudioOrder(deps.db, studioId, id);
  if (!order) throw orderNotFound();
  return order;
}

async function labSummary(deps: LabsDeps, labId: string, cache: Map<string, LabRow | undefined>): Promise<PrintOrderSummary['lab']> {
  if (!cache.has(labId)) cache.set(labId, await findLabById(deps.db, labId));
  const lab = cache.get(labId);
  return { id: labId, labId: lab?.code ?? '', name: lab?.name ?? '' };
}

function summary(order: PrintOrderRow, lab: PrintOrderSummary['lab'], lineCount: number): PrintOrderSummary {
  return { id: order.id, lab, status: order.status, lineCount, dueDate: order.due_date, createdAt: iso(order.created_at), submittedAt: isoOrNull(order.submitted_at) };
}

export async function listPrintOrders(deps: LabsDeps, actor: StudioActor): Promise<PrintOrderSummary[]> {
  const orders = await listStudioOrders(deps.db, actor.studioId, 500);
  const counts = new Map((await countLinesOfOrders(deps.db, orders.map((order) => order.id))).map((row) => [row.orderId, row.lines]));
  const labs = new Map<string, LabRow | undefined>();
  const summaries: PrintOrderSummary[] = [];
  for (const order of orders) summaries.push(summary(order, await labSummary(deps, order.lab_id, labs), counts.get(order.id) ?? 0));
  return summaries;
}

/** Lines with their product and file names, as the photographer and the lab see them. */
export async function lineViews(deps: LabsDeps, order: PrintOrderRow, lab: LabRow | undefined, lines: readonly PrintOrderLineRow[]): Promise<OrderLineView[]> {
  const names = await deps.vault.names(order.studio_id, lines.map((line) => line.file_id));
  const catalogue = lab ? parseCatalogue(lab) : [];
  return lines.map((line) => {
    const product = catalogue.find((candidate) => candidate.sku === line.sku);
    return {
      id: line.id,
      fileId: line.file_id,
      fileName: names.get(line.file_id) ?? '',
      sku: line.sku,
      productName: product?.name ?? line.sku,
      size: product?.size ?? '',
      finish: line.finish,
      quantity: line.quantity,
      crop: line.crop ?? '',
      notes: line.notes ?? '',
    };
  });
}

export async function orderView(deps: LabsDeps, order: PrintOrderRow): Promise<PrintOrderView> {
  const labRow = await findLabById(deps.db, order.lab_id);
  const lines = await listOrderLines(deps.db, order.id);
  const details = await openOrderDetails(await studioSecrets(deps, order.studio_id), order.id, order.details_sealed);
  const events = await listOrderEvents(deps.db, order.id, 1000);
  const eventFileNames = await deps.vault.names(order.studio_id, events.flatMap((event) => (event.file_id ? [event.file_id] : [])));
  return {
    ...summary(order, { id: order.lab_id, labId: labRow?.code ?? '', name: labRow?.name ?? '' }, lines.length),
    shipping: details.shipping,
    notes: details.notes,
    carrier: order.carrier,
    trackingNumber: order.tracking_number,
    rejectReason: order.reject_reason,
    updatedAt: iso(order.updated_at),
    closedAt: isoOrNull(order.closed_at),
    lines: await lineViews(deps, order, labRow, lines),
    events: events.map((event) => ({
      kind: event.kind,
      byLab: event.by_lab === 1,
      fileId: event.file_id,
      fileName: event.file_id ? (eventFileNames.get(event.file_id) ?? null) : null,
      note: event.note,
      at: iso(event.at),
    })),
  };
}

export async function getPrintOrder(deps: LabsDeps, actor: StudioActor, id: string): Promise<PrintOrderView> {
  return orderView(deps, await requireStudioOrder(deps, actor.studioId, id));
}
