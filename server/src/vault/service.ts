import type { Readable } from 'node:stream';
import { type StudioActor, requireStudioPermission } from '../http/access.ts';
import type { RangeHeaders } from '../http/byte-ranges.ts';
import type { ServedFile } from '../http/send-file.ts';
import { type JobRunner, createJobRunner } from '../jobs/runner.ts';
import type { Runtime } from '../runtime.ts';
import { studioDataKey, studioSecrets } from '../studios/service.ts';
import type { ZipEntrySource } from '../zip/zip-stream.ts';
import { createAlbum, requireAlbum } from './albums.ts';
import { type VaultDeps, createVaultDeps } from './deps.ts';
import { type WholeFile, blobKeyOf, previewName, readWholeFile, recordedSha256, serveFile } from './downloads.ts';
import { type FileView, type OpenedFile, fileNotFound, fileViews, openFile } from './file-views.ts';
import type { FileUseSource } from './file-uses.ts';
import { CONTENT_DIGESTS_JOB, contentDigestsJobHandler } from './duplicates.ts';
import { addAlbumFiles } from './files.ts';
import { previewsJobHandler } from './previews.ts';
import { PURGE_JOB, eraseStudioFiles, purgeJobHandler } from './purge.ts';
import { SCRUB_JOB, scrubJobHandler } from './scrub.ts';
import { type FileRow, findNamedStudioFiles, findStudioFileSizes, findStudioFiles, findVisibleFileSummary, listAlbumFileIds, usedBytes } from './repo.ts';
import { openFileName } from './sealed-fields.ts';
import { type Variant, readPlaintext, storedBlob, storedPlaintextLength } from './stored-blobs.ts';
import { type UploadInput, type UploadedFile, uploadFile } from './upload.ts';

/**
 * The vault's interface for the other capabilities (deliveries now; labs, the image service,
 * portfolios and resumable uploads next): the one way in to a studio's files, to read them and
 * to add to them. Every method takes the studio it
 * acts for and every query behind it carries that studio's predicate, so an id that belongs to
 * another studio is simply not there, whatever link table it came from. Files come back opened
 * (names decrypted) with their bytes behind `read` and `zipEntry`, which verify as they stream:
 * no plaintext that failed its integrity check ever leaves (downloads.ts).
 */

export type { FileView } from './file-views.ts';
export type { FileUse, FileUseSource } from './file-uses.ts';
export type { Variant } from './stored-blobs.ts';
export type { UploadInput, UploadedFile } from './upload.ts';

/** A file of a studio as another capability sees it: visible, not in the trash. */
export interface VaultFile {
  readonly id: string;
  readonly studioId: string;
  readonly name: string;
  /** Sniffed from the content at upload. */
  readonly mediaType: string;
  readonly size: number;
  /** Hex SHA-256 of the original. */
  readonly sha256: string;
  readonly width: number | null;
  readonly height: number | null;
  /** Its thumbnail and preview exist: those variants can be read. */
  readonly previewsReady: boolean;
  readonly uploadedAt: number;
  /** The camera's wall-clock capture time, ISO 8601, with its offset when the camera recorded one. */
  readonly capturedAt: string | null;
  /** ThumbHash (base64) made with the previews; null before them. */
  readonly thumbhash: string | null;
  /** The variant's bytes, verified as they leave: whole, or the one range the headers ask for (416 when unsatisfiable). */
  read(variant: Variant, range: RangeHeaders): Promise<ServedFile>;
  /**
   * The whole variant, verified as `read` verifies it, for a reader in this process that takes
   * each piece as it comes (the imaging pool): whole bytes, or its length and pieces — a large
   * encrypted file's as the batches of authenticated chunks its reads complete, without a
   * stream's copying.
   */
  readWhole(variant: Variant): Promise<WholeFile>;
  /** The variant as an archive entry (zip/zip-stream.ts), opened only when the archive reaches it. */
  zipEntry(variant: Variant): Promise<ZipEntrySource>;
}

/** What a hot path checks of a file before it reads any bytes: from the file's row alone, nothing opened, no key read. */
export type VaultFileSummary = Pick<VaultFile, 'id' | 'studioId' | 'mediaType' | 'size' | 'previewsReady'>;

/** Files a studio hands on: some of its files, or one of its albums. */
export type FileSelection = { fileIds: readonly string[] } | { albumId: string };

