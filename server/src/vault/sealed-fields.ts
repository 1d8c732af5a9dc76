import type { SecretBox, StudioSecretBox } from '../crypto/secret-fields.ts';
import type { PhotoMetadata } from '../imaging/photo-metadata.ts';

/**
 * The vault's sealed columns (crypto/secret-fields.ts): file names, file metadata and album
 * names, sealed under the studio's data key so that crypto-erasing the studio erases them too.
 * The block hashes of unencrypted originals stay under the master key (a plain studio has
 * nothing to crypto-erase). The associated data names the row, so a value copied to another row fails to open.
 * Names are sealed apart from the rest so that sorting and searching by name opens only
 * small values. key-protected.ts declares the same columns for rotation, with these purposes.
 */

export const sealedPurposes = {
  fileName: 'vault-file-name',
  fileMetadata: 'vault-file-metadata',
  fileBlocks: 'vault-file-blocks',
  albumName: 'vault-album-name',
  uploadName: 'vault-upload-name',
} as const;

export const sealedAssociatedData = {
  fileName: (fileId: string) => `vault_files/${fileId}/name`,
  fileMetadata: (fileId: string) => `vault_files/${fileId}`,
  fileBlocks: (fileId: string) => `vault_files/${fileId}/blocks`,
  albumName: (albumId: string) => `vault_albums/${albumId}`,
  uploadName: (uploadId: string) => `vault_resumable_uploads/${uploadId}/name`,
};

export interface FileMetadata {
  /** Hex SHA-256 of the original: its ETag, and the integrity check of plain (unencrypted) files. */
  sha256: string;
  width: number | null;
  height: number | null;
  photo: PhotoMetadata;
  /** ThumbHash (base64) of the picture, added when its previews are made: the gallery's placeholder. */
  thumbhash?: string;
  /**
   * Hex SHA-256 of the thumbnail and the preview, added when they are made: the integrity check
   * of a plain (unencrypted) studio's previews. Absent for previews made by older releases.
   */
  previewSha256?: { thumbnail: string; preview: string };
}

export async function sealFileName(secrets: StudioSecretBox, fileId: string, name: string): Promise<string> {
  return secrets.seal(name, sealedPurposes.fileName, sealedAssociatedData.fileName(fileId));
}

export async function openFileName(secrets: StudioSecretBox, fileId: string, sealed: string): Promise<string> {
  return (await secrets.open(sealed, sealedPurposes.fileName, sealedAssociatedData.fileName(fileId))).toString('utf8');
}

export async function sealFileMetadata(secrets: StudioSecretBox, fileId: string, metadata: FileMetadata): Promise<string> {
  return secrets.seal(JSON.stringify(metadata), sealedPurposes.fileMetadata, sealedAssociatedData.fileMetadata(fileId));
}

export async function openFileMetadata(secrets: StudioSecretBox, fileId: string, sealed: string): Promise<FileMetadata> {
  return JSON.parse((await secrets.open(sealed, sealedPurposes.fileMetadata, sealedAssociatedData.fileMetadata(fileId))).toString('utf8')) as FileMetadata;
}

/** The SHA-256 digests of an unencrypted original's blocks, end to end (block-hashes.ts). */
export async function sealFileBlocks(secrets: SecretBox, fileId: string, digests: Buffer): Promise<string> {
  return secrets.seal(digests.toString('base64'), sealedPurposes.fileBlocks, sealedAssociatedData.fileBlocks(fileId));
}

export async function openFileBlocks(secrets: SecretBox, fileId: string, sealed: string): Promise<Buffer> {
  return Buffer.from((await secrets.open(sealed, sealedPurposes.fileBlocks, sealedAssociatedData.fileBlocks(fileId))).toString('utf8'), 'base64');
}

export async function sealAlbumName(secrets: StudioSecretBox, albumId: string, name: string): Promise<string> {
  return secrets.seal(name, sealedPurposes.albumName, sealedAssociatedData.albumName(albumId));
}

export async function openAlbumName(secrets: StudioSecretBox, albumId: string, sealed: string): Promise<string> {
  return (await secrets.open(sealed, sealedPurposes.albumName, sealedAssociatedData.albumName(albumId))).toString('utf8');
}

/** The name a resumable upload was announced with, until it becomes a file (resumable.ts). */
export async function sealUploadName(secrets: StudioSecretBox, uploadId: string, name: string): Promise<string> {
  return secrets.seal(name, sealedPurposes.uploadName, sealedAssociatedData.uploadName(uploadId));
}

export async function openUploadName(secrets: StudioSecretBox, uploadId: string, sealed: string): Promise<string> {
  return (await secrets.open(sealed, sealedPurposes.uploadName, sealedAssociatedData.uploadName(uploadId))).toString('utf8');
}
