import { createHash, timingSafeEqual } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { CHUNK_SIZE, IndexedSealer, createDecryptStream, decryptBuffer, encryptBuffer } from '../crypto/chunked.ts';
import { generateId } from '../crypto/tokens.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import { SNIFF_BYTES, detectPhotoType } from '../imaging/file-types.ts';
import { inTransaction } from '../db/database.ts';
import { lockStudio, studioDataKey, studioSecrets, studioSettings } from '../studios/service.ts';
import { requireAlbum } from './albums.ts';
import type { VaultDeps } from './deps.ts';
import type { FileView } from './file-views.ts';
import {
  type ResumableUploadRow,
  advanceResumableUpload,
  deleteResumableUpload,
  findResumableUpload,
  insertResumableUpload,
  listExpiredResumableUploads,
  lockResumableUpload,
  renewResumableLock,
  unlockResumableUpload,
} from './resumable-repo.ts';
import { openUploadName, sealUploadName } from './sealed-fields.ts';
import { type UploadedFile, quotaCommittedBytes, uploadFile } from './upload.ts';
import type { OnDuplicate } from './duplicates.ts';

/**
 * Resumable uploads (the tus 1.0 protocol; resumable-routes.ts speaks it). An upload is one
 * chunk-encrypted message (crypto/chunked.ts) under the studio's data key, sealed as the bytes
 * arrive and stored as segments — one per append, of whole sealed chunks — under
 * `uploads/<studio>/<upload>/<first chunk>`. The partial trailing chunk between two appends
 * (under 16 KiB) is sealed on its own, under a fresh salt, into the upload's row. So no byte of
 * plaintext is ever at rest, and an upload survives a restart: the row says how far it got,
 * the store holds the rest, on disk or in S3 alike.
 *
 * Checks as the bytes arrive: the type is sniffed on the first bytes (before anything is
 * stored), the announced length against the size limit and the quota at creation, and the
 * quota again on every append. An open upload holds its announced length against the quota
 * (upload.ts, quotaCommittedBytes) until it completes, is terminated or expires, so parallel
 * uploads, each within the quota, cannot together pass it: the one that would is refused. Once the last byte is in, the segments are read back, opened
 * (authenticated) and streamed through the same pipeline as a single-request upload
 * (upload.ts: sniffing, quota under the studio lock, ClamAV, encryption under the file's own
 * context, decode and pixel checks, previews, duplicate detection: the older file of the same
 * content is kept in the row, or, for an upload created to skip duplicates, the completion is
 * refused). A refusal terminates the upload: its segments and row are deleted. Abandoned
 * uploads expire and are purged with their segments.
 *
 * Nonce discipline: a chunk's nonce is its index, so one index must never seal two
 * plaintexts that both survive. A segment's key is named by its first chunk, and an append
 * that did not commit is redone at the same offset, so its segment overwrites the orphan.
 */

export const RESUMABLE_CHECKSUM_ALGORITHMS = ['sha1', 'sha256'] as const;
export type ChecksumAlgorithm = (typeof RESUMABLE_CHECKSUM_ALGORITHMS)[number];

const LOCK_LEASE_MS = 30_000;
const LOCK_RENEW_MS = 10_000;
const STORE_BLOCK = 1024 * 1024;
const PURGE_BATCH = 100;

export interface ResumableUploadState {
  id: string;
  offset: number;
  length: number;
  expiresAt: number;
  /** Set once the upload became a file. */
  fileId: string | null;
  /** Once complete: the studio's older file with the same content, if any. */
  duplicateOf: string | null;
}

export interface CreateResumableInput {
  length: number;
  name?: string;
  albumId?: string;
  onDuplicate?: OnDuplicate;
}

export interface AppendInput {
  offset: number;
  body: AsyncIterable<Uint8Array>;
  checksum?: { algorithm: ChecksumAlgorithm; digest: Buffer };
}

// ——— Errors, with the status codes tus gives them ———

