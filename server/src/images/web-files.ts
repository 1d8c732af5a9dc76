import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { generateBase64UrlSecret } from '../crypto/tokens.ts';
import { NotFoundError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import type { ImagesDeps } from './deps.ts';
import { type WebFileRow, deleteStudioWebFile, findStudioWebFile, findWebFileByPublicId, insertWebFile, listStudioWebFiles } from './repo.ts';

/**
 * Vault files the photographer marked usable on the web. A published file is named in image
 * URLs by an opaque public id (128 random bits), never by its file id or name; the mapping is
 * the image service's own table, and the file itself is reached only through the vault's
 * interface, with the studio the row names. Unpublishing deletes the row, so the very next
 * request answers 404 (cached results are found only after that row is).
 */

/** How a published file is written as the `{source}` of an image URL (both formats). */
export const OWN_SOURCE_PREFIX = 'vault:';
const PUBLIC_ID = /^[A-Za-z0-9_-]{22}$/;

export interface WebUsage {
  publicId: string | null;
  source: string | null;
}

export function ownSource(publicId: string): string {
  return `${OWN_SOURCE_PREFIX}${publicId}`;
}

/** A published file as the URL builder offers it: the name the studio knows it by, and what goes in a URL. */
export interface WebFileView {
  fileId: string;
  name: string;
  publicId: string;
  source: string;
  publishedAt: string;
}

/** The most the list answers: a picker, not an export; `truncated` says when there are more. */
export const webFileListLimit = 500;

/**
 * The studio's files usable in image URLs, the latest published first, named as in the library
 * (through the vault's interface, with the studio's own id, so a file in the trash is left out:
 * its URLs answer 404 too).
 */
export async function listWebFiles(deps: ImagesDeps, actor: StudioActor): Promise<{ files: WebFileView[]; truncated: boolean }> {
  const rows = await listStudioWebFiles(deps.db, actor.studioId, webFileListLimit + 1);
  const shown = rows.slice(0, webFileListLimit);
  const names = new Map((await deps.vault.find(actor.studioId, shown.map((row) => row.file_id))).map((file) => [file.id, file.name]));
  const files = shown.flatMap((row) => {
    const name = names.get(row.file_id);
    return name === undefined ? [] : [{ fileId: row.file_id, name, publicId: row.public_id, source: ownSource(row.public_id), publishedAt: new Date(row.created_at).toISOString() }];
  });
  return { files, truncated: rows.length > webFileListLimit };
}

function fileNotFound(): NotFoundError {
  return new NotFoundError('file_not_found', 'This file does not exist.');
}

export async function setFileWebUsage(deps: ImagesDeps, actor: StudioActor, fileId: string, published: boolean): Promise<WebUsage> {
  const [file] = await deps.vault.find(actor.studioId, [fileId]);
  if (!file) throw fileNotFound();
  if (!published) {
    await deleteStudioWebFile(deps.db, actor.studioId, fileId);
    await recordAudit(deps.db, { ...auditContext(actor), action: 'images.file_unpublished', details: { fileId } });
    return { publicId: null, source: null };
  }
  const existing = await findStudioWebFile(deps.db, actor.studioId, fileId);
  if (existing) return { publicId: existing.public_id, source: ownSource(existing.public_id) };
  await insertWebFile(deps.db, { file_id: fileId, studio_id: actor.studioId, public_id: generateBase64UrlSecret(16), created_at: deps.now() });
  // Read back: a concurrent publish of the same file may have won, and its id is the one.
  const row = await findStudioWebFile(deps.db, actor.studioId, fileId);
  if (!row) throw fileNotFound();
  await recordAudit(deps.db, { ...auditContext(actor), action: 'images.file_published', details: { fileId } });
  return { publicId: row.public_id, source: ownSource(row.public_id) };
}

/** The published file a source names, in the studio of the key that signed it; undefined otherwise (another studio's id included). */
export async function publishedFile(deps: ImagesDeps, studioId: string, source: string): Promise<WebFileRow | undefined> {
  const publicId = source.slice(OWN_SOURCE_PREFIX.length);
  if (!PUBLIC_ID.test(publicId)) return undefined;
  const row = await findWebFileByPublicId(deps.db, publicId);
  return row && row.studio_id === studioId ? row : undefined;
}
