import { createHash } from 'node:crypto';
import { type Readable, Transform, type TransformCallback, pipeline } from 'node:stream';
import { recordAudit } from '../audit/audit-log.ts';
import { AppError, IntegrityError, NotFoundError } from '../errors.ts';
import { assertStudioNotSuspended, studioDataKey } from '../studios/service.ts';
import { type RangeHeaders, type RangeRequest, parseRange } from '../http/byte-ranges.ts';
import type { ServedFile } from '../http/send-file.ts';
import type { VaultDeps } from './deps.ts';
import { type OpenedFile, VAULT_SCOPE, fileNotFound, openFile } from './file-views.ts';
import { type FileRow, findFileById, findPlainBlocks } from './repo.ts';
import { coveringBlocks, verifyingBlocks } from './block-hashes.ts';
import { type FileMetadata, openFileBlocks } from './sealed-fields.ts';
import type { SignatureParams } from '../crypto/signed-urls.ts';
import { type OpenedBlob, type PlaintextPieces, type StoredBlob, type Variant, collect, openStoredBlob, plaintextPieces, readPlaintext, storedBlob } from './stored-blobs.ts';

/**
 * Serving a file through a signed URL, verified on the way out. For an encrypted blob the
 * header, key commitment and final chunk are authenticated before any answer is chosen (so a
 * truncated, swapped or re-keyed blob is refused with a 500 before a byte is sent); then each
 * chunk is released only once it authenticated, and a chunk that fails ends the stream with
 * an error, which aborts the response: the client sees a broken transfer, never a complete
 * one. Small files are decrypted in full first and sent only when entirely verified. A plain
 * original (a studio with encryption off) is checked block by block against the hashes taken
 * at upload (block-hashes.ts): a range reads only the blocks covering it, and each block is
 * released once it matched. One stored before block hashes existed is checked against its
 * SHA-256, read from its first byte, its last bytes held back until the hash matched; a small
 * one (up to 4 MiB) is read whole and sent only once it matched. A plain studio's previews are
 * checked the same way against the SHA-256 recorded when they were made (previews of older
 * releases have none, and are sent as stored). Every integrity failure is logged and audited.
 */

export interface DownloadRequest extends RangeHeaders {
  fileId: string;
  variant: Variant;
  signature: Partial<SignatureParams>;
}

/** A whole variant for a reader in this process: its bytes, or its length and its pieces as they verify. */
export type WholeFile = Buffer | { length: number; pieces: Readable | PlaintextPieces };

/** Whole files up to this size are decrypted (or, plain, hashed) and verified in full before the first byte is sent. */
const VERIFY_FIRST_BYTES = 4 * 1024 * 1024;

/** A stored blob that failed to authenticate, to match its recorded hash or length, or is gone. */
export function isIntegrityFailure(error: unknown): boolean {
  return error instanceof IntegrityError || (error instanceof NotFoundError && error.code === 'blob_not_found');
}

export async function auditIntegrityFailure(deps: VaultDeps, file: FileRow, variant: Variant, stage: 'download' | 'previews', error: unknown): Promise<void> {
  deps.logger.error({ err: error, fileId: file.id, variant, stage }, 'stored file failed its integrity check');
  await recordAudit(deps.db, { action: 'vault.integrity_failure', details: { fileId: file.id, studioId: file.studio_id, variant, stage } });
}

/** The blob of a variant: the original's, or a preview's once the previews are ready. */
export function blobKeyOf(file: FileRow, variant: Variant): string | null {
  if (variant === 'original') return file.blob_key;
  return file.status === 'ready' ? (variant === 'thumbnail' ? file.thumbnail_key : file.preview_key) : null;
}

export function previewName(name: string, variant: Variant): string {
  const base = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : name;
  return `${base}-${variant}.webp`;
}

/**
 * Passes on bytes start..end of a plain blob read from its first byte, hashing all of it; the
 * last piece is held back until the whole blob matched the upload's SHA-256. For originals
 * uploaded before block hashes were recorded.
 */
