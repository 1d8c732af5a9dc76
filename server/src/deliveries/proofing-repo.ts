import type { Kysely, Selectable } from 'kysely';
import type { DeliveryProofingListsTable, DeliveryProofingTable, Tables } from '../db/tables.ts';

/** Queries on `delivery_proofing`, `delivery_proofing_lists` and `delivery_proofing_favourites` (deliveries/proofing.ts). Tokens arrive as SHA-256 only. */

export type ProofingRow = Selectable<DeliveryProofingTable>;
export type ProofingListRow = Selectable<DeliveryProofingListsTable>;

export async function findProofing(db: Kysely<Tables>, studioId: string, deliveryId: string): Promise<ProofingRow | undefined> {
  return db.selectFrom('delivery_proofing').selectAll().where('studio_id', '=', studioId).where('delivery_id', '=', deliveryId).executeTakeFirst();
}

export async function upsertProofing(db: Kysely<Tables>, proofing: { studioId: string; deliveryId: string; favouriteLimit: number | null; now: number }): Promise<void> {
  await db
    .insertInto('delivery_proofing')
    .values({ delivery_id: proofing.deliveryId, studio_id: proofing.studioId, favourite_limit: proofing.favouriteLimit, created_at: proofing.now, updated_at: proofing.now })
    .onConflict((oc) => oc.column('delivery_id').doUpdateSet({ favourite_limit: proofing.favouriteLimit, updated_at: proofing.now }).where('delivery_proofing.studio_id', '=', proofing.studioId))
    .execute();
}

export async function deleteProofing(db: Kysely<Tables>, studioId: string, deliveryId: string): Promise<void> {
  await db.deleteFrom('delivery_proofing').where('studio_id', '=', studioId).where('delivery_id', '=', deliveryId).execute();
}

export async function insertProofingList(
  db: Kysely<Tables>,
  list: { id: string; studioId: string; deliveryId: string; nameKey: string; detailsSealed: string; tokenHash: string; now: number },
): Promise<void> {
  await db
    .insertInto('delivery_proofing_lists')
    .values({
      id: list.id,
      delivery_id: list.deliveryId,
      studio_id: list.studioId,
      name_key: list.nameKey,
      details_sealed: list.detailsSealed,
      token_hash: list.tokenHash,
      created_at: list.now,
      updated_at: list.now,
      submitted_at: null,
    })
    .execute();
}

/** The list a client's token opens, in this delivery only. */
export async function findProofingListByToken(db: Kysely<Tables>, studioId: string, deliveryId: string, tokenHash: string): Promise<ProofingListRow | undefined> {
  return db
    .selectFrom('delivery_proofing_lists')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('delivery_id', '=', deliveryId)
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function findProofingList(db: Kysely<Tables>, studioId: string, deliveryId: string, listId: string): Promise<ProofingListRow | undefined> {
  return db
    .selectFrom('delivery_proofing_lists')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('delivery_id', '=', deliveryId)
    .where('id', '=', listId)
    .executeTakeFirst();
}

export async function listProofingLists(db: Kysely<Tables>, studioId: string, deliveryId: string): Promise<ProofingListRow[]> {
  return db.selectFrom('delivery_proofing_lists').selectAll().where('studio_id', '=', studioId).where('delivery_id', '=', deliveryId).orderBy('created_at').execute();
}

/**
 * Takes the list's row lock for the rest of the transaction (PostgreSQL; SQLite serialises
 * writers anyway), so that two hearts given at once are counted against the limit one after the
 * other; true when the list is still open.
 */
export async function claimOpenList(db: Kysely<Tables>, studioId: string, listId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('delivery_proofing_lists')
    .set({ updated_at: now })
    .where('studio_id', '=', studioId)
    .where('id', '=', listId)
    .where('submitted_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function updateListDetails(db: Kysely<Tables>, studioId: string, listId: string, detailsSealed: string, now: number): Promise<void> {
  await db.updateTable('delivery_proofing_lists').set({ details_sealed: detailsSealed, updated_at: now }).where('studio_id', '=', studioId).where('id', '=', listId).execute();
}

/** Submits (a time) or reopens (null) a list; true when its state changed. */
export async function setListSubmitted(db: Kysely<Tables>, studioId: string, listId: string, submittedAt: number | null, now: number): Promise<boolean> {
  const result = await db
    .updateTable('delivery_proofing_lists')
    .set({ submitted_at: submittedAt, updated_at: now })
    .where('studio_id', '=', studioId)
    .where('id', '=', listId)
    .where('submitted_at', submittedAt === null ? 'is not' : 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function countFavourites(db: Kysely<Tables>, studioId: string, listId: string): Promise<number> {
  const row = await db
    .selectFrom('delivery_proofing_favourites')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('studio_id', '=', studioId)
    .where('list_id', '=', listId)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function addFavourite(db: Kysely<Tables>, favourite: { studioId: string; listId: string; fileId: string; now: number }): Promise<void> {
  await db
    .insertInto('delivery_proofing_favourites')
    .values({ list_id: favourite.listId, file_id: favourite.fileId, studio_id: favourite.studioId, created_at: favourite.now })
    .onConflict((oc) => oc.columns(['list_id', 'file_id']).doNothing())
    .execute();
}

export async function removeFavourite(db: Kysely<Tables>, studioId: string, listId: string, fileId: string): Promise<void> {
  await db.deleteFrom('delivery_proofing_favourites').where('studio_id', '=', studioId).where('list_id', '=', listId).where('file_id', '=', fileId).execute();
}

/** The hearts of the lists asked for, in the order they were given. */
export async function listFavourites(db: Kysely<Tables>, studioId: string, listIds: readonly string[]): Promise<Array<{ list_id: string; file_id: string }>> {
  if (listIds.length === 0) return [];
  return db
    .selectFrom('delivery_proofing_favourites')
    .select(['list_id', 'file_id'])
    .where('studio_id', '=', studioId)
    .where('list_id', 'in', listIds)
    .orderBy('created_at')
    .orderBy('file_id')
    .execute();
}
