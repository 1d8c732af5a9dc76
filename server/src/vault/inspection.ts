import { createHash } from 'node:crypto';
import type { VaultConfig } from '../config.ts';
import { IntegrityError } from '../errors.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { type PhotoType, photoTypes } from '../imaging/file-types.ts';
import { type Dimensions, assertPixelLimit, checkImage, fileCorrupt } from '../imaging/images.ts';
import { type PhotoMetadata, readPhotoMetadata } from '../imaging/photo-metadata.ts';
import { type StoredBlob, collect, readPlaintext, readPlaintextRange, storedPlaintextLength } from './stored-blobs.ts';
import { readTiffDimensions } from '../imaging/tiff-dimensions.ts';

/**
 * The checks made once an upload is stored, on what was stored: reading it back proves the
 * blob decrypts (every chunk, for files we decode) and matches the bytes received. A file up
 * to VAULT_MAX_DECODE_BYTES is decoded in full — truncation and corruption show — under the
 * pixel limit; a larger one has its ends authenticated and its header read (dimensions
 * against the pixel limit, metadata), since decoding would mean holding it all in memory.
 * RAW files are never decoded here: their previews come from their embedded JPEG, decoded
 * under the pixel limit when previews are made.
 */

export interface Inspection {
  width: number | null;
  height: number | null;
  photo: PhotoMetadata;
}

/** Enough for the header and the metadata segments of any photo format we take. */
const HEADER_BYTES = 16 * 1024 * 1024;

function storedMismatch(): IntegrityError {
  return new IntegrityError('The stored upload does not match the bytes received.');
}

function fromMetadata(photo: PhotoMetadata): Dimensions | undefined {
  return photo.width && photo.height ? { width: photo.width, height: photo.height } : undefined;
}

export async function inspectStoredPhoto(
  blobs: BlobStore,
  blob: StoredBlob,
  upload: { type: PhotoType; size: number; sha256: string },
  limits: Pick<VaultConfig, 'maxPixels' | 'maxDecodeBytes'>,
): Promise<Inspection> {
  const { type, size } = upload;
  if (size <= limits.maxDecodeBytes) {
    const bytes = await collect(await readPlaintext(blobs, blob));
    if (bytes.length !== size || createHash('sha256').update(bytes).digest('hex') !== upload.sha256) throw storedMismatch();
    const photo = await readPhotoMetadata(bytes);
    const dimensions = type.check === 'raw' ? fromMetadata(photo) : await checkImage(bytes, limits.maxPixels, { decode: type.check === 'decode' });
    return { width: dimensions?.width ?? null, height: dimensions?.height ?? null, photo };
  }

  if ((await storedPlaintextLength(blobs, blob)) !== size) throw storedMismatch();
  const head = await collect(await readPlaintextRange(blobs, blob, 0, Math.min(size, HEADER_BYTES) - 1));
  const photo = await readPhotoMetadata(head);
  let dimensions: Dimensions | undefined;
  if (type === photoTypes.tiff) {
    const readAt = async (offset: number, length: number) => collect(await readPlaintextRange(blobs, blob, offset, Math.min(offset + length, size) - 1));
    dimensions = await readTiffDimensions(readAt, size);
    if (!dimensions) throw fileCorrupt();
    assertPixelLimit(dimensions, limits.maxPixels);
  } else if (type.check !== 'raw') {
    dimensions = await checkImage(head, limits.maxPixels, { decode: false });
  } else {
    dimensions = fromMetadata(photo);
  }
  return { width: dimensions?.width ?? null, height: dimensions?.height ?? null, photo };
}