function verifyingSlice(expectedSha256: string, start: number, end: number): Transform {
  const hash = createHash('sha256');
  let offset = 0;
  let held: Buffer | undefined;
  return new Transform({
    transform(piece: Buffer, _encoding, callback: TransformCallback) {
      hash.update(piece);
      const from = Math.max(start - offset, 0);
      const to = Math.min(end + 1 - offset, piece.length);
      offset += piece.length;
      if (from < to) {
        if (held) this.push(held);
        held = piece.subarray(from, to);
      }
      callback();
    },
    flush(callback: TransformCallback) {
      if (hash.digest('hex') !== expectedSha256) return callback(new IntegrityError('The stored file does not match its recorded SHA-256.'));
      if (held) this.push(held);
      callback();
    },
  });
}

/** Reports a failure that surfaces mid-stream, once the answer has started. */
function watched(deps: VaultDeps, file: FileRow, variant: Variant, stream: Readable): Readable {
  stream.once('error', (error) => {
    if (isIntegrityFailure(error)) void auditIntegrityFailure(deps, file, variant, 'download', error).catch(() => undefined);
  });
  return stream;
}

/** The same, for pieces read in this process. */
async function* watchedPieces(deps: VaultDeps, file: FileRow, variant: Variant, pieces: PlaintextPieces): PlaintextPieces {
  try {
    yield* pieces;
  } catch (error) {
    if (isIntegrityFailure(error)) void auditIntegrityFailure(deps, file, variant, 'download', error).catch(() => undefined);
    throw error;
  }
}

/** How a large sealed file is read whole: as a stream to send, or as pieces for a reader in this process. */
type WholeSealedReader<Body> = (blob: StoredBlob) => Promise<Body>;

async function body<WholeSealed>(
  deps: VaultDeps,
  file: FileRow,
  blob: StoredBlob,
  opened: OpenedBlob,
  variant: Variant,
  plan: { start: number; end: number; whole: boolean; sha256: string | null; blocks: Buffer | null },
  wholeSealed: WholeSealedReader<WholeSealed>,
): Promise<Readable | Buffer | WholeSealed> {
  if (blob.sealing) {
    if (!plan.whole) return watched(deps, file, variant, await opened.range(plan.start, plan.end));
    // A small file is served from the bytes opening it already read (stored-blobs.ts); a large
    // one is read again from its first byte, in one request.
    if (plan.end < VERIFY_FIRST_BYTES) return collect(await opened.range(plan.start, plan.end));
    return wholeSealed(blob);
  }
  // Only previews made by older releases have no recorded hash.
  if (plan.sha256 === null) return opened.range(plan.start, plan.end);
  if (plan.blocks) {
    const covered = coveringBlocks(opened.size, plan.start, plan.end);
    const verified = pipeline(await opened.range(covered.start, covered.end), verifyingBlocks(plan.blocks, opened.size, plan.start, plan.end), () => undefined);
    return watched(deps, file, variant, verified);
  }
  if (opened.size <= VERIFY_FIRST_BYTES) {
    const whole = opened.size === 0 ? Buffer.alloc(0) : await collect(await opened.range(0, opened.size - 1));
    if (createHash('sha256').update(whole).digest('hex') !== plan.sha256) throw new IntegrityError('The stored file does not match its recorded SHA-256.');
    return whole.subarray(plan.start, plan.end + 1);
  }
  const verified = pipeline(await readPlaintext(deps.blobs, blob), verifyingSlice(plan.sha256, plan.start, plan.end), () => undefined);
  return watched(deps, file, variant, verified);
}

/** The SHA-256 recorded for a variant: the original's at upload, a preview's when it was made (null: made by an older release). */
export function recordedSha256(metadata: FileMetadata, variant: Variant): string | null {
  return variant === 'original' ? metadata.sha256 : (metadata.previewSha256?.[variant] ?? null);
}

/** The block hashes of a plain original; null for encrypted blobs, previews, and originals stored before block hashes existed. */
async function plainBlocks(deps: VaultDeps, file: FileRow, blob: StoredBlob, variant: Variant): Promise<Buffer | null> {
  if (blob.sealing || variant !== 'original') return null;
  const sealed = await findPlainBlocks(deps.db, file.id);
  return sealed === undefined ? null : openFileBlocks(deps.secrets, file.id, sealed);
}

