import { auditContext, recordAudit } from '../audit/audit-log.ts';
import type { StudioSecretBox } from '../crypto/secret-fields.ts';
import { generateId } from '../crypto/tokens.ts';
import type { DeliveryEventKind } from '../db/tables.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import { studioSecrets } from '../studios/service.ts';
import { cleanText } from '../text.ts';
import type { FileView } from '../vault/service.ts';
import { byCaptureTime, byName } from './capture-order.ts';
import type { DeliveriesDeps } from './deps.ts';
import {
  type DeliverySetRow,
  type Placement,
  deleteDeliverySetRow,
  insertDeliveryEvents,
  insertDeliverySet,
  listDeliverySets,
  listPlacements,
  replacePlacements,
  updateDeliverySetRow,
} from './gallery-repo.ts';
import { type DeliveryRow, updateStudioDelivery } from './repo.ts';
import { type DeliveryView, MAX_DELIVERY_FILES, refuseIfRevoked, requireDelivery, viewOf } from './service.ts';
import { openSetName, sealSetName } from './set-names.ts';

/**
 * A delivery as a gallery the photographer keeps editing (docs/deliveries.md, "The gallery"):
 * files added to or taken out of a live delivery (the client sees it on the next load; each
 * file's change is an event), the order (by hand, by real capture time, by name), and sets —
 * sections such as Ceremony and Reception, each file in at most one. A revoked delivery is
 * final: none of this changes it.
 */

export const MAX_SETS = 50;
export const MAX_FILES_PER_CHANGE = 1000;
const MAX_SET_NAME = 100;

export interface DeliverySetView {
  id: string;
  name: string;
  /** Its files, in the delivery's order. */
  fileIds: string[];
}

export interface DeliveryGallery {
  delivery: DeliveryView;
  files: FileView[];
  sets: DeliverySetView[];
}

export type OrderInput = { fileIds: string[] } | { sortBy: 'capturedAt' | 'name' };

function setNotFound(): NotFoundError {
  return new NotFoundError('set_not_found', 'This set does not exist in this delivery.');
}

function setName(input: string): string {
  const name = cleanText(input);
  if (!name || Array.from(name).length > MAX_SET_NAME) throw new AppError('set_name_invalid', `A set's name must be 1 to ${MAX_SET_NAME} visible characters.`, 400);
  return name;
}

/** The delivery's sets, named, with their files (among `placements`) in order. */
export async function setViews(secrets: StudioSecretBox, sets: readonly DeliverySetRow[], placements: readonly Placement[]): Promise<DeliverySetView[]> {
  return Promise.all(
    sets.map(async (set) => ({
      id: set.id,
      name: await openSetName(secrets, set.id, set.name_sealed),
      fileIds: placements.filter((placement) => placement.setId === set.id).map((placement) => placement.fileId),
    })),
  );
}

async function galleryOf(deps: DeliveriesDeps, actor: StudioActor, row: DeliveryRow): Promise<DeliveryGallery> {
  const placements = await listPlacements(deps.db, row.id);
  const files = await deps.vault.views(actor.studioId, placements.map((placement) => placement.fileId));
  const visible = new Set(files.map((file) => file.id));
  const sets = await setViews(await studioSecrets(deps, actor.studioId), await listDeliverySets(deps.db, row.id), placements.filter((placement) => visible.has(placement.fileId)));
  return { delivery: await viewOf(deps, await requireDelivery(deps, actor, row.id)), files, sets };
}

/** getDelivery: the delivery, its files in order, and its sets. */
export async function getDeliveryGallery(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string): Promise<DeliveryGallery> {
  return galleryOf(deps, actor, await requireDelivery(deps, actor, deliveryId));
}

async function editable(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string): Promise<DeliveryRow> {
  const row = await requireDelivery(deps, actor, deliveryId);
  refuseIfRevoked(row);
  return row;
}

async function recordEdit(deps: DeliveriesDeps, actor: StudioActor, row: DeliveryRow, kind: DeliveryEventKind, fileIds: readonly (string | null)[], details: Record<string, unknown> = {}): Promise<void> {
  const at = deps.now();
  await insertDeliveryEvents(
    deps.db,
    fileIds.map((fileId) => ({ deliveryId: row.id, kind, fileId, at, ip: actor.ip, userAgent: actor.userAgent })),
  );
  await recordAudit(deps.db, { action: `delivery.${kind}`, ...auditContext(actor), details: { deliveryId: row.id, studioId: actor.studioId, ...details } }, at);
  await updateStudioDelivery(deps.db, actor.studioId, row.id, { updated_at: at });
}

