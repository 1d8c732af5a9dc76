import { auditContext, recordAudit } from '../audit/audit-log.ts';
import type { StudioActor } from '../http/access.ts';
import type { JobHandler } from '../jobs/runner.ts';
import type { VaultDeps } from './deps.ts';
import { DAY_MS } from './days.ts';
import { AppError } from '../errors.ts';
import { eraseStudioUploads, purgeExpiredUploads } from './resumable.ts';
import { type FileRow, claimStaleUploads, deleteFileRow, listPurgeable, listStalePendingBlobs, markStudioPurging, markTrashPurging, releasePendingBlobs } from './repo.ts';

/**
 * Removing files for good: the trash emptied by hand, trash older than 30 days, uploads
 * abandoned by a crash (no sign of life for VAULT_STALE_UPLOAD_SECONDS), preview blobs a
 * crash left unnamed (vault_pending_blobs) and resumable uploads past their expiry
 * (resumable.ts). Files are first marked `purging` (so a restore can't race the
 * deletion), then their blobs are deleted, then their rows: a failure leaves the row marked,
 * and the next purge finishes the job. Nothing ever leaves a blob without its row.
 */

export const PURGE_JOB = 'vault.purge';
const TRASH_RETENTION_MS = 30 * DAY_MS;
const BATCH = 100;

async function purgeFile(deps: VaultDeps, file: FileRow): Promise<void> {
  for (const key of [file.blob_key, file.thumbnail_key, file.preview_key]) if (key) await deps.blobs.delete(key);
  await deleteFileRow(deps.db, file.id);
}

/** Purges the marked files (and, given `staleBefore`, abandoned uploads); returns how many trashed files each studio lost. */
async function purgeMarked(deps: VaultDeps, filter: { studioId?: string; abandoned?: boolean }): Promise<Map<string, number>> {
  const purged = new Map<string, number>();
  for (;;) {
    const batch = await listPurgeable(deps.db, filter, BATCH);
    let failed = false;
    for (const file of batch) {
      try {
        await purgeFile(deps, file);
        if (file.status === 'purging') purged.set(file.studio_id, (purged.get(file.studio_id) ?? 0) + 1);
      } catch (error) {
        failed = true;
        deps.logger.error({ err: error, fileId: file.id }, 'could not purge a file; the next purge retries');
      }
    }
    // A failing store would hand back the same batch forever: leave the rest for the next run.
    if (failed || batch.length < BATCH) return purged;
  }
}

export async function emptyTrash(deps: VaultDeps, actor: StudioActor): Promise<number> {
  await markTrashPurging(deps.db, { studioId: actor.studioId });
  const purged = (await purgeMarked(deps, { studioId: actor.studioId })).get(actor.studioId) ?? 0;
  await recordAudit(deps.db, { action: 'vault.trash_emptied', ...auditContext(actor), details: { studioId: actor.studioId, files: purged } });
  return purged;
}

/**
 * Blobs written but never named by a row (a process killed between writing a file's new
 * previews and taking them): each stale pending row is claimed (deleted) first, then its blob
 * deleted, so a writer that takes its blobs at the last moment and the purge never both win.
 */
async function purgePendingBlobs(deps: VaultDeps, before: number): Promise<void> {
  for (;;) {
    const keys = await listStalePendingBlobs(deps.db, before, BATCH);
    for (const key of keys) {
      if ((await releasePendingBlobs(deps.db, [key])) === 1) await deps.blobs.delete(key);
    }
    if (keys.length < BATCH) return;
  }
}

export async function purgeExpiredTrash(deps: VaultDeps): Promise<void> {
  const now = deps.now();
  const staleBefore = now - deps.config.staleUploadSeconds * 1000;
  await markTrashPurging(deps.db, { deletedBefore: now - TRASH_RETENTION_MS });
  // Uploads with no sign of life for the stale delay: their process died mid-upload.
  await claimStaleUploads(deps.db, staleBefore);
  for (const [studioId, files] of await purgeMarked(deps, { abandoned: true })) {
    await recordAudit(deps.db, { action: 'vault.trash_purged', details: { studioId, files } });
  }
  await purgePendingBlobs(deps, staleBefore);
}

/**
 * A deleted studio's files (its data key already destroyed): every blob, then every row.
 * Throws while any remain, so the job that runs it retries.
 */
export async function eraseStudioFiles(deps: VaultDeps, studioId: string): Promise<number> {
  await eraseStudioUploads(deps, studioId);
  await markStudioPurging(deps.db, studioId);
  const purged = (await purgeMarked(deps, { studioId })).get(studioId) ?? 0;
  if ((await listPurgeable(deps.db, { studioId }, 1)).length > 0) throw new AppError('erase_incomplete', 'Some of the studio’s files could not be deleted yet.', 500);
  return purged;
}

export function purgeJobHandler(deps: VaultDeps): JobHandler {
  return {
    kind: PURGE_JOB,
    run: async () => {
      await purgeExpiredTrash(deps);
      await purgeExpiredUploads(deps);
    },
  };
}
