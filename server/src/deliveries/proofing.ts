import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { studioNotificationEmails } from '../auth/teams.ts';
import { hashToken, sha256Hex } from '../crypto/hashing.ts';
import type { StudioSecretBox } from '../crypto/secret-fields.ts';
import { generateId, generateToken } from '../crypto/tokens.ts';
import { inTransaction, isUniqueViolation } from '../db/database.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import { runInBackground } from '../jobs/background.ts';
import { studioSecrets } from '../studios/service.ts';
import { cleanText } from '../text.ts';
import type { DeliveriesDeps } from './deps.ts';
import { openDeliveryDetails } from './details.ts';
import {
  type ProofingListRow,
  addFavourite,
  claimOpenList,
  countFavourites,
  deleteProofing,
  findProofing,
  findProofingList,
  findProofingListByToken,
  insertProofingList,
  listFavourites,
  listProofingLists,
  removeFavourite,
  setListSubmitted,
  updateListDetails,
  upsertProofing,
} from './proofing-repo.ts';
import { type DeliveryRow, deliveryHasFile, findStudioDelivery } from './repo.ts';
import { deliveryNotFound } from './state.ts';

/**
 * Client proofing on a delivery (docs/deliveries.md, "Proofing"). A delivery that allows it
 * lets each person who opened it keep a named list: hearts on photos, a short comment per
 * photo, within the photographer's limit when there is one, then submitted. A list is written
 * only with its own token (256 bits, kept by that person's browser, stored as SHA-256): several
 * people with the same link and code keep separate lists and cannot change each other's. The
 * list's name and comments are sealed together on its row under the studio's data key, bound to its id. The photographer
 * sees every list, is emailed on submission, reopens a list, makes an album of it (through the
 * vault's interface) and copies its file names as a Lightroom Classic / Capture One filter or CSV.
 */

export const proofingDetailsPurpose = 'delivery-proofing-list';
export const proofingDetailsAssociatedData = (listId: string) => `delivery-proofing-lists/${listId}`;

export const MAX_LISTS_PER_DELIVERY = 50;
export const MAX_NAME_LENGTH = 60;
export const MAX_COMMENT_LENGTH = 500;
export const MAX_FAVOURITE_LIMIT = 10_000;

interface ListDetails {
  name: string;
  comments: Record<string, string>;
}

export interface ProofingSettings {
  enabled: boolean;
  /** Null: no limit. */
  favouriteLimit: number | null;
}

export interface ClientProofingList {
  id: string;
  name: string;
  status: 'open' | 'submitted';
  submittedAt: string | null;
  favourites: string[];
  comments: Array<{ fileId: string; comment: string }>;
}

export interface SelectionItem {
  fileId: string;
  name: string;
  favourite: boolean;
  comment: string | null;
}

export interface ProofingSelectionView {
  id: string;
  name: string;
  status: 'open' | 'submitted';
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  favouriteCount: number;
  items: SelectionItem[];
  /** The favourites' file names without extension, joined by ` OR `: paste into Lightroom Classic's or Capture One's filter. */
  filter: string;
  /** file,favourite,comment — one line per item, cells that a spreadsheet would run as a formula defused. */
  csv: string;
}

const iso = (at: number) => new Date(at).toISOString();
const proofingNotEnabled = () => new NotFoundError('proofing_not_enabled', 'This delivery does not offer proofing.');
const listNotFound = () => new NotFoundError('proofing_list_not_found', 'No such selection in this delivery.');
const listTokenRequired = () => new AppError('proofing_list_required', 'Choose or start your selection first.', 401);

/** The name as the key of its list in a delivery: one list per name, whatever its case or spacing. */
function nameKey(deliveryId: string, name: string): string {
  return sha256Hex(`${deliveryId}\n${name.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ')}`);
}

function listName(input: string): string {
  const name = cleanText(input).replace(/\s+/g, ' ');
  if (name.length === 0 || Array.from(name).length > MAX_NAME_LENGTH) throw new AppError('invalid_list_name', `A name has 1 to ${MAX_NAME_LENGTH} characters.`, 400);
  return name;
}

/** Under the studio's data key (studioSecrets): a person's name and comments go when the studio is crypto-erased. */
async function sealDetails(secrets: StudioSecretBox, listId: string, details: ListDetails): Promise<string> {
  return secrets.seal(JSON.stringify(details), proofingDetailsPurpose, proofingDetailsAssociatedData(listId));
}

async function openDetails(secrets: StudioSecretBox, row: ProofingListRow): Promise<ListDetails> {
  return JSON.parse((await secrets.open(row.details_sealed, proofingDetailsPurpose, proofingDetailsAssociatedData(row.id))).toString('utf8')) as ListDetails;
}

