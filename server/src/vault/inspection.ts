import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { INSPECTION_HEAD_BYTES, type VaultConfig } from '../config.ts';
import { IntegrityError } from '../errors.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { type PhotoType, photoTypes } from '../imaging/file-types.ts';
import { type Dimensions, assertPixelLimit, fileCorrupt } from '../imaging/refusals.ts';
import type { ImagingPool } from '../imaging/pool.ts';
import type { PhotoMetadata } from '../imaging/photo-metadata.ts';
import { type StoredBlob, collect, openStoredBlob, readPlaintext } from './stored-blobs.ts';
import { readTiffDimensions } from '../imaging/tiff-dimensions.ts';

/**
 * The checks made once an upload is stored, on what was stored: reading it back proves the
 * blob decrypts (every chunk, for files we decode) and matches the bytes received. The bytes
 * stream from the blob store to a decoder child (imaging/pool.ts) — never parsed here, never
 * held whole here. A file up to VAULT_MAX_DECODE_BYTES is decoded in full — truncation and
 * corruption show — under the pixel limit; a larger one has its ends authenticated and its
 * header read (dimensions against the pixel limit, metadata). RAW files are never decoded
 * here: their previews come from their embedded JPEG, decoded under the pixel limit when
 * previews are made.
 */

export interface Inspection {
  width: number | null;
  height: number | null;
  photo: PhotoMetadata;
}

function storedMismatch(): IntegrityError {
  return new IntegrityError('The stored upload does not match the bytes received.');
}

/** Passes the bytes on, counting and hashing them. */
function measured(source: AsyncIterable<Uint8Array>): { bytes: AsyncGenerator<Uint8Array>; matches(size: number, sha256: string): boolean } {
  const hash = createHash('sha256');
  let length = 0;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      hash.update(chunk);
      length += chunk.byteLength;
      yield chunk;
    }
  }
  return { bytes: bytes(), matches: (size, sha256) => length === size && hash.digest('hex') === sha256 };
}

/** Streams bytes to a task rather than collecting them first (the head of a large file is 16 MiB); a task the pool refused never read them. */
async function streamedTo<T>(stream: Readable, task: (bytes: Readable) => Promise<T>): Promise<T> {
  try {
    return await task(stream);
  } finally {
    stream.destroy();
  }
}

const inspection = (photo: PhotoMetadata, dimensions: Dimensions | null | undefined): Inspection => ({ width: dimensions?.width ?? null, height: dimensions?.height ?? null, photo });

export async function inspectStoredPhoto(
  blobs: BlobStore,
  imaging: ImagingPool,
  blob: StoredBlob,
  upload: { type: PhotoType; size: number; sha256: string },
  limits: Pick<VaultConfig, 'maxPixels' | 'maxDecodeBytes'>,
): Promise<Inspection> {
  const { type, size } = upload;
  if (size <= limits.maxDecodeBytes) {
    return streamedTo(await readPlaintext(blobs, blob), async (stream) => {
      const plaintext = measured(stream);
      const { photo, dimensions } = await imaging.run('inspect', plaintext.bytes, { check: type.check, maxPixels: limits.maxPixels });
      if (!plaintext.matches(size, upload.sha256)) throw storedMismatch();
      return inspection(photo, dimensions);
    });
  }

  // Opened once: the proven length, then the head and any TIFF directory read as ranges of it.
  const opened = await openStoredBlob(blobs, blob);
  if (opened.size !== size) throw storedMismatch();
  const headEnd = Math.min(size, INSPECTION_HEAD_BYTES) - 1;
  if (type === photoTypes.tiff) {
    const photo = await streamedTo(await opened.range(0, headEnd), (head) => imaging.run('metadata', head));
    const readAt = async (offset: number, length: number) => collect(await opened.range(offset, Math.min(offset + length, size) - 1));
    const dimensions = await readTiffDimensions(readAt, size);
    if (!dimensions) throw fileCorrupt();
    assertPixelLimit(dimensions, limits.maxPixels);
    return inspection(photo, dimensions);
  }
  // Only the header of what would be decoded: the pixels run past the head.
  const { photo, dimensions } = await streamedTo(await opened.range(0, headEnd), (head) =>
    imaging.run('inspect', head, { check: type.check === 'decode' ? 'header' : type.check, maxPixels: limits.maxPixels }),
  );
  return inspection(photo, dimensions);
}
