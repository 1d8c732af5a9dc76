import type { Expression, ExpressionBuilder, Kysely, Selectable, SqlBool } from 'kysely';
import { preparedQuery } from '../db/prepared.ts';
import type { Tables, VaultAlbumsTable, VaultFilesTable } from '../db/tables.ts';
import { dayOf } from './days.ts';

/** Queries on `vault_files`, `vault_albums` and `vault_album_files`; nothing else touches these tables. Every read a client causes is scoped to a studio. */

export type FileRow = Selectable<VaultFilesTable>;
export type AlbumRow = Selectable<VaultAlbumsTable>;

/** Files the API shows (and other capabilities are given): never one being uploaded or being purged. */
const visibleStatuses = ['processing', 'ready', 'failed'] as const;

// ——— Files: upload lifecycle ———

export async function insertUploadingFile(
  db: Kysely<Tables>,
  file: { id: string; studioId: string; albumId: string | null; encrypted: boolean; blobKey: string; now: number },
): Promise<void> {
  await db
    .insertInto('vault_files')
    .values({
      id: file.id,
      studio_id: file.studioId,
      status: 'uploading',
      failure_reason: null,
      encrypted: file.encrypted ? 1 : 0,
      blob_key: file.blobKey,
      thumbnail_key: null,
      preview_key: null,
      media_type: '',
      size: 0,
      name_sealed: null,
      metadata_sealed: null,
      captured_day: dayOf(file.now),
      uploaded_at: file.now,
      deleted_at: null,
      content_digest: null,
    })
    .execute();
  if (file.albumId !== null) await db.insertInto('vault_album_files').values({ album_id: file.albumId, file_id: file.id, added_at: file.now }).execute();
}