function uniqueIds(ids: readonly string[]): string[] {
  const unique = [...new Set(ids)];
  if (unique.length !== ids.length) throw new AppError('duplicate_files', 'A file is named twice.', 400);
  return unique;
}

async function requireSet(deps: DeliveriesDeps, row: DeliveryRow, setId: string): Promise<DeliverySetRow> {
  const set = (await listDeliverySets(deps.db, row.id)).find((candidate) => candidate.id === setId);
  if (!set) throw setNotFound();
  return set;
}

/** Adds the studio's files to a live delivery, at the end (or of a set); files already in it stay where they are. */
export async function addDeliveryFiles(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string, input: { fileIds: string[]; setId?: string }): Promise<DeliveryGallery> {
  const row = await editable(deps, actor, deliveryId);
  const ids = uniqueIds(input.fileIds);
  if (input.setId !== undefined) await requireSet(deps, row, input.setId);
  const found = await deps.vault.deliverableFileIds(actor.studioId, { fileIds: ids });
  // Another studio's id, a purged file and a trashed one are all simply not there.
  if (found.length !== ids.length) throw new AppError('file_not_found', 'One of these files does not exist.', 404);
  const placements = await listPlacements(deps.db, row.id);
  const present = new Set(placements.map((placement) => placement.fileId));
  const added = ids.filter((id) => !present.has(id));
  if (placements.length + added.length > MAX_DELIVERY_FILES) throw new AppError('too_many_files', `A delivery holds at most ${MAX_DELIVERY_FILES} files.`, 400);
  if (added.length > 0) {
    await replacePlacements(deps.db, row.id, [...placements, ...added.map((fileId) => ({ fileId, setId: input.setId ?? null }))]);
    await recordEdit(deps, actor, row, 'file_added', added, { count: added.length });
  }
  return galleryOf(deps, actor, row);
}

/** Takes files out of a delivery (not out of the vault): the client no longer sees them, links already handed out stop working. */
export async function removeDeliveryFiles(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string, input: { fileIds: string[] }): Promise<DeliveryGallery> {
  const row = await editable(deps, actor, deliveryId);
  const ids = new Set(uniqueIds(input.fileIds));
  const placements = await listPlacements(deps.db, row.id);
  const removed = placements.filter((placement) => ids.has(placement.fileId)).map((placement) => placement.fileId);
  if (removed.length !== ids.size) throw new AppError('file_not_found', 'One of these files is not part of this delivery.', 404);
  await replacePlacements(deps.db, row.id, placements.filter((placement) => !ids.has(placement.fileId)));
  if (row.cover_file_id !== null && ids.has(row.cover_file_id)) await updateStudioDelivery(deps.db, actor.studioId, row.id, { cover_file_id: null });
  await recordEdit(deps, actor, row, 'file_removed', removed, { count: removed.length });
  return galleryOf(deps, actor, row);
}

/**
 * A new order: the files named first, in the order given (by hand), the rest after them as
 * they were; or every file sorted by real capture time (capture-order.ts) or by name. Sets keep
 * their files; the order within each set follows the delivery's.
 */
export async function reorderDeliveryFiles(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string, input: OrderInput): Promise<DeliveryGallery> {
  const row = await editable(deps, actor, deliveryId);
  const placements = await listPlacements(deps.db, row.id);
  const byId = new Map(placements.map((placement) => [placement.fileId, placement]));
  let order: Placement[];
  if ('fileIds' in input) {
    const ids = uniqueIds(input.fileIds);
    if (ids.some((id) => !byId.has(id))) throw new AppError('file_not_found', 'One of these files is not part of this delivery.', 404);
    const named = new Set(ids);
    order = [...ids.map((id) => byId.get(id) as Placement), ...placements.filter((placement) => !named.has(placement.fileId))];
  } else {
    const files = await deps.vault.find(actor.studioId, placements.map((placement) => placement.fileId));
    const sorted = [...files].sort(input.sortBy === 'name' ? byName : byCaptureTime);
    const seen = new Set(sorted.map((file) => file.id));
    // Files the vault no longer shows (in the trash) keep their rows, at the end.
    order = [...sorted.map((file) => byId.get(file.id) as Placement), ...placements.filter((placement) => !seen.has(placement.fileId))];
  }
  await replacePlacements(deps.db, row.id, order);
  await recordEdit(deps, actor, row, 'reordered', [null], { by: 'fileIds' in input ? 'hand' : input.sortBy });
  return galleryOf(deps, actor, row);
}

