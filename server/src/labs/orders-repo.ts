import type { Kysely, Selectable, Updateable } from 'kysely';
import { generateId } from '../crypto/tokens.ts';
import type { PrintOrderEventsTable, PrintOrderLinesTable, PrintOrderStatus, PrintOrdersTable, Tables } from '../db/tables.ts';

/**
 * Print orders, their lines and their timeline. A line names its file by id; what the file is
 * comes from the vault's interface, asked with the order's studio. The photographer's queries
 * carry the studio, the lab's carry the lab and the studio's enablement.
 */

export type PrintOrderRow = Selectable<PrintOrdersTable>;
export type PrintOrderLineRow = Selectable<PrintOrderLinesTable>;
export type PrintOrderEventRow = Selectable<PrintOrderEventsTable>;

export interface NewLine {
  fileId: string;
  sku: string;
  finish: string | null;
  quantity: number;
  crop: string | null;
  notes: string | null;
}

export interface NewPrintOrder {
  id: string;
  studioId: string;
  labId: string;
  createdBy: string;
  detailsSealed: string;
  dueDate: string | null;
  now: number;
}

async function insertLines(db: Kysely<Tables>, orderId: string, lines: readonly NewLine[]): Promise<void> {
  // In slices: SQLite caps the number of bound parameters per statement.
  for (let start = 0; start < lines.length; start += 100) {
    const slice = lines.slice(start, start + 100);
    await db
      .insertInto('print_order_lines')
      .values(
        slice.map((line, index) => ({
          id: generateId(),
          order_id: orderId,
          position: start + index,
          file_id: line.fileId,
          sku: line.sku,
          finish: line.finish,
          quantity: line.quantity,
          crop: line.crop,
          notes: line.notes,
        })),
      )
      .execute();
  }
}

export async function insertPrintOrder(db: Kysely<Tables>, order: NewPrintOrder, lines: readonly NewLine[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('print_orders')
      .values({
        id: order.id,
        studio_id: order.studioId,
        lab_id: order.labId,
        created_by: order.createdBy,
        status: 'draft',
        details_sealed: order.detailsSealed,
        due_date: order.dueDate,
        carrier: null,
        tracking_number: null,
        reject_reason: null,
        created_at: order.now,
        updated_at: order.now,
        submitted_at: null,
        closed_at: null,
      })
      .execute();
    await insertLines(trx, order.id, lines);
  });
}

/** A draft's changes, and its lines replaced when given: only while it is still a draft. */
export async function updateDraftOrder(
  db: Kysely<Tables>,
  studioId: string,
  id: string,
  changes: Updateable<PrintOrdersTable>,
  lines: readonly NewLine[] | undefined,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx.updateTable('print_orders').set(changes).where('studio_id', '=', studioId).where('id', '=', id).where('status', '=', 'draft').executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    if (lines) {
      await trx.deleteFrom('print_order_lines').where('order_id', '=', id).execute();
      await insertLines(trx, id, lines);
    }
    return true;
  });
}

export async function listStudioOrders(db: Kysely<Tables>, studioId: string, limit: number): Promise<PrintOrderRow[]> {
  return db.selectFrom('print_orders').selectAll().where('studio_id', '=', studioId).orderBy('created_at', 'desc').orderBy('id').limit(limit).execute();
}

export async function findStudioOrder(db: Kysely<Tables>, studioId: string, id: string): Promise<PrintOrderRow | undefined> {
  return db.selectFrom('print_orders').selectAll().where('studio_id', '=', studioId).where('id', '=', id).executeTakeFirst();
}

/**
 * The orders addressed to the lab that it may see: sent (not drafts), from a studio whose
 * portal is on and that still has the lab chosen.
 */
function labVisibleOrders(db: Kysely<Tables>, labId: string) {
  return db
    .selectFrom('print_orders')
    .innerJoin('studio_labs', (join) => join.onRef('studio_labs.studio_id', '=', 'print_orders.studio_id').onRef('studio_labs.lab_id', '=', 'print_orders.lab_id'))
    .innerJoin('lab_portal_studios', 'lab_portal_studios.studio_id', 'print_orders.studio_id')
    .selectAll('print_orders')
    .where('print_orders.lab_id', '=', labId)
    .where('print_orders.status', '!=', 'draft');
}

export async function listLabOrderRows(db: Kysely<Tables>, labId: string, limit: number): Promise<PrintOrderRow[]> {
  return labVisibleOrders(db, labId).orderBy('print_orders.submitted_at', 'desc').orderBy('print_orders.id').limit(limit).execute();
}

export async function findLabOrder(db: Kysely<Tables>, labId: string, id: string): Promise<PrintOrderRow | undefined> {
  return labVisibleOrders(db, labId).where('print_orders.id', '=', id).executeTakeFirst();
}

/** Compare-and-set on the status: false when the order moved meanwhile. */
export async function changeOrderStatus(
  db: Kysely<Tables>,
  id: string,
  from: PrintOrderStatus,
  changes: Updateable<PrintOrdersTable> & { status: PrintOrderStatus },
): Promise<boolean> {
  const result = await db.updateTable('print_orders').set(changes).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listOrderLines(db: Kysely<Tables>, orderId: string): Promise<PrintOrderLineRow[]> {
  return db.selectFrom('print_order_lines').selectAll().where('order_id', '=', orderId).orderBy('position').execute();
}

/** How many lines each order has. */
export async function countLinesOfOrders(db: Kysely<Tables>, orderIds: readonly string[]): Promise<Array<{ orderId: string; lines: number }>> {
  if (orderIds.length === 0) return [];
  const rows = await db
    .selectFrom('print_order_lines')
    .select((eb) => ['order_id as orderId', eb.fn.countAll<number>().as('lines')])
    .where('order_id', 'in', orderIds)
    .groupBy('order_id')
    .execute();
  return rows.map((row) => ({ orderId: row.orderId, lines: Number(row.lines) }));
}

export async function insertOrderEvent(
  db: Kysely<Tables>,
  event: { orderId: string; kind: PrintOrderEventRow['kind']; byLab: boolean; fileId?: string | null; note?: string | null; at: number; ip?: string | null },
): Promise<void> {
  await db
    .insertInto('print_order_events')
    .values({
      id: generateId(),
      order_id: event.orderId,
      kind: event.kind,
      by_lab: event.byLab ? 1 : 0,
      file_id: event.fileId ?? null,
      note: event.note ?? null,
      at: event.at,
      ip: event.ip ?? null,
    })
    .execute();
}

/** The order's timeline, oldest first (at most `limit` events). */
export async function listOrderEvents(db: Kysely<Tables>, orderId: string, limit: number): Promise<PrintOrderEventRow[]> {
  return db.selectFrom('print_order_events').selectAll().where('order_id', '=', orderId).orderBy('at').orderBy('id').limit(limit).execute();
}
