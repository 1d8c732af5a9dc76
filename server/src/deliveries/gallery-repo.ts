import type { Kysely, Selectable } from 'kysely';
import { generateId } from '../crypto/tokens.ts';
import type { DeliveryEventKind, DeliverySetsTable, Tables } from '../db/tables.ts';

/**
 * The gallery's queries (deliveries/gallery.ts): where each delivered file stands (its position
 * and set), the delivery's sets, and the events of a live delivery's edits. The delivery row
 * itself was found with its studio's predicate (repo.ts) before any of these run.
 */

export type DeliverySetRow = Selectable<DeliverySetsTable>;

export interface Placement {
  fileId: string;
  setId: string | null;
}

// SQLite caps the number of bound parameters per statement.
const SLICE = 250;

/** The delivery's files in the photographer's order, each with its set. */
export async function listPlacements(db: Kysely<Tables>, deliveryId: string): Promise<Placement[]> {
  return db
    .selectFrom('delivery_files')
    .select(['file_id as fileId', 'set_id as setId'])
    .where('delivery_id', '=', deliveryId)
    .orderBy('position')
    .orderBy('file_id')
    .execute();
}

/**
 * Writes the delivery's whole order at once: every row goes and comes back with its new
 * position, in one transaction (a reorder of thousands of files is two statements per slice,
 * not one update per file).
 */
export async function replacePlacements(db: Kysely<Tables>, deliveryId: string, placements: readonly Placement[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('delivery_files').where('delivery_id', '=', deliveryId).execute();
    for (let start = 0; start < placements.length; start += SLICE) {
      const slice = placements.slice(start, start + SLICE);
      await trx
        .insertInto('delivery_files')
        .values(slice.map((placement, index) => ({ delivery_id: deliveryId, file_id: placement.fileId, set_id: placement.setId, position: start + index })))
        .execute();
    }
  });
}

export async function listDeliverySets(db: Kysely<Tables>, deliveryId: string): Promise<DeliverySetRow[]> {
  return db.selectFrom('delivery_sets').selectAll().where('delivery_id', '=', deliveryId).orderBy('position').orderBy('created_at').orderBy('id').execute();
}

export async function insertDeliverySet(db: Kysely<Tables>, set: { id: string; deliveryId: string; nameSealed: string; position: number; now: number }): Promise<void> {
  await db
    .insertInto('delivery_sets')
    .values({ id: set.id, delivery_id: set.deliveryId, name_sealed: set.nameSealed, position: set.position, created_at: set.now, updated_at: set.now })
    .execute();
}

export async function updateDeliverySetRow(
  db: Kysely<Tables>,
  deliveryId: string,
  setId: string,
  changes: { name_sealed?: string; position?: number; updated_at: number },
): Promise<boolean> {
  const result = await db.updateTable('delivery_sets').set(changes).where('delivery_id', '=', deliveryId).where('id', '=', setId).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Its files stay in the delivery, in no set (the foreign key sets set_id to null). */
export async function deleteDeliverySetRow(db: Kysely<Tables>, deliveryId: string, setId: string): Promise<boolean> {
  await db.updateTable('delivery_files').set({ set_id: null }).where('delivery_id', '=', deliveryId).where('set_id', '=', setId).execute();
  const result = await db.deleteFrom('delivery_sets').where('delivery_id', '=', deliveryId).where('id', '=', setId).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** One event per file (or one without a file), photographer's edits: written in slices. */
export async function insertDeliveryEvents(
  db: Kysely<Tables>,
  events: ReadonlyArray<{ deliveryId: string; kind: DeliveryEventKind; fileId: string | null; at: number; ip: string | null; userAgent: string | null }>,
): Promise<void> {
  for (let start = 0; start < events.length; start += SLICE) {
    await db
      .insertInto('delivery_events')
      .values(
        events.slice(start, start + SLICE).map((event) => ({
          id: generateId(),
          delivery_id: event.deliveryId,
          kind: event.kind,
          file_id: event.fileId,
          at: event.at,
          ip: event.ip,
          user_agent: event.userAgent?.slice(0, 400) ?? null,
        })),
      )
      .execute();
  }
}