export async function openDownload(deps: VaultDeps, request: DownloadRequest): Promise<ServedFile> {
  const { fileId, variant } = request;
  await deps.signer.verify({ scope: VAULT_SCOPE, fileId, variant }, request.signature, deps.now());
  const file = await findFileById(deps.db, fileId);
  // Of a file in the trash only the thumbnail, which the trash shows (file-views.ts).
  if (!file || (file.deleted_at !== null && variant !== 'thumbnail')) throw fileNotFound();
  await assertStudioNotSuspended(deps, file.studio_id);
  return serveFile(deps, file, await openFile(deps, file), variant, request);
}

/**
 * A file's bytes for a caller already authorized (by a vault signature, a delivery's state…):
 * length, type, name and a verifying body, for the whole file or the requested range.
 */
export function serveFile(deps: VaultDeps, file: FileRow, opened: OpenedFile, variant: Variant, request: RangeHeaders): Promise<ServedFile> {
  return served(deps, file, opened, variant, request, async (blob) => watched(deps, file, variant, await readPlaintext(deps.blobs, blob)));
}

/**
 * A whole variant, verified as serveFile verifies it, for a reader in this process that takes
 * it at once (the imaging pool): a small file whole; a large one as its proven length and its
 * pieces — a sealed one's as the batches its reads complete (stored-blobs.ts `plaintextPieces`),
 * a plain one's as serveFile's stream.
 */
export async function readWholeFile(deps: VaultDeps, file: FileRow, opened: OpenedFile, variant: Variant): Promise<WholeFile> {
  const whole = await served(deps, file, opened, variant, { range: undefined, ifRange: undefined }, async (blob) =>
    watchedPieces(deps, file, variant, plaintextPieces(deps.blobs, blob)),
  );
  return Buffer.isBuffer(whole.body) ? whole.body : { length: whole.length, pieces: whole.body };
}

async function served<WholeSealed>(
  deps: VaultDeps,
  file: FileRow,
  opened: OpenedFile,
  variant: Variant,
  request: RangeHeaders,
  wholeSealed: WholeSealedReader<WholeSealed>,
): Promise<Omit<ServedFile, 'body'> & { body: ServedFile['body'] | WholeSealed }> {
  const key = file.status !== 'uploading' && file.status !== 'purging' ? blobKeyOf(file, variant) : null;
  if (!key) throw fileNotFound();
  const { name, metadata } = opened;
  const blob = storedBlob(key, file.id, variant, file.encrypted ? await studioDataKey(deps, file.studio_id) : null);
  try {
    // Opened once: the header and final chunk that prove the length also serve the range.
    const stored = await openStoredBlob(deps.blobs, blob);
    const size = stored.size;
    if (variant === 'original' && size !== file.size) throw new IntegrityError('The stored file has another length than the one uploaded.');
    const etag = variant === 'original' ? `"${metadata.sha256}"` : `"${createHash('sha256').update(key).digest('base64url').slice(0, 27)}"`;
    const requested: RangeRequest = request.ifRange === undefined || request.ifRange === etag ? parseRange(request.range, size) : { kind: 'whole' };
    if (requested.kind === 'unsatisfiable') {
      throw new AppError('range_not_satisfiable', 'The requested range is not satisfiable.', 416, { headers: { 'content-range': `bytes */${size}` } });
    }
    const plan =
      requested.kind === 'range'
        ? { start: requested.start, end: requested.end, whole: false }
        : { start: 0, end: size - 1, whole: true };
    return {
      range: plan.whole ? undefined : { start: plan.start, end: plan.end, size },
      length: plan.end - plan.start + 1,
      mediaType: variant === 'original' ? file.media_type : 'image/webp',
      name: variant === 'original' ? name : previewName(name, variant),
      disposition: variant === 'original' ? 'attachment' : 'inline',
      etag,
      body: await body(deps, file, blob, stored, variant, { ...plan, sha256: recordedSha256(metadata, variant), blocks: await plainBlocks(deps, file, blob, variant) }, wholeSealed),
    };
  } catch (error) {
    if (isIntegrityFailure(error)) {
      await auditIntegrityFailure(deps, file, variant, 'download', error);
      throw error instanceof IntegrityError ? error : new IntegrityError('The stored file is missing.', error);
    }
    throw error;
  }
}
