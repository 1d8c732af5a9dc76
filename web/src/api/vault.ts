import type { DetailedError, Upload as TusUpload } from 'tus-js-client';
import { PAUSED } from '../lib/uploadQueue';
import { ApiError, apiDelete, apiGet, apiPatch, apiPost, apiUpload } from './client';

/** Whether a file's previews (thumbnail and large preview) are made yet. */
export type FileStatus = 'processing' | 'ready' | 'failed';

/** A photo in the vault; times are ISO 8601. */
export interface FileView {
  id: string;
  name: string;
  /** The MIME type, e.g. `image/jpeg`. */
  type: string;
  size: number;
  /** Hex SHA-256 of the original. */
  sha256: string;
  /** The albums it is in (a photo may be in several), the one it joined first first. */
  albumIds: string[];
  status: FileStatus;
  uploadedAt: string;
  capturedAt: string | null;
  width: number | null;
  height: number | null;
  /** Short-lived signed URLs to WebP images; `null` until `status` is `ready`. */
  thumbnailUrl: string | null;
  previewUrl: string | null;
}

/** What the camera recorded, as far as it did. */
export interface Exif {
  camera: string | null;
  lens: string | null;
  /** Seconds, as "1/250" or "2.5". */
  exposureTime: string | null;
  fNumber: number | null;
  iso: number | null;
  /** Millimetres. */
  focalLength: number | null;
  /** Private to the studio: never shared with clients. */
  gps: { latitude: number; longitude: number; altitude: number | null } | null;
}

export type FileDetails = FileView & { exif: Exif };

export interface Album {
  id: string;
  name: string;
  fileCount: number;
  createdAt: string;
}

export type FileSort = 'captured' | 'uploaded' | 'name';
export type SortOrder = 'asc' | 'desc';

export interface FileQuery {
  /** One album's files; every file when absent. Ignored for the trash. */
  albumId?: string;
  trash?: boolean;
  sort: FileSort;
  order: SortOrder;
  /** Part of a file name. */
  q?: string;
  cursor?: string;
  limit?: number;
}

export interface FilePage {
  files: FileView[];
  /** Where the next page starts; `null` on the last page. */
  nextCursor: string | null;
}

export interface VaultUsage {
  usedBytes: number;
  /** `null`: no limit. */
  quotaBytes: number | null;
}

export type FileVariant = 'original' | 'preview' | 'thumbnail';

export function listFiles(query: FileQuery): Promise<FilePage> {
  const params = new URLSearchParams({ sort: query.sort, order: query.order });
  if (query.trash) params.set('trash', 'true');
  else if (query.albumId !== undefined) params.set('albumId', query.albumId);
  if (query.q) params.set('q', query.q);
  if (query.cursor !== undefined) params.set('cursor', query.cursor);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  return apiGet<FilePage>(`/api/vault/files?${params}`);
}

/** One file, with what the camera recorded (its location only for roles that may download originals). */
export async function getFile(id: string): Promise<FileDetails> {
  const { file } = await apiGet<{ file: FileDetails }>(filePath(id));
  return file;
}

/**
 * Uploads one photo into `albumId` (or into no album), reporting the bytes sent so far.
 * Resolves to the stored file, whose previews are still being made.
 */
export async function uploadFile(
  file: File,
  albumId: string | null,
  options: { onProgress: (sentBytes: number) => void; signal: AbortSignal },
): Promise<FileView> {
  // The name goes in a header, not the URL, which proxies and access logs keep.
  const query = albumId === null ? '' : `?${new URLSearchParams({ albumId })}`;
  const { file: stored } = await apiUpload<{ file: FileView }>(`/api/vault/files${query}`, file, { ...options, headers: { 'X-File-Name': encodeURIComponent(file.name) } });
  return stored;
}

/** A short-lived signed link to the file; the server sends the original as an attachment. */
export async function createDownloadUrl(id: string, variant: FileVariant): Promise<string> {
  const { url } = await apiPost<{ url: string; expiresAt: string }>(`${filePath(id)}/download-url`, { variant });
  return url;
}

/** Asks for the previews to be made again, after they failed. */
export async function retryPreviews(id: string): Promise<void> {
  await apiPost<unknown>(`${filePath(id)}/retry-previews`);
}

/** A live delivery whose client sees some of the files asked about (listFileUses). */
export interface FileUse {
  kind: 'delivery';
  id: string;
  title: string;
  fileIds: string[];
}

/** Where these files are shown outside the library: the live deliveries a trash would take them from. */
export async function listFileUses(fileIds: string[]): Promise<FileUse[]> {
  const { uses } = await apiPost<{ uses: FileUse[] }>('/api/vault/files/uses', { fileIds });
  return uses;
}

