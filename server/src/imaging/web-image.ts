import sharp from 'sharp';
import { AppError } from '../errors.ts';
import type { WatermarkPosition, WatermarkSpec, WebImageParams } from './watermark-spec.ts';

/**
 * The "web size" a client downloads (docs/deliveries.md): a JPEG at most 2048 px on its long
 * side, in sRGB, with no metadata, made from the photo's large preview (already upright and in
 * sRGB), and optionally watermarked — the same watermark the gallery's previews carry. The
 * watermark is text (drawn as SVG, escaped) or a logo (PNG/JPEG/WebP bytes), at one of nine
 * positions, with an opacity.
 */

const gravities: Record<WatermarkPosition, string> = {
  center: 'centre',
  'top-left': 'northwest',
  top: 'north',
  'top-right': 'northeast',
  left: 'west',
  right: 'east',
  'bottom-left': 'southwest',
  bottom: 'south',
  'bottom-right': 'southeast',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** The watermark as an overlay for an image of `width` × `height`: about a third of the short side wide for a logo, text sized to the image. */
async function overlay(spec: WatermarkSpec, width: number, height: number): Promise<Buffer | null> {
  const opacity = Math.min(1, Math.max(0.05, spec.opacity));
  const short = Math.min(width, height);
  if (spec.logo && spec.logo.length > 0) {
    const side = Math.max(16, Math.round(short / 3));
    const logo = await sharp(Buffer.from(spec.logo), { limitInputPixels: 4096 * 4096 }).resize(side, side, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    // Opacity: scale the alpha channel.
    const pixels = logo.data;
    for (let i = 3; i < pixels.length; i += 4) pixels[i] = Math.round((pixels[i] as number) * opacity);
    return sharp(pixels, { raw: { width: logo.info.width, height: logo.info.height, channels: 4 } }).png().toBuffer();
  }
  const text = (spec.text ?? '').trim();
  if (!text) return null;
  const fontSize = Math.max(10, Math.round(short / 14));
  const boxWidth = Math.min(width, Math.round(fontSize * 0.62 * Array.from(text).length + fontSize));
  const boxHeight = Math.round(fontSize * 1.8);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${boxWidth}" height="${boxHeight}"><text x="50%" y="50%" dominant-baseline="middle" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" fill="#ffffff" fill-opacity="${opacity}" stroke="#000000" stroke-opacity="${opacity * 0.5}" stroke-width="${Math.max(1, Math.round(fontSize / 24))}">${escapeXml(text)}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export async function renderWebImage(source: Buffer, params: WebImageParams): Promise<Buffer> {
  try {
    const { data, info } = await sharp(source, { limitInputPixels: params.maxPixels, failOn: 'none' })
      .autoOrient()
      .resize(params.maxSide, params.maxSide, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    let image = sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
    const mark = params.watermark ? await overlay(params.watermark, info.width, info.height) : null;
    if (mark) {
      const margin = Math.round(Math.min(info.width, info.height) / 40);
      const padded = params.watermark?.position === 'center' ? mark : await sharp(mark).extend({ top: margin, bottom: margin, left: margin, right: margin, background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer();
      // Flattened back to three channels: the overlay's alpha must not reach the output.
      image = image.composite([{ input: padded, gravity: gravities[params.watermark?.position ?? 'center'] }]).removeAlpha();
    }
    return params.format === 'jpeg' ? await image.jpeg({ quality: 88, mozjpeg: true }).toBuffer() : await image.webp({ quality: 82 }).toBuffer();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('source_undecodable', 'This photo could not be made into a web-size image.', 422);
  }
}
