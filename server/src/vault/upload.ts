import { type Hash, createHash } from 'node:crypto';
import type { StudioActor } from '../http/access.ts';
import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { generateId } from '../crypto/tokens.ts';
import { type Db, inTransaction } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { lockStudio, studioDataKey, studioSecrets, studioSettings } from '../studios/service.ts';
import { requireAlbum } from './albums.ts';
import type { VaultDeps } from './deps.ts';
import { safeFileName } from './file-names.ts';
import { type PhotoType, SNIFF_BYTES, detectPhotoType } from '../imaging/file-types.ts';
import { type FileView, fileNotFound, fileView } from './file-views.ts';
import { inspectStoredPhoto } from './inspection.ts';
import { captureDay } from '../imaging/photo-metadata.ts';
import { ImagingFailure } from '../imaging/pool.ts';
import { enqueuePreviews } from './previews.ts';
import { dayOf } from './days.ts';
import { completeUpload, deleteFileRow, findStudioFile, insertPlainBlocks, insertUploadingFile, listFileAlbumIds, touchUpload, usedBytes } from './repo.ts';
import { reservedUploadBytes } from './resumable-repo.ts';
import { type FileMetadata, sealFileBlocks, sealFileMetadata, sealFileName } from './sealed-fields.ts';
import { BlockHasher } from './block-hashes.ts';
import { type OnDuplicate, contentDigest, findDuplicate } from './duplicates.ts';
import { newBlobKey, storedBlob, writeBlob } from './stored-blobs.ts';
import type { ScanSession } from '../clamav/virus-scanner.ts';

/**
 * An upload, streamed: request body → size, quota, SHA-256 and type checks (the first bytes
 * are held back until sniffed) → virus scan (when clamd is configured) → chunked encryption
 * → the blob store, under a random key. Plaintext never touches the disk and memory stays
 * flat whatever the size. Once stored, the file is inspected (inspection.ts), its name and
 * metadata are sealed into its row, and its previews are queued. Any failure deletes the
 * blob and the row: nothing is left behind. The studio's other files with the same content are
 * found by the blind index of its SHA-256 (duplicates.ts): named in the answer, or, when the
 * client asked to skip duplicates, the reason the upload is refused.
 */

export interface UploadInput {
  albumId?: string;
  name?: string;
  /** What to do when the studio already has this content outside the trash; `keep` when absent. */
  onDuplicate?: OnDuplicate;
  /** Content-Length, when the client sent one: lets an oversized upload be refused before it is read. */
  declaredLength?: number;
  body: AsyncIterable<Uint8Array>;
}

function fileTooLarge(maxBytes: number): AppError {
  return new AppError('file_too_large', `Files can be at most ${maxBytes} bytes.`, 413);
}

function quotaExceeded(): AppError {
  return new AppError('quota_exceeded', 'This upload would exceed the studio’s storage quota.', 413);
}

function typeNotAllowed(): AppError {
  return new AppError('file_type_not_allowed', 'Only photos can be uploaded: JPEG, PNG, WebP, AVIF, HEIC, TIFF, GIF and camera RAW files.', 415);
}

function fileInfected(): AppError {
  return new AppError('file_infected', 'The virus scanner found malware in this file; it was not stored.', 422);
}

/** What the stream has shown so far: size against the limits, the hash (and block hashes, for a plain blob), and the type once sniffed. */
class ReceivedBytes {
  size = 0;
  type: PhotoType | undefined;
  /** Only for a blob stored unencrypted, whose ranges are verified by block (block-hashes.ts). */
  readonly blocks: BlockHasher | null;
  readonly #hash: Hash = createHash('sha256');
  readonly #maxBytes: number;
  readonly #quotaLeft: number;
  readonly #claimedName: string | undefined;

  constructor(limits: { maxBytes: number; quotaLeft: number }, claimedName: string | undefined, hashBlocks: boolean) {
    this.blocks = hashBlocks ? new BlockHasher() : null;
    this.#maxBytes = limits.maxBytes;
    this.#quotaLeft = limits.quotaLeft;
    this.#claimedName = claimedName;
  }

  get sha256(): string {
    return this.#hash.copy().digest('hex');
  }

