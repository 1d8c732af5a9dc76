import { AppError } from '../errors.ts';

/**
 * The refusals of image checks and previews, apart from the code that decodes (images.ts,
 * previews.ts run only in the imaging pool's children): the server process, which rebuilds
 * them from a child's answer and checks a large TIFF's stated size itself, loads no decoder.
 */

export interface Dimensions {
  width: number;
  height: number;
}

export function fileCorrupt(): AppError {
  return new AppError('file_corrupt', 'The file is damaged or incomplete and cannot be read as an image.', 422);
}

export function imageTooLarge(maxPixels: number): AppError {
  return new AppError('image_too_large', `The image has more than ${maxPixels} pixels.`, 422);
}

export function assertPixelLimit(dimensions: Dimensions, maxPixels: number): void {
  if (dimensions.width * dimensions.height > maxPixels) throw imageTooLarge(maxPixels);
}

/** Reasons shown to the photographer; fixed codes, never content. */
export type PreviewFailure = 'too_large_to_preview' | 'no_embedded_preview' | 'unsupported_format' | 'undecodable' | 'integrity_check_failed' | 'preview_generation_failed';

/** No preview can be made from these bytes, whatever the retries: the reason is final. */
export class PreviewUnavailable extends Error {
  readonly reason: PreviewFailure;
  constructor(reason: PreviewFailure) {
    super(reason);
    this.reason = reason;
  }
}
