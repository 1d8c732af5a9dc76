import { apiDelete, apiGet, apiPatch, apiPost, apiUpload } from './client';

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
  albumId: string | null;
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

/** One file, with what the camera recorded (its location included). */
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

/** Moves files into an album, or out of any (`null`); resolves to how many moved. */
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