/**
 * Moves a file to the trash, where it is kept for 30 days. A file shown in a live delivery is
 * refused (409 `file_in_live_delivery`) unless `confirmed`: the photographer saw the warning.
 */
export function trashFile(id: string, options: { confirmed?: boolean } = {}): Promise<void> {
  return apiDelete<void>(options.confirmed ? `${filePath(id)}?confirm=true` : filePath(id));
}

export async function restoreFile(id: string): Promise<FileView> {
  const { file } = await apiPost<{ file: FileView }>(`${filePath(id)}/restore`);
  return file;
}

/** Deletes everything in the trash for good; resolves to how many files were deleted. */
export async function emptyTrash(): Promise<number> {
  const { purged } = await apiPost<{ purged: number }>('/api/vault/trash/empty');
  return purged;
}

/** Adds files to an album; they stay in their other albums. Resolves to the album, counted again, and how many were not in it yet. */
export function addAlbumFiles(albumId: string, fileIds: string[]): Promise<{ album: Album; added: number }> {
  return apiPost<{ album: Album; added: number }>(`${albumPath(albumId)}/files`, { fileIds });
}

/** Takes files out of an album; they stay in the library and in their other albums. */
export function removeAlbumFiles(albumId: string, fileIds: string[]): Promise<{ album: Album; removed: number }> {
  return apiPost<{ album: Album; removed: number }>(`${albumPath(albumId)}/files/remove`, { fileIds });
}

/** Moves files into one album and out of every other, or out of all (`null`); resolves to how many moved. */
export async function moveFiles(fileIds: string[], albumId: string | null): Promise<number> {
  const { moved } = await apiPost<{ moved: number }>('/api/vault/files/move', { fileIds, albumId });
  return moved;
}

export async function listAlbums(): Promise<Album[]> {
  const { albums } = await apiGet<{ albums: Album[] }>('/api/vault/albums');
  return albums;
}

export async function createAlbum(name: string): Promise<Album> {
  const { album } = await apiPost<{ album: Album }>('/api/vault/albums', { name });
  return album;
}

export async function renameAlbum(id: string, name: string): Promise<Album> {
  const { album } = await apiPatch<{ album: Album }>(albumPath(id), { name });
  return album;
}

/** Deletes the album; the photos in it are kept, in no album. */
export function deleteAlbum(id: string): Promise<void> {
  return apiDelete<void>(albumPath(id));
}

export function getUsage(): Promise<VaultUsage> {
  return apiGet<VaultUsage>('/api/vault/usage');
}

function filePath(id: string): string {
  return `/api/vault/files/${encodeURIComponent(id)}`;
}

function albumPath(id: string): string {
  return `/api/vault/albums/${encodeURIComponent(id)}`;
}

/** How long to wait before each new try of a resumable upload that failed on the way (network, server busy). */
const RESUMABLE_RETRY_DELAYS = [0, 1_000, 3_000, 5_000, 10_000, 20_000, 30_000, 60_000, 60_000, 120_000];
/** One PATCH request at most this big: proxies limit request bodies, and a smaller request is redone faster. */
const RESUMABLE_CHUNK_BYTES = 32 * 1024 * 1024;

/**
 * A resumable upload refused because the library already holds the same photo (409
 * `duplicate_file`): nothing was stored. `existingName` is the name of the photo there, when
 * it could be looked up.
 */
export class DuplicateUploadError extends ApiError {
  readonly existingName: string | null;

  constructor(refusal: ApiError, existingName: string | null) {
    super(refusal.status, refusal.code, refusal.message, refusal.hasServerMessage, { cause: refusal });
    this.name = 'DuplicateUploadError';
    this.existingName = existingName;
  }
}

const DUPLICATE_FILE = 'duplicate_file';

/** The refusal, with the name of the photo the server says is already there (Upload-Duplicate-Of). */
async function duplicateRefusal(refusal: ApiError, error: Error | DetailedError): Promise<DuplicateUploadError> {
  const existingId = 'originalResponse' in error ? error.originalResponse?.getHeader('upload-duplicate-of') : undefined;
  const existingName = existingId ? await getFile(existingId).then((existing) => existing.name, () => null) : null;
  return new DuplicateUploadError(refusal, existingName);
}