function uploadNotFound(): NotFoundError {
  return new NotFoundError('upload_not_found', 'There is no such upload.');
}

function uploadExpired(): AppError {
  return new AppError('upload_expired', 'This upload expired; start it again.', 410);
}

function offsetMismatch(offset: number): AppError {
  return new AppError('upload_offset_mismatch', `The upload is at offset ${offset}; send the bytes from there.`, 409);
}

function uploadLocked(): AppError {
  return new AppError('upload_locked', 'Another request is writing to this upload; try again shortly.', 423);
}

function fileTooLarge(maxBytes: number): AppError {
  return new AppError('file_too_large', `Files can be at most ${maxBytes} bytes.`, 413);
}

function quotaExceeded(): AppError {
  return new AppError('quota_exceeded', 'This upload would exceed the studio’s storage quota.', 413);
}

function lengthExceeded(): AppError {
  return new AppError('upload_length_exceeded', 'The request sends more bytes than the upload announced.', 413);
}

function typeNotAllowed(): AppError {
  return new AppError('file_type_not_allowed', 'Only photos can be uploaded: JPEG, PNG, WebP, AVIF, HEIC, TIFF, GIF and camera RAW files.', 415);
}

function checksumMismatch(): AppError {
  return new AppError('checksum_mismatch', 'The bytes received do not match Upload-Checksum; nothing of this request was kept.', 460);
}

/** A refusal of the file itself (not a passing failure): the upload is terminated. A skipped duplicate is one too. */
function isFinalRefusal(error: unknown): boolean {
  if (!(error instanceof AppError)) return false;
  return ([400, 413, 415, 422].includes(error.statusCode) && error.code !== 'upload_length_exceeded') || error.code === 'duplicate_file';
}

// ——— Where things are ———

/** Where the studio's resumable uploads keep their sealed segments. */
export function studioUploadsPrefix(studioId: string): string {
  return `uploads/${studioId}/`;
}

function segmentPrefix(studioId: string, uploadId: string): string {
  return `${studioUploadsPrefix(studioId)}${uploadId}/`;
}

function segmentKey(studioId: string, uploadId: string, firstChunk: number): string {
  return `${segmentPrefix(studioId, uploadId)}${String(firstChunk).padStart(12, '0')}`;
}

/** The segments' message is bound to its studio and upload. */
function messageContext(studioId: string, uploadId: string): Buffer {
  return Buffer.from(`vault-upload/${studioId}/${uploadId}`, 'utf8');
}

/** The sealed tail is bound to the chunk it will become, so a tail of another moment does not open. */
function tailContext(studioId: string, uploadId: string, chunkIndex: number): Buffer {
  return Buffer.from(`vault-upload-tail/${studioId}/${uploadId}/${chunkIndex}`, 'utf8');
}

type Segments = Array<[firstChunk: number, count: number]>;

function stateOf(row: ResumableUploadRow): ResumableUploadState {
  return { id: row.id, offset: row.upload_offset, length: row.length, expiresAt: row.expires_at, fileId: row.file_id, duplicateOf: row.duplicate_of };
}

/**
 * Each append pushes the expiry back by the idle allowance, but never past the upload's
 * maximum age counted from its creation: an upload kept alive by a trickle of appends still
 * expires, and its quota reservation with it.
 */
function expiryFrom(deps: VaultDeps, createdAt: number): number {
  const hour = 60 * 60_000;
  return Math.min(deps.now() + deps.config.resumableExpiryHours * hour, createdAt + deps.config.resumableMaxAgeHours * hour);
}

/** The quota left to the upload `uploadId` (null: one not made yet): the studio's files and every other open upload's announced length count. */
async function quotaLeft(deps: VaultDeps, db: VaultDeps['db'], studioId: string, uploadId: string | null): Promise<number> {
  const { quotaBytes } = await studioSettings({ db }, studioId);
  return quotaBytes === null ? Number.POSITIVE_INFINITY : quotaBytes - (await quotaCommittedBytes(db, studioId, deps.now(), uploadId));
}

