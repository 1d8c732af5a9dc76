import type { StudioSecretBox } from '../crypto/secret-fields.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import type { JobHandler } from '../jobs/runner.ts';
import type { VaultDeps } from './deps.ts';
import { findFileWithContent, listFilesWithoutContentDigest, setContentDigest } from './repo.ts';
import { studioSecretsFor } from '../studios/service.ts';
import { openFileMetadata } from './sealed-fields.ts';

/**
 * Duplicate detection on upload (docs/vault.md, "Duplicates"). A file's SHA-256 stays sealed
 * in its metadata; what the database can search is its blind index (`content_digest`: HMAC of
 * the SHA-256 under a key derived from the studio's data key, crypto/secret-fields.ts), so a
 * new upload finds the studio's files with the same content, and a copy of the database alone
 * cannot tell whether a studio holds a given photo. Only visible files outside the trash count:
 * a photo in the trash was put there on purpose, and uploading it again is taken as new.
 */

/** What an upload does when its content is already in the studio: store it anyway (the default) or refuse it. */
export type OnDuplicate = 'keep' | 'skip';

export const ON_DUPLICATE_CHOICES: readonly OnDuplicate[] = ['keep', 'skip'];

const CONTENT_INDEX_PURPOSE = 'vault-file-content';

export const CONTENT_DIGESTS_JOB = 'vault.content-digests';

const BACKFILL_PAGE = 200;

export function contentDigest(secrets: StudioSecretBox, sha256: string): string {
  return secrets.blindIndex(sha256, CONTENT_INDEX_PURPOSE);
}

/** 409 `duplicate_file`, naming the file already there in `Upload-Duplicate-Of` (a member who may upload may list it too). */
function duplicateFile(existingId: string): AppError {
  return new AppError('duplicate_file', 'This photo is already in the library; it was not stored again.', 409, { headers: { 'upload-duplicate-of': existingId } });
}

/**
 * The studio's oldest other file with this content, or null; with `skip`, such a file refuses
 * the upload instead. Asked before the decode (so a skipped copy costs no decode) and again
 * under the studio lock as the upload commits, where concurrent uploads of one photo queue.
 */
export async function findDuplicate(db: Db, upload: { studioId: string; fileId: string; contentDigest: string; onDuplicate: OnDuplicate }): Promise<string | null> {
  const existing = await findFileWithContent(db, upload.studioId, upload.contentDigest, upload.fileId);
  if (existing && upload.onDuplicate === 'skip') throw duplicateFile(existing);
  return existing ?? null;
}

/**
 * Files stored before duplicate detection have no blind index, and the database cannot make
 * one (the key is not in it): this job opens their sealed SHA-256 and adds it, a page at a
 * time. Scheduled daily and run at the first start after the upgrade; once every file has one,
 * a run is one empty query. Until then, an older file is not found as a duplicate.
 */
export async function backfillContentDigests(deps: VaultDeps, signal?: AbortSignal): Promise<number> {
  const secretsOf = studioSecretsFor(deps);
  let filled = 0;
  let afterId = '';
  for (;;) {
    signal?.throwIfAborted();
    const page = await listFilesWithoutContentDigest(deps.db, afterId, BACKFILL_PAGE);
    for (const file of page) {
      if (file.metadata_sealed === null) continue;
      try {
        const metadata = await openFileMetadata(await secretsOf(file.studio_id), file.id, file.metadata_sealed);
        await setContentDigest(deps.db, file.studio_id, file.id, contentDigest(await secretsOf(file.studio_id), metadata.sha256));
        filled += 1;
      } catch (error) {
        // One unreadable row (scrub reports it) must not hold back the others.
        deps.logger.warn({ err: error, fileId: file.id }, 'could not index a file’s content for duplicate detection');
      }
    }
    if (page.length < BACKFILL_PAGE) return filled;
    afterId = page.at(-1)!.id;
  }
}

export function contentDigestsJobHandler(deps: VaultDeps): JobHandler {
  return { kind: CONTENT_DIGESTS_JOB, run: async (_payload, { signal }) => void (await backfillContentDigests(deps, signal)) };
}
