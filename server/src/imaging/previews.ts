import { findEmbeddedJpegs } from './embedded-jpeg.ts';
import { photoTypes } from './file-types.ts';
import { type RenderedPreviews, renderPreviews } from './images.ts';
import { PreviewUnavailable } from './refusals.ts';

/**
 * A photo's thumbnail and large preview (images.ts) from its original's bytes, whatever its
 * format: a camera RAW file from the largest of its embedded JPEGs that decodes, anything else
 * (DNG and other TIFF-based RAW files too, when no embedded JPEG will do) decoded itself.
 */

export async function renderPhotoPreviews(original: Buffer, mediaType: string, orientation: number | null, maxPixels: number): Promise<RenderedPreviews> {
  const isRaw = Object.values(photoTypes).some((type) => type.mediaType === mediaType && type.check === 'raw');
  if (isRaw) {
    for (const source of findEmbeddedJpegs(original)) {
      try {
        return await renderPreviews(source, maxPixels, orientation);
      } catch {
        // Not every JPEG-looking stream decodes (a DNG's lossless raw data); try the next.
      }
    }
  }
  try {
    // DNG and other TIFF-based files may also decode directly.
    return await renderPreviews(original, maxPixels, null);
  } catch {
    if (isRaw) throw new PreviewUnavailable('no_embedded_preview');
    throw new PreviewUnavailable(mediaType === photoTypes.heic.mediaType ? 'unsupported_format' : 'undecodable');
  }
}
