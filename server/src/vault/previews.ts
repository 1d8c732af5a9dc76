import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { StudioActor } from '../http/access.ts';
import type { Db } from '../db/database.ts';
import type { JobHandler } from '../jobs/runner.ts';
import { studioDataKey, studioSecrets } from '../studios/service.ts';
import type { VaultDeps } from './deps.ts';
import { auditIntegrityFailure, isIntegrityFailure } from './downloads.ts';
import { type FileView, fileNotFound, fileViews, openFile } from './file-views.ts';
import type { RenderedPreviews } from '../imaging/images.ts';
import { ImagingFailure } from '../imaging/pool.ts';
import { PreviewUnavailable } from '../imaging/refusals.ts';
import { type FileRow, findFileById, findStudioFile, insertPendingBlobs, releasePendingBlobs, setPreviewsFailed, setPreviewsReady, setProcessing } from './repo.ts';
import { inTransaction } from '../db/database.ts';
import { type FileMetadata, sealFileMetadata } from './sealed-fields.ts';
import { newBlobKey, plaintextPieces, storedBlob, writeBlob } from './stored-blobs.ts';

/**
 * Thumbnails and large previews, made by a job off the request path (jobs/runner.ts): the
 * original is decrypted and streamed to a decoder child (imaging/pool.ts), which holds it in
 * memory (so only files up to VAULT_MAX_DECODE_BYTES get previews) and renders it
 * (imaging/previews.ts: RAW files from their largest embedded JPEG); both results are
 * stored encrypted as blobs of their own. Failures that retrying can't fix mark
 * the file `failed` with a reason at once; others are retried, then marked.
 */

const PREVIEWS_JOB = 'vault.previews';


export async function enqueuePreviews(deps: VaultDeps, db: Db, fileId: string): Promise<void> {
  await deps.jobs.queue.enqueue(db, { kind: PREVIEWS_JOB, key: fileId, payload: { fileId } });
}

/** The purge claimed the new blobs before the job could take them (it stalled past the stale delay): made again on retry. */
class PendingBlobsLost extends Error {}

async function storePreviews(deps: VaultDeps, file: FileRow, dataKey: Buffer | null, rendered: RenderedPreviews, metadata: FileMetadata): Promise<void> {
  // The ThumbHash joins the file's sealed metadata: it is a (tiny, blurred) picture of the photo.
  // So do the previews' SHA-256, which a plain blob is checked against when it is read.
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const previewSha256 = { thumbnail: sha256(rendered.thumbnail), preview: sha256(rendered.preview) };
  const metadataSealed = await sealFileMetadata(await studioSecrets(deps, file.studio_id), file.id, { ...metadata, thumbhash: rendered.thumbhash, previewSha256 });
  const keys = { thumbnailKey: newBlobKey(file.studio_id), previewKey: newBlobKey(file.studio_id), metadataSealed };
  const written = [keys.thumbnailKey, keys.previewKey];
  // Recorded before they are written, so a crash before they are taken leaves nothing unnamed (purge.ts).
  await insertPendingBlobs(deps.db, file.studio_id, written, deps.now());
  await writeBlob(deps.blobs, storedBlob(keys.thumbnailKey, file.id, 'thumbnail', dataKey), Readable.from([rendered.thumbnail]));
  await writeBlob(deps.blobs, storedBlob(keys.previewKey, file.id, 'preview', dataKey), Readable.from([rendered.preview]));
  // Only a file still waiting for previews takes them: one trashed and purged meanwhile does not.
  const outcome = await inTransaction(deps.db, async (trx) => {
    if ((await releasePendingBlobs(trx, written)) !== written.length) return 'lost' as const;
    return (await setPreviewsReady(trx, file.id, keys)) ? ('taken' as const) : ('unwanted' as const);
  });
  const unused = outcome === 'taken' ? [file.thumbnail_key, file.preview_key] : written;
  for (const key of unused) if (key) await deps.blobs.delete(key);
  if (outcome === 'lost') throw new PendingBlobsLost('The new previews were purged before they were taken.');
}

async function generatePreviews(deps: VaultDeps, fileId: string): Promise<void> {
  const file = await findFileById(deps.db, fileId);
  if (!file || file.status !== 'processing') return;
  try {
    if (file.size > deps.config.maxDecodeBytes) throw new PreviewUnavailable('too_large_to_preview');
    const dataKey = file.encrypted ? await studioDataKey(deps, file.studio_id) : null;
    const { metadata } = await openFile(deps, file);
    // Opened as the pool reads it, closed when it stops; each chunk authenticated before it goes.
    const original = plaintextPieces(deps.blobs, storedBlob(file.blob_key, file.id, 'original', dataKey));
    const rendered = await deps.imaging.run('previews', original, { mediaType: file.media_type, orientation: metadata.photo.orientation, maxPixels: deps.config.maxPixels });
    await storePreviews(deps, file, dataKey, rendered, metadata);
  } catch (error) {
    if (error instanceof PreviewUnavailable) return setPreviewsFailed(deps.db, fileId, error.reason);
    // A decoder that crashed, hung or overran its memory on this file will again: final. A busy pool is retried.
    if (error instanceof ImagingFailure && error.reason !== 'busy' && error.reason !== 'closed') return setPreviewsFailed(deps.db, fileId, 'undecodable');
    if (isIntegrityFailure(error)) {
      await auditIntegrityFailure(deps, file, 'original', 'previews', error);
      return setPreviewsFailed(deps.db, fileId, 'integrity_check_failed');
    }
    throw error;
  }
}

export function previewsJobHandler(deps: VaultDeps): JobHandler {
  const fileIdOf = (payload: unknown): string => (payload as { fileId: string }).fileId;
  return {
    kind: PREVIEWS_JOB,
    run: (payload) => generatePreviews(deps, fileIdOf(payload)),
    giveUp: (payload) => setPreviewsFailed(deps.db, fileIdOf(payload), 'preview_generation_failed'),
  };
}

/** Makes the previews again, after a failure or to replace them; a file already waiting for them is left as it is. */
export async function retryPreviews(deps: VaultDeps, actor: StudioActor, fileId: string): Promise<FileView> {
  const file = await findStudioFile(deps.db, actor.studioId, fileId);
  if (!file || file.deleted_at !== null) throw fileNotFound();
  if (await setProcessing(deps.db, actor.studioId, fileId)) {
    await enqueuePreviews(deps, deps.db, fileId);
    deps.jobs.wake();
  }
  const [view] = await fileViews(deps, [(await findStudioFile(deps.db, actor.studioId, fileId)) ?? file]);
  return view as FileView;
}
