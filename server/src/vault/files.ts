import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { type StudioActor, requireStudioPermission } from '../http/access.ts';
import { roleAllows } from '../http/permissions.ts';
import { AppError } from '../errors.ts';
import { studioSecrets, studioSettings } from '../studios/service.ts';
import { type AlbumView, albumViewById, requireAlbum } from './albums.ts';
import type { VaultDeps } from './deps.ts';
import type { FileUse } from './file-uses.ts';
import { cleanText, compareNames } from '../text.ts';
import { type FileDetails, type FileView, fileDetails, fileNotFound, fileViews, signedFileUrl } from './file-views.ts';
import { type SortKeyValue, cursorInvalid, openCursor, sealCursor } from './list-cursor.ts';
import {
  type FileRow,
  type FileScope,
  type SortColumn,
  findStudioFile,
  findStudioFiles,
  listFilesPage,
  deleteAlbumFiles,
  insertAlbumFiles,
  listSealedNames,
  moveStudioFiles,
  setDeletedAt,
  usedBytes,
} from './repo.ts';
import { openFileName } from './sealed-fields.ts';
import type { Variant } from './stored-blobs.ts';

/** Listing, looking at, moving, trashing and restoring a studio's files, and handing out download links. */

export type FileSort = 'captured' | 'uploaded' | 'name';

export interface FileListQuery {
  /** An album id, `none` for files in no album, or undefined for all. */
  albumId?: string;
  sort: FileSort;
  order: 'asc' | 'desc';
  cursor?: string;
  limit: number;
  q?: string;
  trash: boolean;
}

export interface FileList {
  files: FileView[];
  nextCursor: string | null;
  /** True when name sorting or search looked at only the most recent NAME_SCAN_LIMIT files. */
  searchTruncated: boolean;
}

/**
 * Names are sealed, so sorting by name and searching open the names of the whole listing in
 * memory. Bounded: beyond this many files only the most recently uploaded are considered.
 */
const NAME_SCAN_LIMIT = 20_000;

const sqlOrders: Record<Exclude<FileSort, 'name'>, SortColumn[]> = {
  uploaded: ['uploaded_at', 'id'],
  captured: ['captured_day', 'uploaded_at', 'id'],
};

function compareKeys(a: readonly SortKeyValue[], b: readonly SortKeyValue[]): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const left = a[index];
    const right = b[index];
    if (left === right) continue;
    if (typeof left === 'number' && typeof right === 'number') return left - right;
    const byText = compareNames(String(left), String(right));
    // Names equal to compareNames() but not byte-equal still need one fixed order.
    if (byText !== 0) return byText;
    return String(left) < String(right) ? -1 : 1;
  }
  return 0;
}

async function scopeOf(deps: VaultDeps, actor: StudioActor, query: Pick<FileListQuery, 'albumId' | 'trash'>): Promise<FileScope> {
  if (query.albumId !== undefined && query.albumId !== 'none') await requireAlbum(deps, actor.studioId, query.albumId);
  return { studioId: actor.studioId, albumId: query.albumId === 'none' ? null : query.albumId, trash: query.trash };
}