async function requireUpload(deps: VaultDeps, actor: StudioActor, id: string): Promise<ResumableUploadRow> {
  const row = await findResumableUpload(deps.db, actor, id);
  if (!row) throw uploadNotFound();
  if (row.expires_at < deps.now()) throw uploadExpired();
  return row;
}

async function deleteSegments(deps: VaultDeps, studioId: string, uploadId: string): Promise<void> {
  for await (const key of deps.blobs.list(segmentPrefix(studioId, uploadId))) await deps.blobs.delete(key);
}

/** Best effort, logged: what is left is found by the purge job when the row expires. */
async function discard(deps: VaultDeps, studioId: string, uploadId: string): Promise<void> {
  try {
    await deleteSegments(deps, studioId, uploadId);
    await deleteResumableUpload(deps.db, studioId, uploadId);
  } catch (error) {
    deps.logger.error({ err: error, uploadId }, 'could not discard a resumable upload; the purge job will retry');
  }
}

// ——— The protocol's operations ———

export async function createResumableUpload(deps: VaultDeps, actor: StudioActor, input: CreateResumableInput): Promise<ResumableUploadState> {
  const { studioId } = actor;
  if (input.length === 0) throw new AppError('file_empty', 'The upload is empty.', 400);
  if (input.length > deps.config.maxUploadBytes) throw fileTooLarge(deps.config.maxUploadBytes);
  if (input.length > (await quotaLeft(deps, deps.db, studioId, null))) throw quotaExceeded();
  if (input.albumId) await requireAlbum(deps, studioId, input.albumId);
  const id = generateId();
  const key = await studioDataKey(deps, studioId);
  const sealer = new IndexedSealer(key, messageContext(studioId, id));
  const now = deps.now();
  const row: ResumableUploadRow = {
    id,
    studio_id: studioId,
    user_id: actor.userId,
    album_id: input.albumId ?? null,
    name_sealed: input.name === undefined ? null : await sealUploadName(await studioSecrets(deps, studioId), id, input.name),
    length: input.length,
    upload_offset: 0,
    header: sealer.header.toString('base64'),
    chunks: 0,
    segments: '[]',
    tail_sealed: null,
    lock_token: null,
    locked_until: null,
    file_id: null,
    on_duplicate: input.onDuplicate ?? 'keep',
    duplicate_of: null,
    created_at: now,
    expires_at: expiryFrom(deps, now),
  };
  await inTransaction(deps.db, async (trx) => {
    // Checked again under the studio lock, with the reservation made in the same transaction:
    // two uploads created at once cannot both take the last of the quota.
    await lockStudio(trx, deps.databaseKind, studioId);
    if (input.length > (await quotaLeft(deps, trx, studioId, null))) throw quotaExceeded();
    await insertResumableUpload(trx, row);
  });
  return stateOf(row);
}

export async function resumableUploadState(deps: VaultDeps, actor: StudioActor, id: string): Promise<ResumableUploadState> {
  return stateOf(await requireUpload(deps, actor, id));
}

export async function terminateResumableUpload(deps: VaultDeps, actor: StudioActor, id: string): Promise<void> {
  const row = await requireUpload(deps, actor, id);
  await deleteSegments(deps, row.studio_id, row.id);
  await deleteResumableUpload(deps.db, row.studio_id, row.id);
}

export interface AppendResult extends ResumableUploadState {
  /** The file the upload became, when this append completed it. */
  file?: FileView;
}

/**
 * Appends the request's bytes at `offset`. A body cut off midway (the connection dropped) is
 * not an error: what arrived is kept, and the client resumes from the new offset. With a
 * checksum, the request is all or nothing.
 */
