import { auditContext, recordAudit } from '../audit/audit-log.ts';
import type { StudioActor } from '../http/access.ts';
import { generateId } from '../crypto/tokens.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { VaultDeps } from './deps.ts';
import { cleanText, compareNames } from '../text.ts';
import { type AlbumRow, deleteAlbumRow, findStudioAlbum, insertAlbum, listStudioAlbums, renameAlbum } from './repo.ts';
import { openAlbumName, sealAlbumName } from './sealed-fields.ts';
import type { StudioSecretBox } from '../crypto/secret-fields.ts';
import { studioSecrets } from '../studios/service.ts';

/**
 * Albums are collections of a studio's files: a file may be in several, or in none. Album
 * names are sealed like file names, so lists are sorted after opening them. Deleting an album
 * never deletes its files: they stay in their other albums, or in none.
 */

export interface AlbumView {
  id: string;
  name: string;
  fileCount: number;
  createdAt: string;
  updatedAt: string;
}

const MAX_ALBUM_NAME = 200;

function albumName(input: string): string {
  const name = cleanText(input);
  if (name.length === 0 || Array.from(name).length > MAX_ALBUM_NAME) {
    throw new AppError('album_name_invalid', `An album name must be 1 to ${MAX_ALBUM_NAME} visible characters.`, 400);
  }
  return name;
}

function albumNotFound(): NotFoundError {
  return new NotFoundError('album_not_found', 'This album does not exist.');
}

export async function requireAlbum(deps: VaultDeps, studioId: string, albumId: string): Promise<AlbumRow> {
  const album = await findStudioAlbum(deps.db, studioId, albumId);
  if (!album) throw albumNotFound();
  return album;
}

async function albumView(secrets: StudioSecretBox, row: AlbumRow, fileCount: number): Promise<AlbumView> {
  return {
    id: row.id,
    name: await openAlbumName(secrets, row.id, row.name_sealed),
    fileCount,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export async function listAlbums(deps: VaultDeps, actor: StudioActor): Promise<AlbumView[]> {
  const rows = await listStudioAlbums(deps.db, actor.studioId);
  const secrets = await studioSecrets(deps, actor.studioId);
  const albums = await Promise.all(rows.map((row) => albumView(secrets, row, row.file_count)));
  return albums.sort((a, b) => compareNames(a.name, b.name) || a.id.localeCompare(b.id));
}

export async function albumViewById(deps: VaultDeps, actor: StudioActor, albumId: string): Promise<AlbumView> {
  const [row] = await listStudioAlbums(deps.db, actor.studioId, albumId);
  if (!row) throw albumNotFound();
  return albumView(await studioSecrets(deps, actor.studioId), row, row.file_count);
}

export async function createAlbum(deps: VaultDeps, actor: StudioActor, name: string): Promise<AlbumView> {
  const id = generateId();
  await insertAlbum(deps.db, { id, studioId: actor.studioId, nameSealed: await sealAlbumName(await studioSecrets(deps, actor.studioId), id, albumName(name)), now: deps.now() });
  return albumViewById(deps, actor, id);
}

export async function updateAlbum(deps: VaultDeps, actor: StudioActor, albumId: string, name: string): Promise<AlbumView> {
  const sealed = await sealAlbumName(await studioSecrets(deps, actor.studioId), albumId, albumName(name));
  if (!(await renameAlbum(deps.db, actor.studioId, albumId, sealed, deps.now()))) throw albumNotFound();
  return albumViewById(deps, actor, albumId);
}

export async function deleteAlbum(deps: VaultDeps, actor: StudioActor, albumId: string): Promise<void> {
  if (!(await deleteAlbumRow(deps.db, actor.studioId, albumId))) throw albumNotFound();
  await recordAudit(deps.db, { action: 'vault.album_deleted', ...auditContext(actor), details: { studioId: actor.studioId, albumId } });
}
