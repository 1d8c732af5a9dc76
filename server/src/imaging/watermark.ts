import sharp, { type Sharp } from 'sharp';
import type { WatermarkPosition, WatermarkSpec } from './watermark-spec.ts';

/**
 * A visible watermark, drawn in the imaging children (never the server process) on an image
 * already decoded to raw sRGB pixels: a delivery's previews and web-size downloads
 * (web-image.ts) and a portfolio collection's renditions (transform.ts). Text is drawn as SVG
 * (escaped) and shrunk to fit the image; a logo (PNG/JPEG/WebP bytes) is about a third of the
 * short side. Nine positions, with a margin of a fortieth of the short side except at the centre.
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

/** The overlay for a room of `width` × `height` (the image less its margins), or null when there is nothing to draw. */
async function overlay(spec: WatermarkSpec, width: number, height: number, short: number): Promise<Buffer | null> {
  const opacity = Math.min(1, Math.max(0.05, spec.opacity));
  if (spec.logo && spec.logo.length > 0) {
    const side = Math.max(1, Math.min(width, height, Math.max(16, Math.round(short / 3))));
    const logo = await sharp(Buffer.from(spec.logo), { limitInputPixels: 4096 * 4096 }).resize(side, side, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    // Opacity: scale the alpha channel.
    const pixels = logo.data;
    for (let i = 3; i < pixels.length; i += 4) pixels[i] = Math.round((pixels[i] as number) * opacity);
    return sharp(pixels, { raw: { width: logo.info.width, height: logo.info.height, channels: 4 } }).png().toBuffer();
  }
  const text = (spec.text ?? '').trim();
  if (!text) return null;
  const characters = Array.from(text).length;
  // About a fourteenth of the short side, smaller when the text would not fit across.
  const fontSize = Math.max(6, Math.min(Math.round(short / 14), Math.floor(width / (0.62 * characters + 1))));
  const boxWidth = Math.min(width, Math.round(fontSize * 0.62 * characters + fontSize));
  const boxHeight = Math.min(height, Math.round(fontSize * 1.8));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${boxWidth}" height="${boxHeight}"><text x="50%" y="50%" dominant-baseline="middle" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" fill="#ffffff" fill-opacity="${opacity}" stroke="#000000" stroke-opacity="${opacity * 0.5}" stroke-width="${Math.max(1, Math.round(fontSize / 24))}">${escapeXml(text)}</text></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export interface RawImage {
  data: Buffer;
  info: { width: number; height: number; channels: 3 | 4 };
}

/** The raw image with the watermark composited; still raw pixels with the same channels, for the caller to encode. */
export async function drawWatermark(image: RawImage, spec: WatermarkSpec): Promise<Sharp> {
  const { width, height, channels } = image.info;
  const base = sharp(image.data, { raw: { width, height, channels } });
  const short = Math.min(width, height);
  const margin = spec.position === 'center' ? 0 : Math.round(short / 40);
  const mark = await overlay(spec, Math.max(1, width - 2 * margin), Math.max(1, height - 2 * margin), short);
  if (!mark) return base;
  const padded = margin === 0 ? mark : await sharp(mark).extend({ top: margin, bottom: margin, left: margin, right: margin, background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer();
  const composed = base.composite([{ input: padded, gravity: gravities[spec.position] }]);
  // An opaque image stays three channels: the overlay's alpha must not reach the output.
  return channels === 3 ? composed.removeAlpha() : composed;
}