  add(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    checkLength(this.size, this.#maxBytes, this.#quotaLeft);
    this.#hash.update(chunk);
    this.blocks?.update(chunk);
  }

  async sniff(head: Buffer): Promise<void> {
    this.type = await detectPhotoType(head.subarray(0, SNIFF_BYTES), this.#claimedName);
    if (!this.type) throw typeNotAllowed();
  }

  /** Passes the bytes on, except the first ones, which wait until their type is known to be a photo. */
  async *inspect(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    const held: Uint8Array[] = [];
    let heldBytes = 0;
    for await (const chunk of source) {
      this.add(chunk);
      if (this.type) {
        yield chunk;
        continue;
      }
      held.push(chunk);
      heldBytes += chunk.byteLength;
      if (heldBytes >= SNIFF_BYTES) {
        await this.sniff(Buffer.concat(held));
        yield* held.splice(0);
      }
    }
    if (this.size === 0) throw new AppError('file_empty', 'The upload is empty.', 400);
    if (!this.type) {
      await this.sniff(Buffer.concat(held));
      yield* held;
    }
  }
}

function checkLength(size: number, maxBytes: number, quotaLeft: number): void {
  if (size > maxBytes) throw fileTooLarge(maxBytes);
  if (size > quotaLeft) throw quotaExceeded();
}

async function* scanned(source: AsyncIterable<Uint8Array>, scan: ScanSession): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    await scan.write(chunk);
    yield chunk;
  }
}

function uploadInterrupted(): AppError {
  return new AppError('upload_interrupted', 'The upload was interrupted; please try again.', 409);
}

/**
 * While the body streams, the row's sign of life is renewed (a quarter of the stale delay at
 * most), so the purge takes only uploads whose process died. Should the purge have claimed it
 * all the same (a stall longer than the delay), the stream stops with `upload_interrupted`.
 */
