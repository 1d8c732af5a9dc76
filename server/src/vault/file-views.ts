import { NotFoundError } from '../errors.ts';
import type { VaultDeps } from './deps.ts';
import type { ExifSummary } from '../imaging/photo-metadata.ts';
import { type FileRow, listFileAlbumIds } from './repo.ts';
import { type FileMetadata, openFileMetadata, openFileName } from './sealed-fields.ts';
import type { StudioSecretBox } from '../crypto/secret-fields.ts';
import { signedQuery } from '../crypto/signed-urls.ts';
import { studioSecrets, studioSecretsFor } from '../studios/service.ts';
import type { Variant } from './stored-blobs.ts';

/** What the API shows of a file: opened from its sealed columns, with short-lived signed links to its previews. */

export interface FileView {
  id: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
  /** The albums it is in, the one it joined first first. */
  albumIds: string[];
  status: 'processing' | 'ready' | 'failed';
  failureReason: string | null;
  uploadedAt: string;
  capturedAt: string | null;
  deletedAt: string | null;
  width: number | null;
  height: number | null;
  thumbnailUrl: string | null;
  previewUrl: string | null;
}

export interface FileDetails extends FileView {
  exif: ExifSummary;
}

export function fileNotFound(): NotFoundError {
  return new NotFoundError('file_not_found', 'This file does not exist.');
}

/** Downloads through the vault's own route carry this scope; deliveries and labs sign with theirs. */
export const VAULT_SCOPE = 'vault';

export async function signedFileUrl(deps: VaultDeps, fileId: string, variant: Variant): Promise<{ url: string; expiresAt: string }> {
  const expiresAt = deps.now() + deps.config.downloadUrlSeconds * 1000;
  const params = await deps.signer.sign({ scope: VAULT_SCOPE, fileId, variant }, expiresAt);
  // The signature carries whole seconds; so does the expiry we report.
  return { url: `/api/files/${fileId}/${variant}?${signedQuery(params)}`, expiresAt: new Date(Number(params.exp) * 1000).toISOString() };
}

function visibleStatus(row: FileRow): FileView['status'] {
  if (row.status === 'ready' || row.status === 'failed') return row.status;
  return 'processing';
}

export async function fileView(deps: VaultDeps, row: FileRow, name: string, metadata: FileMetadata, albumIds: string[]): Promise<FileView> {
  const ready = row.status === 'ready' && row.deleted_at === null;
  // The trash shows thumbnails too, so two photos of one name can be told apart before one is
  // deleted for good; the preview and the original stay out of reach until it is restored.
  const thumbnail = row.status === 'ready';
  return {
    id: row.id,
    name,
    type: row.media_type,
    size: row.size,
    sha256: metadata.sha256,
    albumIds,
    status: visibleStatus(row),
    failureReason: row.failure_reason,
    uploadedAt: new Date(row.uploaded_at).toISOString(),
    capturedAt: metadata.photo.capturedAt,
    deletedAt: row.deleted_at === null ? null : new Date(row.deleted_at).toISOString(),
    width: metadata.width,
    height: metadata.height,
    thumbnailUrl: thumbnail ? (await signedFileUrl(deps, row.id, 'thumbnail')).url : null,
    previewUrl: ready ? (await signedFileUrl(deps, row.id, 'preview')).url : null,
  };
}

/** A file's sealed columns, opened. */
export interface OpenedFile {
  name: string;
  metadata: FileMetadata;
}

/** A stored row has both sealed columns once its upload completed; only those rows reach the API. */
export async function openFile(deps: VaultDeps, row: FileRow, secrets?: StudioSecretBox): Promise<OpenedFile> {
  if (row.name_sealed === null || row.metadata_sealed === null) throw new Error(`File ${row.id} has no sealed metadata.`);
  const box = secrets ?? (await studioSecrets(deps, row.studio_id));
  const [name, metadata] = await Promise.all([openFileName(box, row.id, row.name_sealed), openFileMetadata(box, row.id, row.metadata_sealed)]);
  return { name, metadata };
}

export async function fileViews(deps: VaultDeps, rows: readonly FileRow[]): Promise<FileView[]> {
  const secretsOf = studioSecretsFor(deps);
  const albums = await listFileAlbumIds(deps.db, rows.map((row) => row.id));
  return Promise.all(
    rows.map(async (row) => {
      const { name, metadata } = await openFile(deps, row, await secretsOf(row.studio_id));
      return fileView(deps, row, name, metadata, albums.get(row.id) ?? []);
    }),
  );
}

export async function fileDetails(deps: VaultDeps, row: FileRow): Promise<FileDetails> {
  const [{ name, metadata }, albums] = await Promise.all([openFile(deps, row), listFileAlbumIds(deps.db, [row.id])]);
  return { ...(await fileView(deps, row, name, metadata, albums.get(row.id) ?? [])), exif: metadata.photo.exif };
}