export async function appendToResumableUpload(deps: VaultDeps, actor: StudioActor, id: string, input: AppendInput): Promise<AppendResult> {
  const found = await requireUpload(deps, actor, id);
  if (found.file_id) {
    if (input.offset === found.length) return stateOf(found);
    throw offsetMismatch(found.upload_offset);
  }
  if (input.offset !== found.upload_offset) throw offsetMismatch(found.upload_offset);
  const token = generateId();
  if (!(await lockResumableUpload(deps.db, actor.studioId, id, { token, until: deps.now() + LOCK_LEASE_MS, now: deps.now() }))) throw uploadLocked();
  const renew = setInterval(() => {
    renewResumableLock(deps.db, actor.studioId, id, token, deps.now() + LOCK_LEASE_MS).catch((error: unknown) => deps.logger.warn({ err: error, uploadId: id }, 'could not renew an upload lock'));
  }, LOCK_RENEW_MS);
  let released = false;
  try {
    // Read again under the lock: an append that finished meanwhile moved the offset.
    const row = await requireUpload(deps, actor, id);
    if (input.offset !== row.upload_offset) throw offsetMismatch(row.upload_offset);
    const result = await appendLocked(deps, actor, row, token, input);
    released = true;
    return result;
  } catch (error) {
    if (isFinalRefusal(error)) {
      await discard(deps, actor.studioId, id);
      released = true;
    }
    throw error;
  } finally {
    clearInterval(renew);
    if (!released) await unlockResumableUpload(deps.db, actor.studioId, id, token).catch(() => undefined);
  }
}

/** What one append turned the request's bytes into: sealed full chunks out, the rest held. */
class Appender {
  readonly #sealer: IndexedSealer;
  readonly #checksum: ReturnType<typeof createHash> | null;
  readonly #start: number;
  readonly #length: number;
  readonly #quotaLeft: number;
  readonly #claimedName: string | undefined;
  pending: Buffer;
  chunkIndex: number;
  received = 0;
  /** The client went away mid-request. */
  cut = false;

  constructor(options: { sealer: IndexedSealer; tail: Buffer; chunks: number; start: number; length: number; quotaLeft: number; claimedName: string | undefined; checksum: ChecksumAlgorithm | null }) {
    this.#sealer = options.sealer;
    this.pending = options.tail;
    this.chunkIndex = options.chunks;
    this.#start = options.start;
    this.#length = options.length;
    this.#quotaLeft = options.quotaLeft;
    this.#claimedName = options.claimedName;
    this.#checksum = options.checksum ? createHash(options.checksum) : null;
  }

  get offset(): number {
    return this.#start + this.received;
  }

  get complete(): boolean {
    return this.offset === this.#length;
  }

  digest(): Buffer | null {
    return this.#checksum?.digest() ?? null;
  }