function settingsOf(row: { favourite_limit: number | null } | undefined): ProofingSettings {
  return row ? { enabled: true, favouriteLimit: row.favourite_limit } : { enabled: false, favouriteLimit: null };
}

/** A file name as a filter term: without its extension (DSC_0012.NEF → DSC_0012). */
export function filterTerm(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

/** One CSV cell (RFC 4180), with a leading =, +, -, @, tab or CR defused so a spreadsheet never runs it. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function selectionFilter(items: readonly SelectionItem[]): string {
  return [...new Set(items.filter((item) => item.favourite).map((item) => filterTerm(item.name)))].join(' OR ');
}

export function selectionCsv(items: readonly SelectionItem[]): string {
  const lines = [['file', 'favourite', 'comment'].join(','), ...items.map((item) => [csvCell(item.name), item.favourite ? 'yes' : 'no', csvCell(item.comment ?? '')].join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------- the photographer's side

async function requireStudioDelivery(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string): Promise<DeliveryRow> {
  const row = await findStudioDelivery(deps.db, actor.studioId, deliveryId);
  if (!row) throw deliveryNotFound();
  return row;
}

/** Turns proofing on (with an optional limit on favourites) or off; turning it off keeps the lists, hidden, until it is turned on again. */
export async function setDeliveryProofing(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string, input: ProofingSettings): Promise<ProofingSettings> {
  const row = await requireStudioDelivery(deps, actor, deliveryId);
  const now = deps.now();
  if (input.enabled) await upsertProofing(deps.db, { studioId: actor.studioId, deliveryId: row.id, favouriteLimit: input.favouriteLimit, now });
  else await deleteProofing(deps.db, actor.studioId, row.id);
  await recordAudit(deps.db, { action: 'delivery.proofing_changed', ...auditContext(actor), details: { deliveryId: row.id, enabled: input.enabled, favouriteLimit: input.favouriteLimit, studioId: actor.studioId } }, now);
  return settingsOf(await findProofing(deps.db, actor.studioId, row.id));
}

async function selectionViews(deps: DeliveriesDeps, studioId: string, rows: readonly ProofingListRow[]): Promise<ProofingSelectionView[]> {
  const favourites = await listFavourites(deps.db, studioId, rows.map((row) => row.id));
  const secrets = await studioSecrets(deps, studioId);
  const details = await Promise.all(rows.map((row) => openDetails(secrets, row)));
  const fileIds = new Set([...favourites.map((row) => row.file_id), ...details.flatMap((detail) => Object.keys(detail.comments))]);
  const names = await deps.vault.names(studioId, [...fileIds]);
  return rows.map((row, index) => {
    const detail = details[index] as ListDetails;
    const hearts = favourites.filter((favourite) => favourite.list_id === row.id).map((favourite) => favourite.file_id);
    const commentedOnly = Object.keys(detail.comments).filter((fileId) => !hearts.includes(fileId));
    const items = [...hearts, ...commentedOnly]
      .filter((fileId) => names.has(fileId))
      .map((fileId) => ({ fileId, name: names.get(fileId) as string, favourite: hearts.includes(fileId), comment: detail.comments[fileId] ?? null }));
    return {
      id: row.id,
      name: detail.name,
      status: row.submitted_at === null ? ('open' as const) : ('submitted' as const),
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
      submittedAt: row.submitted_at === null ? null : iso(row.submitted_at),
      favouriteCount: items.filter((item) => item.favourite).length,
      items,
      filter: selectionFilter(items),
      csv: selectionCsv(items),
    };
  });
}

export async function listProofingSelections(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string): Promise<{ proofing: ProofingSettings; lists: ProofingSelectionView[] }> {
  const row = await requireStudioDelivery(deps, actor, deliveryId);
  const proofing = settingsOf(await findProofing(deps.db, actor.studioId, row.id));
  return { proofing, lists: await selectionViews(deps, actor.studioId, await listProofingLists(deps.db, actor.studioId, row.id)) };
}

async function requireStudioList(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string, listId: string): Promise<ProofingListRow> {
  const row = await requireStudioDelivery(deps, actor, deliveryId);
  const list = await findProofingList(deps.db, actor.studioId, row.id, listId);
  if (!list) throw listNotFound();
  return list;
}

/** Opens a submitted list again, so its person can change it and submit anew. */
export async function reopenProofingSelection(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string, listId: string): Promise<ProofingSelectionView> {
  const list = await requireStudioList(deps, actor, deliveryId, listId);
  const now = deps.now();
  if (!(await setListSubmitted(deps.db, actor.studioId, list.id, null, now))) throw new AppError('proofing_list_open', 'This selection is not submitted.', 409);
  await recordAudit(deps.db, { action: 'delivery.proofing_reopened', ...auditContext(actor), details: { deliveryId, listId, studioId: actor.studioId } }, now);
  const [view] = await selectionViews(deps, actor.studioId, [(await findProofingList(deps.db, actor.studioId, deliveryId, listId)) as ProofingListRow]);
  return view as ProofingSelectionView;
}

/** Makes an album of the list's favourites (the vault adds them to it; they stay in their other albums). */
export async function createAlbumFromSelection(
  deps: DeliveriesDeps,
  actor: StudioActor,
  deliveryId: string,
  listId: string,
  albumName?: string,
): Promise<{ id: string; name: string; fileCount: number }> {
  const list = await requireStudioList(deps, actor, deliveryId, listId);
  const [view] = await selectionViews(deps, actor.studioId, [list]);
  const fileIds = (view?.items ?? []).filter((item) => item.favourite).map((item) => item.fileId);
  if (fileIds.length === 0) throw new AppError('proofing_selection_empty', 'This selection has no favourites yet.', 409);
  const delivery = await requireStudioDelivery(deps, actor, deliveryId);
  const title = (await openDeliveryDetails(await studioSecrets(deps, delivery.studio_id), delivery.id, delivery.details_sealed)).title;
  const name = albumName ? cleanText(albumName) : `${title} — ${view?.name ?? 'selection'}`.slice(0, 200);
  const album = await deps.vault.createAlbumWith(actor, name || 'Selection', fileIds);
  await recordAudit(deps.db, { action: 'delivery.proofing_album_created', ...auditContext(actor), details: { deliveryId, listId, albumId: album.id, studioId: actor.studioId } });
  return album;
}

// ---------------------------------------------------------------- the client's side

async function requireProofing(deps: DeliveriesDeps, delivery: DeliveryRow): Promise<ProofingSettings> {
  const settings = settingsOf(await findProofing(deps.db, delivery.studio_id, delivery.id));
  if (!settings.enabled) throw proofingNotEnabled();
  return settings;
}

async function clientList(deps: DeliveriesDeps, row: ProofingListRow): Promise<ClientProofingList> {
  const details = await openDetails(await studioSecrets(deps, row.studio_id), row);
  const favourites = (await listFavourites(deps.db, row.studio_id, [row.id])).map((favourite) => favourite.file_id);
  return {
    id: row.id,
    name: details.name,
    status: row.submitted_at === null ? 'open' : 'submitted',
    submittedAt: row.submitted_at === null ? null : iso(row.submitted_at),
    favourites,
    comments: Object.entries(details.comments).map(([fileId, comment]) => ({ fileId, comment })),
  };
}

async function requireClientList(deps: DeliveriesDeps, delivery: DeliveryRow, listToken: string | undefined): Promise<ProofingListRow> {
  if (!listToken || listToken.length > 100) throw listTokenRequired();
  const list = await findProofingListByToken(deps.db, delivery.studio_id, delivery.id, hashToken(listToken));
  if (!list) throw listTokenRequired();
  return list;
}

/** The delivery's proofing settings, and the caller's own list when their browser holds its token. */
export async function clientProofing(deps: DeliveriesDeps, delivery: DeliveryRow, listToken: string | undefined): Promise<{ proofing: ProofingSettings; list: ClientProofingList | null }> {
  const proofing = settingsOf(await findProofing(deps.db, delivery.studio_id, delivery.id));
  if (!proofing.enabled || !listToken) return { proofing, list: null };
  const list = listToken.length <= 100 ? await findProofingListByToken(deps.db, delivery.studio_id, delivery.id, hashToken(listToken)) : undefined;
  return { proofing, list: list ? await clientList(deps, list) : null };
}

/** Starts a person's named list; the token in the answer is the only way to write it. A name already taken in this delivery answers 409. */
export async function createProofingList(deps: DeliveriesDeps, delivery: DeliveryRow, nameInput: string): Promise<{ list: ClientProofingList; listToken: string }> {
  await requireProofing(deps, delivery);
  const name = listName(nameInput);
  if ((await listProofingLists(deps.db, delivery.studio_id, delivery.id)).length >= MAX_LISTS_PER_DELIVERY) {
    throw new AppError('too_many_lists', `A delivery holds at most ${MAX_LISTS_PER_DELIVERY} selections.`, 409);
  }
  const id = generateId();
  const token = generateToken();
  const now = deps.now();
  try {
    await insertProofingList(deps.db, {
      id,
      studioId: delivery.studio_id,
      deliveryId: delivery.id,
      nameKey: nameKey(delivery.id, name),
      detailsSealed: await sealDetails(await studioSecrets(deps, delivery.studio_id), id, { name, comments: {} }),
      tokenHash: hashToken(token),
      now,
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('proofing_name_taken', 'A selection under this name already exists. A list stays in the browser that started it: if it is yours, carry on there; otherwise choose another name.', 409);
    throw error;
  }
  const row = await findProofingListByToken(deps.db, delivery.studio_id, delivery.id, hashToken(token));
  return { list: await clientList(deps, row as ProofingListRow), listToken: token };
}

/**
 * Hearts (or un-hearts) one photo of the delivery in the caller's list and sets or clears its
 * comment. Within the limit (409 `proofing_limit_reached`), and only while the list is open
 * (409 `proofing_list_submitted`); a file not in this delivery is not found.
 */
export async function setFavourite(
  deps: DeliveriesDeps,
  delivery: DeliveryRow,
  listToken: string | undefined,
  fileId: string,
  input: { favourite: boolean; comment?: string | null },
): Promise<ClientProofingList> {
  const settings = await requireProofing(deps, delivery);
  const list = await requireClientList(deps, delivery, listToken);
  if (!(await deliveryHasFile(deps.db, delivery.id, fileId)) || !(await deps.vault.sizes(delivery.studio_id, [fileId])).has(fileId)) {
    throw new NotFoundError('file_not_found', 'No such file in this delivery.');
  }
  const comment = input.comment === undefined ? undefined : input.comment === null ? '' : cleanText(input.comment);
  if (comment !== undefined && Array.from(comment).length > MAX_COMMENT_LENGTH) throw new AppError('comment_too_long', `A comment has at most ${MAX_COMMENT_LENGTH} characters.`, 400);
  const now = deps.now();
  // Unwrapped before the transaction, which holds SQLite's only connection.
  const secrets = await studioSecrets(deps, delivery.studio_id);
  await inTransaction(deps.db, async (trx) => {
    if (!(await claimOpenList(trx, delivery.studio_id, list.id, now))) throw new AppError('proofing_list_submitted', 'This selection was submitted; ask the photographer to reopen it.', 409);
    if (input.favourite) {
      const current = await listFavourites(trx, delivery.studio_id, [list.id]);
      const already = current.some((row) => row.file_id === fileId);
      if (!already && settings.favouriteLimit !== null && (await countFavourites(trx, delivery.studio_id, list.id)) >= settings.favouriteLimit) {
        throw new AppError('proofing_limit_reached', `You can choose up to ${settings.favouriteLimit === 1 ? '1 photo' : `${settings.favouriteLimit} photos`}: remove a heart first.`, 409);
      }
      await addFavourite(trx, { studioId: delivery.studio_id, listId: list.id, fileId, now });
    } else {
      await removeFavourite(trx, delivery.studio_id, list.id, fileId);
    }
    if (comment !== undefined) {
      const fresh = await findProofingList(trx, delivery.studio_id, delivery.id, list.id);
      const details = await openDetails(secrets, fresh as ProofingListRow);
      if (comment) details.comments[fileId] = comment;
      else delete details.comments[fileId];
      await updateListDetails(trx, delivery.studio_id, list.id, await sealDetails(secrets, list.id, details), now);
    }
  });
  return clientList(deps, (await findProofingList(deps.db, delivery.studio_id, delivery.id, list.id)) as ProofingListRow);
}

/** Submits the caller's list: it is frozen until the photographer reopens it, and the photographer is emailed. */
export async function submitProofingSelection(deps: DeliveriesDeps, delivery: DeliveryRow, listToken: string | undefined): Promise<ClientProofingList> {
  await requireProofing(deps, delivery);
  const list = await requireClientList(deps, delivery, listToken);
  const now = deps.now();
  if (!(await setListSubmitted(deps.db, delivery.studio_id, list.id, now, now))) throw new AppError('proofing_list_submitted', 'This selection was already submitted.', 409);
  await recordAudit(deps.db, { action: 'delivery.proofing_submitted', details: { deliveryId: delivery.id, listId: list.id, studioId: delivery.studio_id } }, now);
  const view = await clientList(deps, (await findProofingList(deps.db, delivery.studio_id, delivery.id, list.id)) as ProofingListRow);
  notifySubmission(deps, delivery, view);
  return view;
}

function notifySubmission(deps: DeliveriesDeps, delivery: DeliveryRow, list: ClientProofingList): void {
  runInBackground(deps.logger, 'proofing-submitted-email', async () => {
    // Read now, not when the delivery was made: its maker may have left the studio since.
    const emails = await studioNotificationEmails(deps, delivery.studio_id, delivery.created_by, 'deliveries');
    if (emails.length === 0) return;
    const details = await openDeliveryDetails(await studioSecrets(deps, delivery.studio_id), delivery.id, delivery.details_sealed);
    const count = list.favourites.length;
    const subject = `A selection was submitted: ${details.title}`;
    const text = [
      `${list.name} submitted a selection of ${count} photo${count === 1 ? '' : 's'} in “${details.title}”.`,
      '',
      `See it, copy the file names or make an album: ${deps.site.publicUrl}/deliveries/${delivery.id}`,
    ].join('\n');
    for (const to of emails) await deps.mailer.send({ to, subject, text });
  });
}