export async function completeUpload(
  db: Kysely<Tables>,
  id: string,
  file: { mediaType: string; size: number; nameSealed: string; metadataSealed: string; contentDigest: string; capturedDay: number; uploadedAt: number },
): Promise<boolean> {
  const result = await db
    .updateTable('vault_files')
    .set({
      status: 'processing',
      media_type: file.mediaType,
      size: file.size,
      name_sealed: file.nameSealed,
      metadata_sealed: file.metadataSealed,
      content_digest: file.contentDigest,
      captured_day: file.capturedDay,
      uploaded_at: file.uploadedAt,
    })
    .where('id', '=', id)
    .where('status', '=', 'uploading')
    .where('uploaded_at', '>=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * An upload's `uploaded_at` is its last sign of life until it completes: renewed while the
 * body streams (touchUpload), so only an upload whose process died goes stale. A stale one is
 * claimed for the purge by setting it to ABANDONED_UPLOAD (claimStaleUploads), after which it
 * can neither be renewed nor completed: a slow upload and the purge never both win.
 */
export const ABANDONED_UPLOAD = -1;

/** False once the purge claimed the upload: the upload must stop. */
export async function touchUpload(db: Kysely<Tables>, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('vault_files').set({ uploaded_at: now }).where('id', '=', id).where('status', '=', 'uploading').where('uploaded_at', '>=', 0).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function claimStaleUploads(db: Kysely<Tables>, staleBefore: number): Promise<void> {
  await db.updateTable('vault_files').set({ uploaded_at: ABANDONED_UPLOAD }).where('status', '=', 'uploading').where('uploaded_at', '>=', 0).where('uploaded_at', '<', staleBefore).execute();
}

// ——— Blobs written before a row names them ———

export async function insertPendingBlobs(db: Kysely<Tables>, studioId: string, keys: readonly string[], now: number): Promise<void> {
  await db
    .insertInto('vault_pending_blobs')
    .values(keys.map((key) => ({ blob_key: key, studio_id: studioId, created_at: now })))
    .execute();
}

/** How many of `keys` were still pending (and are no longer): fewer than asked means the purge claimed some. */
export async function releasePendingBlobs(db: Kysely<Tables>, keys: readonly string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const result = await db.deleteFrom('vault_pending_blobs').where('blob_key', 'in', keys).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function listStalePendingBlobs(db: Kysely<Tables>, before: number, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('vault_pending_blobs').select('blob_key').where('created_at', '<', before).orderBy('created_at').limit(limit).execute();
  return rows.map((row) => row.blob_key);
}

/** The sealed per-block hashes of an unencrypted original, stored with its upload. */
export async function insertPlainBlocks(db: Kysely<Tables>, fileId: string, hashesSealed: string): Promise<void> {
  await db.insertInto('vault_plain_blocks').values({ file_id: fileId, hashes_sealed: hashesSealed }).execute();
}

export async function findPlainBlocks(db: Kysely<Tables>, fileId: string): Promise<string | undefined> {
  const row = await db.selectFrom('vault_plain_blocks').select('hashes_sealed').where('file_id', '=', fileId).executeTakeFirst();
  return row?.hashes_sealed;
}

export async function deleteFileRow(db: Kysely<Tables>, id: string): Promise<void> {
  await db.deleteFrom('vault_files').where('id', '=', id).execute();
}

/** Bytes of originals the studio keeps, trash included (it still occupies storage). */
export async function usedBytes(db: Kysely<Tables>, studioId: string): Promise<number> {
  const row = await db
    .selectFrom('vault_files')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('used'))
    .where('studio_id', '=', studioId)
    .where('status', '!=', 'uploading')
    .executeTakeFirstOrThrow();
  return Number(row.used);
}

// ——— Files: reads ———

export async function findStudioFiles(db: Kysely<Tables>, studioId: string, ids: readonly string[]): Promise<FileRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('vault_files')
    .selectAll()
    .where('studio_id', '=', studioId)
    .where('id', 'in', ids)
    .where('status', 'in', visibleStatuses)
    .execute();
}

const visibleFileSummary = preparedQuery((db, studioId: string, id: string) =>
  db
    .selectFrom('vault_files')
    .select(['id', 'studio_id', 'media_type', 'size', 'status'])
    .where('studio_id', '=', studioId)
    .where('id', '=', id)
    .where('status', 'in', visibleStatuses)
    .where('deleted_at', 'is', null),
);

/**
 * The few columns of a visible file, not in the trash, that a hot path checks before it reads
 * any bytes (the image service's every own-image answer): compiled once (db/prepared.ts), and
 * without the sealed name and metadata, whose text would be read and dropped each time.
 */
export async function findVisibleFileSummary(db: Kysely<Tables>, studioId: string, id: string): Promise<Pick<FileRow, 'id' | 'studio_id' | 'media_type' | 'size' | 'status'> | undefined> {
  const [row] = await visibleFileSummary(db, studioId, id);
  return row;
}

export async function findStudioFile(db: Kysely<Tables>, studioId: string, id: string): Promise<FileRow | undefined> {
  const [file] = await findStudioFiles(db, studioId, [id]);
  return file;
}

/** The sizes of the studio's visible files among `ids`, not in the trash. */
export async function findStudioFileSizes(db: Kysely<Tables>, studioId: string, ids: readonly string[]): Promise<Array<Pick<FileRow, 'id' | 'size'>>> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('vault_files')
    .select(['id', 'size'])
    .where('studio_id', '=', studioId)
    .where('id', 'in', ids)
    .where('status', 'in', visibleStatuses)
    .where('deleted_at', 'is', null)
    .execute();
}

/** The sealed names of the studio's files among `ids` whose upload completed, in the trash or not. */
export async function findNamedStudioFiles(db: Kysely<Tables>, studioId: string, ids: readonly string[]): Promise<Array<{ id: string; name_sealed: string }>> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('vault_files')
    .select(['id', 'name_sealed'])
    .where('studio_id', '=', studioId)
    .where('id', 'in', ids)
    .where('name_sealed', 'is not', null)
    .execute();
  return rows.flatMap((row) => (row.name_sealed === null ? [] : [{ id: row.id, name_sealed: row.name_sealed }]));
}

/** The oldest of the studio's other visible files, not in the trash, whose content has this blind index (duplicates.ts). */
export async function findFileWithContent(db: Kysely<Tables>, studioId: string, contentDigest: string, exceptId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('vault_files')
    .select('id')
    .where('studio_id', '=', studioId)
    .where('content_digest', '=', contentDigest)
    .where('id', '!=', exceptId)
    .where('status', 'in', visibleStatuses)
    .where('deleted_at', 'is', null)
    .orderBy('uploaded_at')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return row?.id;
}