/** Puts `fileIds` (files of the delivery) into the set; with `setId` null, into no set. */
function assign(placements: readonly Placement[], fileIds: readonly string[], setId: string | null): Placement[] {
  const ids = new Set(uniqueIds(fileIds));
  const known = placements.filter((placement) => ids.has(placement.fileId)).length;
  if (known !== ids.size) throw new AppError('file_not_found', 'One of these files is not part of this delivery.', 404);
  return placements.map((placement) => (ids.has(placement.fileId) ? { ...placement, setId } : placement));
}

export async function createDeliverySet(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string, input: { name: string; fileIds?: string[] }): Promise<DeliveryGallery> {
  const row = await editable(deps, actor, deliveryId);
  const name = setName(input.name);
  const sets = await listDeliverySets(deps.db, row.id);
  if (sets.length >= MAX_SETS) throw new AppError('too_many_sets', `A delivery has at most ${MAX_SETS} sets.`, 400);
  const placements = await listPlacements(deps.db, row.id);
  const id = generateId();
  const next = input.fileIds ? assign(placements, input.fileIds, id) : null;
  await insertDeliverySet(deps.db, { id, deliveryId: row.id, nameSealed: await sealSetName(await studioSecrets(deps, actor.studioId), id, name), position: sets.length, now: deps.now() });
  if (next) await replacePlacements(deps.db, row.id, next);
  await recordEdit(deps, actor, row, 'sets_changed', [null], { setId: id, change: 'created' });
  return galleryOf(deps, actor, row);
}

/** Renames a set, moves it to `position` among the sets, and/or moves `fileIds` into it (out of any other). */
export async function updateDeliverySet(
  deps: DeliveriesDeps,
  actor: StudioActor,
  deliveryId: string,
  setId: string,
  input: { name?: string; position?: number; fileIds?: string[]; removeFileIds?: string[] },
): Promise<DeliveryGallery> {
  const row = await editable(deps, actor, deliveryId);
  const set = await requireSet(deps, row, setId);
  const now = deps.now();
  if (input.name !== undefined) await updateDeliverySetRow(deps.db, row.id, set.id, { name_sealed: await sealSetName(await studioSecrets(deps, actor.studioId), set.id, setName(input.name)), updated_at: now });
  if (input.position !== undefined) {
    const others = (await listDeliverySets(deps.db, row.id)).filter((candidate) => candidate.id !== set.id);
    const at = Math.min(input.position, others.length);
    const order = [...others.slice(0, at), set, ...others.slice(at)];
    for (const [position, each] of order.entries()) if (each.position !== position) await updateDeliverySetRow(deps.db, row.id, each.id, { position, updated_at: now });
  }
  if (input.fileIds !== undefined || input.removeFileIds !== undefined) {
    let placements = await listPlacements(deps.db, row.id);
    if (input.fileIds) placements = assign(placements, input.fileIds, set.id);
    if (input.removeFileIds) {
      const ids = new Set(input.removeFileIds);
      if (placements.some((placement) => ids.has(placement.fileId) && placement.setId !== set.id)) throw new AppError('file_not_in_set', 'One of these files is not in this set.', 400);
      placements = assign(placements, input.removeFileIds, null);
    }
    await replacePlacements(deps.db, row.id, placements);
  }
  await recordEdit(deps, actor, row, 'sets_changed', [null], { setId: set.id, change: 'updated' });
  return galleryOf(deps, actor, row);
}

/** Deletes a set; its files stay in the delivery, in no set. */
export async function deleteDeliverySet(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string, setId: string): Promise<DeliveryGallery> {
  const row = await editable(deps, actor, deliveryId);
  if (!(await deleteDeliverySetRow(deps.db, row.id, setId))) throw setNotFound();
  const rest = await listDeliverySets(deps.db, row.id);
  for (const [position, each] of rest.entries()) if (each.position !== position) await updateDeliverySetRow(deps.db, row.id, each.id, { position, updated_at: deps.now() });
  await recordEdit(deps, actor, row, 'sets_changed', [null], { setId, change: 'deleted' });
  return galleryOf(deps, actor, row);
}