/** The server's `{"error":{code,message}}` of a failed tus request, as an ApiError the upload list can explain. */
function resumableError(error: Error | DetailedError): ApiError {
  const response = 'originalResponse' in error ? error.originalResponse : null;
  const status = response?.getStatus() ?? 0;
  if (response) {
    try {
      const body = JSON.parse(response.getBody()) as { error?: { code?: string; message?: string } };
      if (body.error?.code && body.error.message) return new ApiError(status, body.error.code, body.error.message, true, { cause: error });
    } catch {
      // Not our JSON: a proxy's page, say.
    }
  }
  return status === 0
    ? new ApiError(0, 'network_error', 'The upload didn’t reach the server.', false, { cause: error })
    : new ApiError(status, 'unexpected_response', 'The server answered the upload unexpectedly.', false, { cause: error });
}

/**
 * Uploads one photo with the tus protocol (tus-js-client): sent in pieces, retried with
 * backoff when the connection drops, carried on from where it stopped — also after the tab
 * was closed, when the same file is added again (its upload address is kept in this
 * browser's local storage until it completes). Aborting `signal` with PAUSED stops it and
 * keeps what was sent; any other abort cancels it and deletes it on the server. Unless
 * `keepDuplicate`, a photo the library already holds (outside the trash) is refused with a
 * DuplicateUploadError once its bytes are in, and nothing is stored: the person then chooses.
 */
export function uploadFileResumable(
  file: File,
  albumId: string | null,
  options: { onProgress: (sentBytes: number) => void; signal: AbortSignal; keepDuplicate: boolean },
): Promise<FileView> {
  // Loaded on first use: the first bundle stays small for pages that never upload.
  return import('tus-js-client').then(
    ({ Upload, defaultOptions }) =>
      new Promise<FileView>((resolve, reject) => {
        if (options.signal.aborted) return reject(new DOMException('Cancelled', 'AbortError'));
        const upload = new Upload(file, {
          endpoint: new URL('/api/vault/uploads', window.location.origin).href,
          metadata: { filename: file.name, onDuplicate: options.keepDuplicate ? 'keep' : 'skip', ...(albumId === null ? {} : { albumId }) },
          // A file resumes only into the album it was meant for.
          fingerprint: async (input) => ['shutterlock', albumId ?? 'none', input.name, input.type, input.size, input.lastModified].join('/'),
          chunkSize: RESUMABLE_CHUNK_BYTES,
          retryDelays: RESUMABLE_RETRY_DELAYS,
          removeFingerprintOnSuccess: true,
          onProgress: (sent) => options.onProgress(sent),
          onSuccess: ({ lastResponse }) => {
            const fileId = lastResponse.getHeader('upload-file-id');
            if (!fileId) return reject(new ApiError(lastResponse.getStatus(), 'unexpected_response', 'The server did not name the stored file.', false));
            getFile(fileId).then(resolve, reject);
          },
          // tus-js-client retries a 409 (an offset mismatch heals that way); a duplicate never does.
          onShouldRetry: (error, attempt, retryOptions) => resumableError(error).code !== DUPLICATE_FILE && (defaultOptions.onShouldRetry?.(error, attempt, retryOptions) ?? false),
          onError: (error) => {
            const refusal = resumableError(error);
            if (refusal.code !== DUPLICATE_FILE) return reject(refusal);
            // The server deleted the upload: forget its address, so it is not offered for resuming.
            void forgetUpload(upload);
            duplicateRefusal(refusal, error).then(reject);
          },
        });
        options.signal.addEventListener(
          'abort',
          () => {
            const paused = options.signal.reason === PAUSED;
            upload.abort(!paused).catch(() => undefined);
            reject(new DOMException(paused ? 'Paused' : 'Cancelled', 'AbortError'));
          },
          { once: true },
        );
        upload
          .findPreviousUploads()
          .then((previous) => {
            if (options.signal.aborted) return;
            const latest = previous.sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
            if (latest) upload.resumeFromPreviousUpload(latest);
            upload.start();
          })
          .catch(() => upload.start());
      }),
  );
}

async function forgetUpload(upload: TusUpload): Promise<void> {
  const storage = upload.options.urlStorage;
  if (!storage) return;
  for (const previous of await upload.findPreviousUploads().catch(() => [])) await storage.removeUpload(previous.urlStorageKey).catch(() => undefined);
}

/** Uploads this browser began and did not finish (say, before the tab was closed): adding the same files again resumes them. */
export async function unfinishedResumableUploads(): Promise<number> {
  const { canStoreURLs, defaultOptions } = await import('tus-js-client');
  if (!canStoreURLs) return 0;
  return (await defaultOptions.urlStorage.findAllUploads()).filter((upload) => upload.urlStorageKey.startsWith('tus::shutterlock/')).length;
}
