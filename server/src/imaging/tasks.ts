import type { CheckKind } from './file-types.ts';
import { checkImage } from './images.ts';
import { type PhotoMetadata, readPhotoMetadata } from './photo-metadata.ts';
import { renderPhotoPreviews } from './previews.ts';
import type { TaskTable } from './protocol.ts';
import type { Dimensions } from './refusals.ts';
import type { TransformSpec } from './transform-spec.ts';
import { transformImage } from './transform.ts';
import type { WebImageParams } from './watermark-spec.ts';
import { renderWebImage } from './web-image.ts';

/**
 * The tasks the imaging pool's children run (pool.ts): every parse of untrusted image bytes
 * (libvips through sharp, libheif, exifr) happens here, never in the server process. A task
 * takes the input's bytes and JSON-like parameters and returns a value made of plain objects,
 * numbers, strings and Buffers. Add a task here to have the pool run it.
 */

export interface InspectionResult {
  photo: PhotoMetadata;
  /** As displayed; null for a RAW file whose metadata does not state them. */
  dimensions: Dimensions | null;
}

function statedDimensions(photo: PhotoMetadata): Dimensions | null {
  return photo.width && photo.height ? { width: photo.width, height: photo.height } : null;
}

export const tasks = {
  /**
   * An upload's metadata and dimensions, checked as its type asks (file-types.ts): `decode`
   * decodes every pixel, `header` reads the header, `raw` takes what the metadata states.
   */
  async inspect(input: Buffer, params: { check: CheckKind; maxPixels: number }): Promise<InspectionResult> {
    const photo = await readPhotoMetadata(input);
    if (params.check === 'raw') return { photo, dimensions: statedDimensions(photo) };
    return { photo, dimensions: await checkImage(input, params.maxPixels, { decode: params.check === 'decode' }) };
  },

  metadata: (input: Buffer): Promise<PhotoMetadata> => readPhotoMetadata(input),

  previews: (input: Buffer, params: { mediaType: string; orientation: number | null; maxPixels: number }) =>
    renderPhotoPreviews(input, params.mediaType, params.orientation, params.maxPixels),

  /** The image service's transform (transform.ts): a source's bytes and validated operations in, the encoded result out. */
  transform: (input: Buffer, params: { spec: TransformSpec; maxPixels: number }) => transformImage(input, params.spec, { maxPixels: params.maxPixels }),

  /** A delivery's web-size JPEG or watermarked preview (web-image.ts), from the stored preview's bytes. */
  webImage: (input: Buffer, params: WebImageParams) => renderWebImage(input, params),
} satisfies TaskTable;

export type ImagingTasks = typeof tasks;