  /** Sealed chunks as the bytes come; the last chunk of the whole upload stays pending, sealed at completion. */
  async *sealed(body: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
    const sniffAt = Math.min(SNIFF_BYTES, this.#length);
    const iterator = body[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try {
        next = await iterator.next();
      } catch {
        this.cut = true;
        return;
      }
      if (next.done) return;
      const piece = next.value;
      const before = this.offset;
      this.received += piece.byteLength;
      if (this.offset > this.#length) throw lengthExceeded();
      if (this.offset > this.#quotaLeft) throw quotaExceeded();
      this.#checksum?.update(piece);
      this.pending = this.pending.length === 0 ? Buffer.from(piece) : Buffer.concat([this.pending, piece]);
      // Everything before the sniff point is still pending (SNIFF_BYTES < CHUNK_SIZE): nothing unchecked is stored.
      if (before < sniffAt && this.offset >= sniffAt) {
        // No chunk is sealed yet, so `pending` starts at the upload's first byte.
        if (!(await detectPhotoType(this.pending.subarray(0, sniffAt), this.#claimedName))) throw typeNotAllowed();
      }
      yield* this.#sealFull();
    }
  }

  *#sealFull(): Generator<Buffer> {
    let at = 0;
    // At the very end a full chunk stays pending, so completion always has bytes to seal last.
    while (this.pending.length - at > CHUNK_SIZE || (this.pending.length - at === CHUNK_SIZE && !this.complete)) {
      yield* this.#sealer.sealFull(this.chunkIndex++, this.pending.subarray(at, at + CHUNK_SIZE));
      at += CHUNK_SIZE;
    }
    if (at > 0) this.pending = Buffer.from(this.pending.subarray(at));
  }
}

/** Batches of about STORE_BLOCK bytes, which the store writes without joining them (BlobBody). */
async function* inBatches(source: AsyncIterable<Buffer>, first: Buffer[]): AsyncGenerator<Buffer[]> {
  let pending = first;
  let bytes = first.reduce((sum, piece) => sum + piece.length, 0);
  for await (const piece of source) {
    pending.push(piece);
    bytes += piece.length;
    if (bytes >= STORE_BLOCK) {
      yield pending;
      pending = [];
      bytes = 0;
    }
  }
  if (bytes > 0) yield pending;
}

async function appendLocked(deps: VaultDeps, actor: StudioActor, row: ResumableUploadRow, token: string, input: AppendInput): Promise<AppendResult> {
  const { studioId } = actor;
  const key = await studioDataKey(deps, studioId);
  const sealer = new IndexedSealer(key, messageContext(studioId, row.id), Buffer.from(row.header, 'base64'));
  const tail = row.tail_sealed ? decryptBuffer(key, tailContext(studioId, row.id, row.chunks), Buffer.from(row.tail_sealed, 'base64')) : Buffer.alloc(0);
  const secrets = row.name_sealed ? await studioSecrets(deps, studioId) : null;
  const name = row.name_sealed && secrets ? await openUploadName(secrets, row.id, row.name_sealed) : undefined;
  const appender = new Appender({
    sealer,
    tail,
    chunks: row.chunks,
    start: row.upload_offset,
    length: row.length,
    quotaLeft: await quotaLeft(deps, deps.db, studioId, row.id),
    claimedName: name,
    checksum: input.checksum?.algorithm ?? null,
  });

  // The segment is written only when the request brought at least one full chunk.
  const segments = JSON.parse(row.segments) as Segments;
  const firstChunk = row.chunks;
  const sealed = appender.sealed(input.body);
  const first = await sealed.next();
  const key0 = segmentKey(studioId, row.id, firstChunk);
  if (!first.done) await deps.blobs.put(key0, inBatches(sealed, [first.value]));
  const wrote = appender.chunkIndex > firstChunk;

  const expected = input.checksum?.digest;
  const actual = appender.digest();
  if (expected && actual && (appender.cut || expected.length !== actual.length || !timingSafeEqual(expected, actual))) {
    if (wrote) await deps.blobs.delete(key0);
    throw checksumMismatch();
  }
  if (wrote) segments.push([firstChunk, appender.chunkIndex - firstChunk]);

  if (!appender.complete) {
    const tailSealed = appender.pending.length > 0 ? encryptBuffer(key, tailContext(studioId, row.id, appender.chunkIndex), appender.pending).toString('base64') : null;
    const progress = { offset: appender.offset, chunks: appender.chunkIndex, segments: JSON.stringify(segments), tailSealed, expiresAt: expiryFrom(deps, row.created_at) };
    if (!(await advanceResumableUpload(deps.db, studioId, row.id, token, progress))) throw uploadLocked();
    return { ...stateOf(row), offset: appender.offset, expiresAt: progress.expiresAt };
  }

  // Everything is in. Keep what is stored (all but the pending last chunk, under 16 KiB) so a
  // passing failure of the completion costs the client a small resend, not the whole file.
  const kept = { offset: appender.offset - appender.pending.length, chunks: appender.chunkIndex, segments: JSON.stringify(segments), tailSealed: null, expiresAt: expiryFrom(deps, row.created_at), keepLock: true };
  if (!(await advanceResumableUpload(deps.db, studioId, row.id, token, kept))) throw uploadLocked();
  const { file, duplicateOf } = await complete(deps, actor, row, { sealer, segments, lastChunkIndex: appender.chunkIndex, last: appender.pending, key, name });
  const done = { offset: row.length, chunks: appender.chunkIndex, segments: '[]', tailSealed: null, expiresAt: expiryFrom(deps, row.created_at), fileId: file.id, duplicateOf };
  await advanceResumableUpload(deps.db, studioId, row.id, token, done);
  await deleteSegments(deps, studioId, row.id).catch((error: unknown) => deps.logger.warn({ err: error, uploadId: row.id }, 'could not delete the segments of a completed upload'));
  await recordAudit(deps.db, { action: 'vault.resumable_upload_completed', ...auditContext(actor), details: { studioId, uploadId: row.id, fileId: file.id } });
  return { ...stateOf(row), offset: row.length, fileId: file.id, duplicateOf, expiresAt: done.expiresAt, file };
}

/** The stored message, read back in order and opened: each chunk authenticated before its plaintext moves on. */
async function* storedMessage(deps: VaultDeps, studioId: string, uploadId: string, header: Buffer, segments: Segments, finalChunks: Buffer[]): AsyncGenerator<Buffer> {
  yield header;
  let expected = 0;
  for (const [firstChunk, count] of segments) {
    if (firstChunk !== expected) throw new AppError('upload_corrupt', 'The stored upload is inconsistent.', 500);
    expected += count;
    for await (const piece of await deps.blobs.get(segmentKey(studioId, uploadId, firstChunk))) yield piece as Buffer;
  }
  yield* finalChunks;
}

async function complete(
  deps: VaultDeps,
  actor: StudioActor,
  row: ResumableUploadRow,
  message: { sealer: IndexedSealer; segments: Segments; lastChunkIndex: number; last: Buffer; key: Buffer; name: string | undefined },
): Promise<UploadedFile> {
  const { sealer, last } = message;
  // The last bytes are sealed here, in memory: a full chunk then the empty final one, or the short final one.
  const finalChunks =
    last.length === CHUNK_SIZE
      ? [...sealer.sealFull(message.lastChunkIndex, last), ...sealer.sealFinal(message.lastChunkIndex + 1, Buffer.alloc(0))]
      : sealer.sealFinal(message.lastChunkIndex, last);
  const stored = Readable.from(storedMessage(deps, actor.studioId, row.id, sealer.header, message.segments, finalChunks), { objectMode: false });
  const plaintext = pipeline(stored, createDecryptStream(message.key, messageContext(actor.studioId, row.id)), () => undefined);
  return uploadFile(deps, actor, { albumId: row.album_id ?? undefined, name: message.name, onDuplicate: row.on_duplicate, declaredLength: row.length, body: plaintext }, row.id);
}

// ——— Expiry ———

/** Uploads past their expiry, complete or abandoned: their segments, then their rows. Returns how many. */
export async function purgeExpiredUploads(deps: VaultDeps): Promise<number> {
  let purged = 0;
  for (;;) {
    const batch = await listExpiredResumableUploads(deps.db, deps.now(), PURGE_BATCH);
    let failed = false;
    for (const row of batch) {
      try {
        await deleteSegments(deps, row.studio_id, row.id);
        await deleteResumableUpload(deps.db, row.studio_id, row.id);
        purged += 1;
      } catch (error) {
        failed = true;
        deps.logger.error({ err: error, uploadId: row.id }, 'could not purge an expired upload; the next purge retries');
      }
    }
    if (failed || batch.length < PURGE_BATCH) return purged;
  }
}

/** A deleted studio's uploads in progress (their rows went with the studio): every segment under its prefix. */
export async function eraseStudioUploads(deps: VaultDeps, studioId: string): Promise<void> {
  for await (const key of deps.blobs.list(`uploads/${studioId}/`)) await deps.blobs.delete(key);
}