/** Stored files of every studio (trash included) still without a blind index of their content, by id after `afterId`: the backfill's work. */
export async function listFilesWithoutContentDigest(db: Kysely<Tables>, afterId: string, limit: number): Promise<Array<Pick<FileRow, 'id' | 'studio_id' | 'metadata_sealed'>>> {
  return db
    .selectFrom('vault_files')
    .select(['id', 'studio_id', 'metadata_sealed'])
    .where('content_digest', 'is', null)
    .where('status', 'in', visibleStatuses)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function setContentDigest(db: Kysely<Tables>, studioId: string, id: string, contentDigest: string): Promise<void> {
  await db.updateTable('vault_files').set({ content_digest: contentDigest }).where('id', '=', id).where('studio_id', '=', studioId).where('content_digest', 'is', null).execute();
}

/** By id alone: for signed downloads (the signature named the file) and for jobs. */
export async function findFileById(db: Kysely<Tables>, id: string): Promise<FileRow | undefined> {
  return db.selectFrom('vault_files').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface FileScope {
  studioId: string;
  /** undefined: every album; null: files in no album. */
  albumId: string | null | undefined;
  trash: boolean;
}

/** The album memberships of the file the outer query is on. */
function memberships(eb: ExpressionBuilder<Tables, 'vault_files'>) {
  return eb.selectFrom('vault_album_files').select('vault_album_files.album_id').whereRef('vault_album_files.file_id', '=', 'vault_files.id');
}

function inScope(scope: FileScope) {
  return (eb: ExpressionBuilder<Tables, 'vault_files'>) =>
    eb.and([
      eb('studio_id', '=', scope.studioId),
      eb('status', 'in', visibleStatuses),
      eb('deleted_at', scope.trash ? 'is not' : 'is', null),
      ...(scope.albumId === undefined ? [] : [scope.albumId === null ? eb.not(eb.exists(memberships(eb))) : eb.exists(memberships(eb).where('album_id', '=', scope.albumId))]),
    ]);
}

export type SortColumn = 'captured_day' | 'uploaded_at' | 'id';
export type SortKey = Array<[SortColumn, number | string]>;

/** Rows strictly after `key` in the order of its columns: (a > x) or (a = x and (b > y or …)). */
function after(eb: ExpressionBuilder<Tables, 'vault_files'>, key: SortKey, direction: 'asc' | 'desc'): Expression<SqlBool> {
  const [first, ...rest] = key;
  if (!first) return eb.lit(false);
  const [column, value] = first;
  const beyond = eb(column, direction === 'asc' ? '>' : '<', value);
  return rest.length === 0 ? beyond : eb.or([beyond, eb.and([eb(column, '=', value), after(eb, rest, direction)])]);
}

/** One page in an order SQL can follow (upload time, or capture day then upload time), keyset-paginated. */
export async function listFilesPage(
  db: Kysely<Tables>,
  scope: FileScope,
  order: { columns: readonly SortColumn[]; direction: 'asc' | 'desc'; after?: SortKey },
  limit: number,
): Promise<FileRow[]> {
  let query = db.selectFrom('vault_files').selectAll().where(inScope(scope));
  if (order.after) {
    const cursor = order.after;
    query = query.where((eb) => after(eb, cursor, order.direction));
  }
  for (const column of order.columns) query = query.orderBy(column, order.direction);
  return query.limit(limit).execute();
}

/** The sealed names (and sort columns) of a scope, newest first, for sorting and searching by name in memory. */
export async function listSealedNames(
  db: Kysely<Tables>,
  scope: FileScope,
  limit: number,
): Promise<Array<Pick<FileRow, 'id' | 'name_sealed' | 'captured_day' | 'uploaded_at'>>> {
  return db
    .selectFrom('vault_files')
    .select(['id', 'name_sealed', 'captured_day', 'uploaded_at'])
    .where(inScope(scope))
    .orderBy('uploaded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

// ——— Files: organising and trash ———

/** The studio's visible files among `ids`, as a subquery: memberships are only ever written for these. */
function ownVisibleIds(db: Kysely<Tables>, studioId: string, ids: readonly string[]) {
  return db.selectFrom('vault_files').select('id').where('studio_id', '=', studioId).where('id', 'in', ids).where('status', 'in', visibleStatuses);
}

/** Out of every album, then (unless `albumId` is null) into that one alone, at once. Returns how many files moved. */
export async function moveStudioFiles(db: Kysely<Tables>, studioId: string, ids: readonly string[], albumId: string | null, now: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const own = (await ownVisibleIds(trx, studioId, ids).execute()).map((row) => row.id);
    if (own.length === 0) return 0;
    await trx.deleteFrom('vault_album_files').where('file_id', 'in', own).execute();
    if (albumId !== null) await trx.insertInto('vault_album_files').values(own.map((id) => ({ album_id: albumId, file_id: id, added_at: now }))).execute();
    return own.length;
  });
}

/** Into one more album; files already in it stay as they are. Returns how many were added. */
export async function insertAlbumFiles(db: Kysely<Tables>, studioId: string, albumId: string, ids: readonly string[], now: number): Promise<number> {
  const own = (await ownVisibleIds(db, studioId, ids).execute()).map((row) => row.id);
  if (own.length === 0) return 0;
  const result = await db
    .insertInto('vault_album_files')
    .values(own.map((id) => ({ album_id: albumId, file_id: id, added_at: now })))
    .onConflict((conflict) => conflict.columns(['album_id', 'file_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0);
}

/** Out of one album; the files themselves, and their other albums, stay. Returns how many were taken out. */
export async function deleteAlbumFiles(db: Kysely<Tables>, studioId: string, albumId: string, ids: readonly string[]): Promise<number> {
  const result = await db.deleteFrom('vault_album_files').where('album_id', '=', albumId).where('file_id', 'in', ownVisibleIds(db, studioId, ids)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The albums each of `fileIds` is in, oldest membership first. */
export async function listFileAlbumIds(db: Kysely<Tables>, fileIds: readonly string[]): Promise<Map<string, string[]>> {
  const byFile = new Map<string, string[]>();
  if (fileIds.length === 0) return byFile;
  const rows = await db.selectFrom('vault_album_files').select(['file_id', 'album_id']).where('file_id', 'in', fileIds).orderBy('added_at').orderBy('album_id').execute();
  for (const row of rows) byFile.set(row.file_id, [...(byFile.get(row.file_id) ?? []), row.album_id]);
  return byFile;
}

export async function setDeletedAt(db: Kysely<Tables>, studioId: string, id: string, deletedAt: number | null): Promise<boolean> {
  const result = await db
    .updateTable('vault_files')
    .set({ deleted_at: deletedAt })
    .where('studio_id', '=', studioId)
    .where('id', '=', id)
    .where('status', 'in', visibleStatuses)
    .where('deleted_at', deletedAt === null ? 'is not' : 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks trashed files as being purged, so a restore can no longer race the blob deletion. */
export async function markTrashPurging(db: Kysely<Tables>, filter: { studioId?: string; deletedBefore?: number }): Promise<void> {
  let query = db.updateTable('vault_files').set({ status: 'purging' }).where('deleted_at', 'is not', null).where('status', 'in', visibleStatuses);
  if (filter.studioId !== undefined) query = query.where('studio_id', '=', filter.studioId);
  if (filter.deletedBefore !== undefined) query = query.where('deleted_at', '<', filter.deletedBefore);
  await query.execute();
}

/** Files whose blobs are to be deleted: being purged, or (`abandoned`) uploads the purge claimed as stale (a crash mid-upload). */
export async function listPurgeable(db: Kysely<Tables>, filter: { studioId?: string; abandoned?: boolean }, limit: number): Promise<FileRow[]> {
  let query = db.selectFrom('vault_files').selectAll();
  if (filter.studioId !== undefined) query = query.where('studio_id', '=', filter.studioId);
  const stale = filter.abandoned ? true : undefined;
  query = query.where((eb) =>
    eb.or([eb('status', '=', 'purging'), ...(stale === undefined ? [] : [eb.and([eb('status', '=', 'uploading'), eb('uploaded_at', '=', ABANDONED_UPLOAD)])])]),
  );
  return query.orderBy('id').limit(limit).execute();
}

// ——— Files: previews ———

export async function setPreviewsReady(db: Kysely<Tables>, id: string, keys: { thumbnailKey: string; previewKey: string; metadataSealed?: string }): Promise<boolean> {
  const result = await db
    .updateTable('vault_files')
    .set({
      status: 'ready',
      failure_reason: null,
      thumbnail_key: keys.thumbnailKey,
      preview_key: keys.previewKey,
      ...(keys.metadataSealed !== undefined && { metadata_sealed: keys.metadataSealed }),
    })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setPreviewsFailed(db: Kysely<Tables>, id: string, reason: string): Promise<void> {
  await db.updateTable('vault_files').set({ status: 'failed', failure_reason: reason }).where('id', '=', id).where('status', '=', 'processing').execute();
}

export async function setProcessing(db: Kysely<Tables>, studioId: string, id: string): Promise<boolean> {
  const result = await db
    .updateTable('vault_files')
    .set({ status: 'processing', failure_reason: null })
    .where('studio_id', '=', studioId)
    .where('id', '=', id)
    .where('status', 'in', ['ready', 'failed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ——— Albums ———

export async function insertAlbum(db: Kysely<Tables>, album: { id: string; studioId: string; nameSealed: string; now: number }): Promise<void> {
  await db
    .insertInto('vault_albums')
    .values({ id: album.id, studio_id: album.studioId, name_sealed: album.nameSealed, created_at: album.now, updated_at: album.now })
    .execute();
}

export async function findStudioAlbum(db: Kysely<Tables>, studioId: string, id: string): Promise<AlbumRow | undefined> {
  return db.selectFrom('vault_albums').selectAll().where('studio_id', '=', studioId).where('id', '=', id).executeTakeFirst();
}

/** The studio's albums, or just one of them, each with its count of files not in the trash. */
export async function listStudioAlbums(db: Kysely<Tables>, studioId: string, albumId?: string): Promise<Array<AlbumRow & { file_count: number }>> {
  let query = db
    .selectFrom('vault_albums')
    .selectAll('vault_albums')
    .select((eb) =>
      eb
        .selectFrom('vault_album_files')
        .innerJoin('vault_files', 'vault_files.id', 'vault_album_files.file_id')
        .select((inner) => inner.fn.countAll<number>().as('count'))
        .whereRef('vault_album_files.album_id', '=', 'vault_albums.id')
        .where('vault_files.status', 'in', visibleStatuses)
        .where('vault_files.deleted_at', 'is', null)
        .as('file_count'),
    )
    .where('studio_id', '=', studioId);
  if (albumId !== undefined) query = query.where('id', '=', albumId);
  const rows = await query.execute();
  return rows.map((row) => ({ ...row, file_count: Number(row.file_count ?? 0) }));
}

export async function renameAlbum(db: Kysely<Tables>, studioId: string, id: string, nameSealed: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable('vault_albums')
    .set({ name_sealed: nameSealed, updated_at: now })
    .where('studio_id', '=', studioId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Its files keep existing, in their other albums or in none (the foreign key deletes the memberships). */
export async function deleteAlbumRow(db: Kysely<Tables>, studioId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('vault_albums').where('studio_id', '=', studioId).where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Every visible file of one of the studio's albums, not in the trash, oldest upload first. */
export async function listAlbumFileIds(db: Kysely<Tables>, studioId: string, albumId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('vault_files')
    .innerJoin('vault_album_files', 'vault_album_files.file_id', 'vault_files.id')
    .select('vault_files.id')
    .where('vault_files.studio_id', '=', studioId)
    .where('vault_album_files.album_id', '=', albumId)
    .where('deleted_at', 'is', null)
    .where('status', 'in', visibleStatuses)
    .orderBy('uploaded_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Studio deletion: every file of the studio, whatever its state, is to be purged. */
export async function markStudioPurging(db: Kysely<Tables>, studioId: string): Promise<void> {
  await db.updateTable('vault_files').set({ status: 'purging' }).where('studio_id', '=', studioId).execute();
}

/** The blob keys of the studio's stored files (not mid-upload, not being purged): what its storage figures sort blobs by. */
export async function listStudioBlobKeys(db: Kysely<Tables>, studioId: string): Promise<Array<Pick<FileRow, 'blob_key' | 'thumbnail_key' | 'preview_key'>>> {
  return db
    .selectFrom('vault_files')
    .select(['blob_key', 'thumbnail_key', 'preview_key'])
    .where('studio_id', '=', studioId)
    .where('status', 'not in', ['uploading', 'purging'])
    .execute();
}

/** Every stored file of every studio (not mid-upload, not being purged), by id after `afterId`: what scrub walks. */
export async function listStoredFilesPage(db: Kysely<Tables>, afterId: string, limit: number): Promise<FileRow[]> {
  return db.selectFrom('vault_files').selectAll().where('status', 'not in', ['uploading', 'purging']).where('id', '>', afterId).orderBy('id').limit(limit).execute();
}
