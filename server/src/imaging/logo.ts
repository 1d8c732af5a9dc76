import sharp from 'sharp';
import { AppError } from '../errors.ts';

/**
 * A studio's logo, as its clients see it (studios/branding.ts): decoded under a pixel limit in
 * an imaging child and written again as a PNG no larger than `maxSide` on either side, upright,
 * in sRGB, with no metadata at all and only the first frame of an animation. What reaches a
 * client is always these re-encoded bytes, never what was uploaded.
 */

export interface RenderedLogo {
  png: Buffer;
  width: number;
  height: number;
}

export function logoUndecodable(): AppError {
  return new AppError('logo_undecodable', 'This logo could not be read. Upload a PNG, JPEG or WebP image.', 422);
}

export async function renderLogo(input: Buffer, params: { maxPixels: number; maxSide: number }): Promise<RenderedLogo> {
  try {
    const { data, info } = await sharp(input, { limitInputPixels: params.maxPixels, failOn: 'error', pages: 1 })
      .rotate()
      .resize({ width: params.maxSide, height: params.maxSide, fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .png({ compressionLevel: 9 })
      .toBuffer({ resolveWithObject: true });
    return { png: data, width: info.width, height: info.height };
  } catch (error) {
    if (error instanceof Error && /pixel limit/i.test(error.message)) {
      throw new AppError('logo_too_large', `This logo has more than ${params.maxPixels} pixels.`, 422);
    }
    throw logoUndecodable();
  }
}