/** Rows in the order their ids are listed. */
function inOrder(rows: readonly FileRow[], ids: readonly string[]): FileRow[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function listFiles(deps: VaultDeps, actor: StudioActor, query: FileListQuery): Promise<FileList> {
  const scope = await scopeOf(deps, actor, query);
  const search = query.q === undefined ? '' : cleanText(query.q).toLocaleLowerCase();
  const listing = JSON.stringify([query.sort, query.order, search, query.albumId ?? null, query.trash]);
  const after = query.cursor === undefined ? undefined : await openCursor(deps.secrets, actor.studioId, query.cursor, listing);
  const page = query.sort === 'name' || search !== '' ? await pageByNames(deps, scope, query, search, after) : await pageInSql(deps, scope, query, after);
  return {
    files: await fileViews(deps, page.rows),
    nextCursor: page.lastKey ? await sealCursor(deps.secrets, actor.studioId, { listing, key: page.lastKey }) : null,
    searchTruncated: page.truncated,
  };
}

interface Page {
  rows: FileRow[];
  /** The sort key of the page's last file when more follow. */
  lastKey: SortKeyValue[] | undefined;
  truncated: boolean;
}

async function pageInSql(deps: VaultDeps, scope: FileScope, query: FileListQuery, after: SortKeyValue[] | undefined): Promise<Page> {
  const columns = sqlOrders[query.sort as Exclude<FileSort, 'name'>];
  if (after && after.length !== columns.length) throw cursorInvalid();
  const key = after && columns.map((column, index) => [column, after[index] as SortKeyValue] as [SortColumn, SortKeyValue]);
  const rows = await listFilesPage(deps.db, scope, { columns, direction: query.order, after: key }, query.limit + 1);
  const more = rows.length > query.limit;
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows.at(-1);
  return { rows: pageRows, lastKey: more && last ? columns.map((column) => last[column]) : undefined, truncated: false };
}

async function pageByNames(deps: VaultDeps, scope: FileScope, query: FileListQuery, search: string, after: SortKeyValue[] | undefined): Promise<Page> {
  const candidates = await listSealedNames(deps.db, scope, NAME_SCAN_LIMIT + 1);
  const truncated = candidates.length > NAME_SCAN_LIMIT;
  const secrets = await studioSecrets(deps, scope.studioId);
  const named = await Promise.all(
    candidates.slice(0, NAME_SCAN_LIMIT).map(async (row) => ({ row, name: row.name_sealed === null ? '' : await openFileName(secrets, row.id, row.name_sealed) })),
  );
  const keyOf = ({ row, name }: (typeof named)[number]): SortKeyValue[] =>
    query.sort === 'name' ? [name, row.id] : query.sort === 'captured' ? [row.captured_day, row.uploaded_at, row.id] : [row.uploaded_at, row.id];
  const direction = query.order === 'asc' ? 1 : -1;
  const matching = named
    .filter(({ name }) => search === '' || name.toLocaleLowerCase().includes(search))
    .map((entry) => ({ id: entry.row.id, key: keyOf(entry) }))
    .sort((a, b) => direction * compareKeys(a.key, b.key));
  const start = after ? matching.findIndex((entry) => direction * compareKeys(entry.key, after) > 0) : 0;
  const slice = start < 0 ? [] : matching.slice(start, start + query.limit);
  const more = start >= 0 && start + query.limit < matching.length;
  const ids = slice.map((entry) => entry.id);
  return { rows: inOrder(await findStudioFiles(deps.db, scope.studioId, ids), ids), lastKey: more ? slice.at(-1)?.key : undefined, truncated };
}

/**
 * One file with its EXIF summary. Where it was taken is shown only to a role that may download
 * the original (owner, editor), which carries it anyway; a viewer sees previews, which carry
 * none, and so no location either.
 */
export async function getFile(deps: VaultDeps, actor: StudioActor, fileId: string): Promise<FileDetails> {
  const file = await findStudioFile(deps.db, actor.studioId, fileId);
  if (!file) throw fileNotFound();
  const details = await fileDetails(deps, file);
  return roleAllows(actor.role, 'library.originals') ? details : { ...details, exif: { ...details.exif, gps: null } };
}

/** The distinct ids, once each is known to be one of the studio's files outside the trash: else 404 `file_not_found` for them all. */
async function requireLiveFiles(deps: VaultDeps, actor: StudioActor, fileIds: readonly string[]): Promise<string[]> {
  const ids = [...new Set(fileIds)];
  const files = await findStudioFiles(deps.db, actor.studioId, ids);
  if (files.length !== ids.length || files.some((file) => file.deleted_at !== null)) throw fileNotFound();
  return ids;
}

/**
 * Into one album and out of every other (`null`: out of all), as when an album was a folder;
 * addAlbumFiles adds without taking files out. All or nothing: one id that is not the
 * studio's (or is in the trash) refuses the whole move.
 */
export async function moveFiles(deps: VaultDeps, actor: StudioActor, fileIds: readonly string[], albumId: string | null): Promise<number> {
  if (albumId !== null) await requireAlbum(deps, actor.studioId, albumId);
  const ids = await requireLiveFiles(deps, actor, fileIds);
  return moveStudioFiles(deps.db, actor.studioId, ids, albumId, deps.now());
}

/** Into one more album, keeping the albums they are in; files already in it count as not added. All or nothing, as moveFiles. */
export async function addAlbumFiles(deps: VaultDeps, actor: StudioActor, albumId: string, fileIds: readonly string[]): Promise<{ album: AlbumView; added: number }> {
  await requireAlbum(deps, actor.studioId, albumId);
  const added = await insertAlbumFiles(deps.db, actor.studioId, albumId, await requireLiveFiles(deps, actor, fileIds), deps.now());
  return { album: await albumViewById(deps, actor, albumId), added };
}

/** Out of one album; the files stay in the library and in their other albums. Files not in it count as not removed. */
export async function removeAlbumFiles(deps: VaultDeps, actor: StudioActor, albumId: string, fileIds: readonly string[]): Promise<{ album: AlbumView; removed: number }> {
  await requireAlbum(deps, actor.studioId, albumId);
  const removed = await deleteAlbumFiles(deps.db, actor.studioId, albumId, await requireLiveFiles(deps, actor, fileIds));
  return { album: await albumViewById(deps, actor, albumId), removed };
}

/**
 * Where the studio's own files among `fileIds` are shown outside the vault (live deliveries,
 * file-uses.ts): what the photographer is warned about before trashing them. Ids that are not
 * the studio's (or are in the trash already) are left out before any source is asked.
 */
export async function fileUsesOf(deps: VaultDeps, actor: StudioActor, fileIds: readonly string[]): Promise<FileUse[]> {
  const own = (await findStudioFiles(deps.db, actor.studioId, [...new Set(fileIds)])).filter((row) => row.deleted_at === null).map((row) => row.id);
  return deps.fileUses.of(actor.studioId, own);
}

export function fileInLiveDelivery(uses: readonly FileUse[]): AppError {
  const titles = uses.map((use) => `“${use.title}”`);
  const list = titles.length <= 3 ? titles.join(', ') : `${titles.slice(0, 3).join(', ')} and ${titles.length - 3} more`;
  return new AppError(
    'file_in_live_delivery',
    `This photo is in ${uses.length === 1 ? 'a live delivery' : `${uses.length} live deliveries`} (${list}): its client would stop seeing it. Confirm to move it to the trash anyway.`,
    409,
  );
}

/**
 * To the trash, restorable for 30 days (purge.ts). Trashing a file already there changes nothing.
 * A file a live delivery shows goes only with `confirmed` (the photographer saw the warning):
 * otherwise 409 `file_in_live_delivery`, naming the deliveries.
 */
export async function trashFile(deps: VaultDeps, actor: StudioActor, fileId: string, options: { confirmed?: boolean } = {}): Promise<void> {
  if (options.confirmed !== true) {
    const uses = await fileUsesOf(deps, actor, [fileId]);
    if (uses.length > 0) throw fileInLiveDelivery(uses);
  }
  if (await setDeletedAt(deps.db, actor.studioId, fileId, deps.now())) {
    await recordAudit(deps.db, { action: 'vault.file_trashed', ...auditContext(actor), details: { fileId, studioId: actor.studioId } });
  } else if (!(await findStudioFile(deps.db, actor.studioId, fileId))) {
    throw fileNotFound();
  }
}

export async function restoreFile(deps: VaultDeps, actor: StudioActor, fileId: string): Promise<FileView> {
  if (await setDeletedAt(deps.db, actor.studioId, fileId, null)) {
    await recordAudit(deps.db, { action: 'vault.file_restored', ...auditContext(actor), details: { fileId, studioId: actor.studioId } });
  }
  const file = await findStudioFile(deps.db, actor.studioId, fileId);
  if (!file) throw fileNotFound();
  const [view] = await fileViews(deps, [file]);
  return view as FileView;
}

export async function vaultUsage(deps: VaultDeps, actor: StudioActor): Promise<{ usedBytes: number; quotaBytes: number | null }> {
  const { quotaBytes } = await studioSettings(deps, actor.studioId);
  return { usedBytes: await usedBytes(deps.db, actor.studioId), quotaBytes };
}

export async function createDownloadUrl(deps: VaultDeps, actor: StudioActor, fileId: string, variant: Variant): Promise<{ url: string; expiresAt: string }> {
  // A viewer sees previews; an original needs a role that may download originals.
  if (variant === 'original') requireStudioPermission(actor, 'library.originals');
  const file = await findStudioFile(deps.db, actor.studioId, fileId);
  if (!file || file.deleted_at !== null) throw fileNotFound();
  if (variant !== 'original' && file.status !== 'ready') throw new AppError('preview_not_ready', 'This file has no previews yet.', 409);
  return signedFileUrl(deps, fileId, variant);
}