function keepUploadAlive(deps: VaultDeps, fileId: string): { guard(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array>; stop(): void } {
  let lost = false;
  const timer = setInterval(
    () => {
      touchUpload(deps.db, fileId, deps.now()).then(
        (held) => {
          if (!held) lost = true;
        },
        (error: unknown) => deps.logger.warn({ err: error, fileId }, 'could not renew an upload; will retry'),
      );
    },
    Math.max(1_000, Math.floor((deps.config.staleUploadSeconds * 1000) / 4)),
  );
  timer.unref();
  return {
    async *guard(source) {
      for await (const chunk of source) {
        if (lost) throw uploadInterrupted();
        yield chunk;
      }
    },
    stop: () => clearInterval(timer),
  };
}

/** Best effort, and logged: a leftover is also found later by the purge job (stale uploads). */
async function discardUpload(deps: VaultDeps, fileId: string, blobKey: string): Promise<void> {
  try {
    await deps.blobs.delete(blobKey);
    await deleteFileRow(deps.db, fileId);
  } catch (error) {
    deps.logger.error({ err: error, fileId }, 'could not discard a failed upload; the purge job will retry');
  }
}

export interface UploadedFile {
  file: FileView;
  /** The studio's older file with the same content (not in the trash), or null. */
  duplicateOf: string | null;
}

/**
 * What counts against the studio's quota: its files, and the announced lengths of its open
 * resumable uploads (held from their creation until they complete, are terminated or expire, so
 * parallel uploads cannot together pass the quota), but the one `completing` now.
 */
export async function quotaCommittedBytes(db: Db, studioId: string, now: number, completing: string | null): Promise<number> {
  return (await usedBytes(db, studioId)) + (await reservedUploadBytes(db, studioId, now, completing));
}

/** `completing`: the resumable upload whose bytes these are (resumable.ts), whose own reservation is no competitor. */
export async function uploadFile(deps: VaultDeps, actor: StudioActor, input: UploadInput, completing: string | null = null): Promise<UploadedFile> {
  const { studioId } = actor;
  const settings = await studioSettings(deps, studioId);
  const albumId = input.albumId ?? null;
  if (albumId) await requireAlbum(deps, studioId, albumId);
  const quotaLeft = settings.quotaBytes === null ? Number.POSITIVE_INFINITY : settings.quotaBytes - (await quotaCommittedBytes(deps.db, studioId, deps.now(), completing));
  if (input.declaredLength !== undefined) checkLength(input.declaredLength, deps.config.maxUploadBytes, quotaLeft);
  // Every decoder busy and the queue full: refuse before reading the body rather than after storing it.
  if (deps.imaging.saturated()) throw new ImagingFailure('busy');
  const dataKey = settings.encryptionEnabled ? await studioDataKey(deps, studioId) : null;
  // Connect before reading a byte, so an unreachable scanner refuses the upload at once.
  const scan = deps.scanner ? await deps.scanner.start() : null;

  const fileId = generateId();
  const blobKey = newBlobKey(studioId);
  let stored: StoredUpload;
  try {
    stored = await storeUpload(deps, actor, { fileId, blobKey, albumId, dataKey, scan, quotaLeft, completing }, input);
  } catch (error) {
    scan?.abort();
    await discardUpload(deps, fileId, blobKey);
    throw error;
  }
  deps.jobs.wake();
  const { duplicateOf } = stored;
  await recordAudit(deps.db, { action: 'vault.file_uploaded', ...auditContext(actor), details: { fileId, studioId, ...(duplicateOf ? { duplicateOf } : {}) } });
  const row = await findStudioFile(deps.db, studioId, fileId);
  if (!row) throw fileNotFound();
  return { file: await fileView(deps, row, stored.name, stored.metadata, (await listFileAlbumIds(deps.db, [fileId])).get(fileId) ?? []), duplicateOf };
}

interface StoredUpload {
  name: string;
  metadata: FileMetadata;
  duplicateOf: string | null;
}

/** Everything up to the committed row; the caller discards what it left behind if it throws. */
async function storeUpload(
  deps: VaultDeps,
  actor: StudioActor,
  target: { fileId: string; blobKey: string; albumId: string | null; dataKey: Buffer | null; scan: ScanSession | null; quotaLeft: number; completing: string | null },
  input: UploadInput,
): Promise<StoredUpload> {
  const { studioId } = actor;
  const { fileId, scan } = target;
  const original = storedBlob(target.blobKey, fileId, 'original', target.dataKey);
  const received = new ReceivedBytes({ maxBytes: deps.config.maxUploadBytes, quotaLeft: target.quotaLeft }, input.name, target.dataKey === null);
  await insertUploadingFile(deps.db, { id: fileId, studioId, albumId: target.albumId, encrypted: target.dataKey !== null, blobKey: target.blobKey, now: deps.now() });
  const alive = keepUploadAlive(deps, fileId);
  try {
    const checked = alive.guard(received.inspect(input.body));
    await writeBlob(deps.blobs, original, scan ? scanned(checked, scan) : checked);
  } finally {
    alive.stop();
  }
  const verdict = await scan?.finish();
  if (verdict?.infected) {
    deps.logger.warn({ fileId, studioId, signature: verdict.signature }, 'upload refused: malware found');
    await recordAudit(deps.db, { action: 'vault.file_infected', ...auditContext(actor), details: { studioId, signature: verdict.signature } });
    throw fileInfected();
  }
  const type = received.type as PhotoType;
  const upload = { type, size: received.size, sha256: received.sha256 };
  const secrets = await studioSecrets(deps, studioId);
  const duplicate = { studioId, fileId, contentDigest: contentDigest(secrets, upload.sha256), onDuplicate: input.onDuplicate ?? 'keep' };
  if (duplicate.onDuplicate === 'skip') await findDuplicate(deps.db, duplicate);
  const inspection = await inspectStoredPhoto(deps.blobs, deps.imaging, original, upload, deps.config);
  const name = safeFileName(input.name, type);
  const metadata: FileMetadata = { sha256: upload.sha256, width: inspection.width, height: inspection.height, photo: inspection.photo };
  const uploadedAt = deps.now();
  const [nameSealed, metadataSealed, blocksSealed] = await Promise.all([
    sealFileName(secrets, fileId, name),
    sealFileMetadata(secrets, fileId, metadata),
    received.blocks && sealFileBlocks(deps.secrets, fileId, received.blocks.digests()),
  ]);

  const found = await inTransaction(deps.db, async (trx) => {
    // Checked again under the studio lock: concurrent uploads each passed the checks at the start.
    await lockStudio(trx, deps.databaseKind, studioId);
    const { quotaBytes } = await studioSettings({ db: trx }, studioId);
    if (quotaBytes !== null && (await quotaCommittedBytes(trx, studioId, deps.now(), target.completing)) + upload.size > quotaBytes) throw quotaExceeded();
    const existing = await findDuplicate(trx, duplicate);
    const completed = await completeUpload(trx, fileId, {
      mediaType: type.mediaType,
      size: upload.size,
      nameSealed,
      metadataSealed,
      contentDigest: duplicate.contentDigest,
      capturedDay: captureDay(inspection.photo.capturedAt) ?? dayOf(uploadedAt),
      uploadedAt,
    });
    if (!completed) throw uploadInterrupted();
    if (blocksSealed) await insertPlainBlocks(trx, fileId, blocksSealed);
    await enqueuePreviews(deps, trx, fileId);
    return existing;
  });
  return { name, metadata, duplicateOf: found };
}