export interface VaultFiles {
  /**
   * The ids of the selection that the studio may hand on: of `fileIds`, those that are its own,
   * visible and not in the trash (in the order given); of an album (404 `album_not_found` when
   * it is not the studio's), every such file, oldest upload first.
   */
  deliverableFileIds(studioId: string, selection: FileSelection): Promise<string[]>;
  /** The studio's visible files, not in the trash, among `ids`, in the order of `ids`. */
  find(studioId: string, ids: readonly string[]): Promise<VaultFile[]>;
  /** The file `find` would find for `id`, opening nothing (the image service's cached answers, which read bytes through `find` only on a miss). */
  summary(studioId: string, id: string): Promise<VaultFileSummary | undefined>;
  /** The sizes of the same files as `find` finds, opening nothing: for totals. */
  sizes(studioId: string, ids: readonly string[]): Promise<Map<string, number>>;
  /** The names of the studio's files among `ids`, those in the trash included: for activity logs. */
  names(studioId: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** The photographer's view of the files `find` finds (vault-signed preview links), in the order of `ids`. */
  views(studioId: string, ids: readonly string[]): Promise<FileView[]>;
  /** Bytes of originals the studio stores, trash included. */
  usedBytes(studioId: string): Promise<number>;
  /**
   * Stores a new original in the actor's studio exactly as the vault's upload route does:
   * streamed, checked (size, quota, type, pixels), scanned, encrypted, previews queued; with
   * the older file of the same content it duplicates, if any (`onDuplicate: 'skip'` refuses it instead).
   */
  upload(actor: StudioActor, input: UploadInput): Promise<UploadedFile>;
  /**
   * Makes an album in the actor's studio and adds the files among `fileIds` that are the
   * studio's, visible and not in the trash to it (albums are collections: the files stay in
   * their other albums). Needs `library.edit`. For deliveries' proofing selections.
   */
  createAlbumWith(actor: StudioActor, name: string, fileIds: readonly string[]): Promise<{ id: string; name: string; fileCount: number }>;
}

/**
 * The vault, built once per app (app.ts): `files` is what other capabilities use; the vault's
 * own routes and jobs run on `deps` and `jobs`.
 */
export interface Vault {
  readonly files: VaultFiles;
  readonly deps: VaultDeps;
  readonly jobs: JobRunner;
  /** Deletes every blob and file row of a deleted studio (whose data key is already destroyed); returns how many files. */
  eraseStudio(studioId: string): Promise<number>;
  /**
   * A capability that shows the studio's files outside the vault (deliveries) says where, so
   * that trashing a file it shows asks the photographer first (file-uses.ts): the dependency
   * points from it to the vault, never back.
   */
  registerFileUses(source: FileUseSource): void;
}

declare module '../capability.ts' {
  interface AppServices {
    vault: Vault;
  }
}

// Lists of ids are read in slices: SQLite binds at most 32766 parameters to a statement.
const ID_SLICE = 1000;

async function inSlices<T>(ids: readonly string[], read: (slice: readonly string[]) => Promise<T[]>): Promise<T[]> {
  const found: T[] = [];
  for (let start = 0; start < ids.length; start += ID_SLICE) found.push(...(await read(ids.slice(start, start + ID_SLICE))));
  return found;
}

/** The studio's visible rows among `ids`, not in the trash, in the order of `ids`. */
async function visibleRows(deps: VaultDeps, studioId: string, ids: readonly string[]): Promise<FileRow[]> {
  const unique = [...new Set(ids)];
  const rows = await inSlices(unique, (slice) => findStudioFiles(deps.db, studioId, slice));
  const byId = new Map(rows.filter((row) => row.deleted_at === null).map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

async function zipEntryOf(deps: VaultDeps, row: FileRow, opened: OpenedFile, variant: Variant): Promise<ZipEntrySource> {
  const key = blobKeyOf(row, variant);
  if (!key) throw fileNotFound();
  const blob = storedBlob(key, row.id, variant, row.encrypted ? await studioDataKey(deps, row.studio_id) : null);
  return {
    name: variant === 'original' ? opened.name : previewName(opened.name, variant),
    // A preview's length comes from the stored form (for a sealed blob, authenticated from its
    // header and end); its SHA-256 was recorded when it was made (previews of older releases
    // have none: the archive hashes them as they stream).
    ...(variant === 'original' ? { size: row.size } : { size: await storedPlaintextLength(deps.blobs, blob) }),
    sha256: recordedSha256(opened.metadata, variant),
    modifiedAt: new Date(row.uploaded_at),
    open: (): Promise<Readable> => readPlaintext(deps.blobs, blob),
  };
}

function vaultFile(deps: VaultDeps, row: FileRow, opened: OpenedFile): VaultFile {
  return {
    id: row.id,
    studioId: row.studio_id,
    name: opened.name,
    mediaType: row.media_type,
    size: row.size,
    sha256: opened.metadata.sha256,
    width: opened.metadata.width,
    height: opened.metadata.height,
    previewsReady: row.status === 'ready',
    uploadedAt: row.uploaded_at,
    capturedAt: opened.metadata.photo.capturedAt,
    thumbhash: opened.metadata.thumbhash ?? null,
    read: (variant, range) => serveFile(deps, row, opened, variant, range),
    readWhole: (variant) => readWholeFile(deps, row, opened, variant),
    zipEntry: (variant) => zipEntryOf(deps, row, opened, variant),
  };
}

export function createVaultFiles(deps: VaultDeps): VaultFiles {
  return {
    async deliverableFileIds(studioId, selection) {
      if ('albumId' in selection) {
        await requireAlbum(deps, studioId, selection.albumId);
        return listAlbumFileIds(deps.db, studioId, selection.albumId);
      }
      return (await visibleRows(deps, studioId, selection.fileIds)).map((row) => row.id);
    },
    async find(studioId, ids) {
      const secrets = await studioSecrets(deps, studioId);
      return Promise.all((await visibleRows(deps, studioId, ids)).map(async (row) => vaultFile(deps, row, await openFile(deps, row, secrets))));
    },
    async summary(studioId, id) {
      const row = await findVisibleFileSummary(deps.db, studioId, id);
      return row && { id: row.id, studioId: row.studio_id, mediaType: row.media_type, size: row.size, previewsReady: row.status === 'ready' };
    },
    async sizes(studioId, ids) {
      const rows = await inSlices([...new Set(ids)], (slice) => findStudioFileSizes(deps.db, studioId, slice));
      return new Map(rows.map((row) => [row.id, row.size]));
    },
    async names(studioId, ids) {
      const rows = await inSlices([...new Set(ids)], (slice) => findNamedStudioFiles(deps.db, studioId, slice));
      const secrets = await studioSecrets(deps, studioId);
      return new Map(await Promise.all(rows.map(async (row) => [row.id, await openFileName(secrets, row.id, row.name_sealed)] as const)));
    },
    async views(studioId, ids) {
      return fileViews(deps, await visibleRows(deps, studioId, ids));
    },
    usedBytes: (studioId) => usedBytes(deps.db, studioId),
    upload: (actor, input) => uploadFile(deps, actor, input),
    async createAlbumWith(actor, name, fileIds) {
      requireStudioPermission(actor, 'library.edit');
      const ids = (await visibleRows(deps, actor.studioId, fileIds)).map((row) => row.id);
      const album = await createAlbum(deps, actor, name);
      const added = ids.length > 0 ? (await addAlbumFiles(deps, actor, album.id, ids)).added : 0;
      return { id: album.id, name: album.name, fileCount: added };
    },
  };
}

/**
 * Builds the vault over a runtime: its services, and the job runner that makes previews and
 * purges the trash (started and stopped by the vault's routes, capability.ts).
 */
export function createVault(runtime: Runtime): Vault {
  const deps = createVaultDeps(runtime, () => jobs.wake());
  const jobs = createJobRunner({
    db: deps.db,
    logger: runtime.logger,
    handlers: [previewsJobHandler(deps), purgeJobHandler(deps), scrubJobHandler(deps), contentDigestsJobHandler(deps)],
    schedules: [
      { kind: PURGE_JOB, everyMs: deps.config.purgeIntervalSeconds * 1000 },
      { kind: SCRUB_JOB, everyMs: 24 * 60 * 60_000 },
      { kind: CONTENT_DIGESTS_JOB, everyMs: 24 * 60 * 60_000 },
    ],
    concurrency: deps.config.jobConcurrency,
    leaseMs: runtime.config.jobs.leaseSeconds * 1000,
  });
  return {
    files: createVaultFiles(deps),
    deps,
    jobs,
    eraseStudio: (studioId) => eraseStudioFiles(deps, studioId),
    registerFileUses: (source) => deps.fileUses.register(source),
  };
}
