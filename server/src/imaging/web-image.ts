import sharp from 'sharp';
import { AppError } from '../errors.ts';
import { drawWatermark } from './watermark.ts';
import type { WebImageParams } from './watermark-spec.ts';

/**
 * The "web size" a client downloads (docs/deliveries.md): a JPEG at most 2048 px on its long
 * side, in sRGB, with no metadata, made from the photo's large preview (already upright and in
 * sRGB), and optionally watermarked (watermark.ts) — the same watermark the gallery's previews carry.
 */

export async function renderWebImage(source: Buffer, params: WebImageParams): Promise<Buffer> {
  try {
    const { data, info } = await sharp(source, { limitInputPixels: params.maxPixels, failOn: 'none' })
      .autoOrient()
      .resize(params.maxSide, params.maxSide, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const image = params.watermark
      ? await drawWatermark({ data, info: { width: info.width, height: info.height, channels: 3 } }, params.watermark)
      : sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    return params.format === 'jpeg' ? await image.jpeg({ quality: 88, mozjpeg: true }).toBuffer() : await image.webp({ quality: 82 }).toBuffer();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('source_undecodable', 'This photo could not be made into a web-size image.', 422);
  }
}
