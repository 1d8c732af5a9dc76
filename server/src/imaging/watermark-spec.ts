import { AppError } from '../errors.ts';
import { cleanText } from '../text.ts';

/** What a web-size image and a watermark are (web-image.ts and watermark.ts render them in the imaging children): values only, safe for the server process to import. */

export const WEB_SIZE = 2048;

export type WatermarkPosition = 'center' | 'top-left' | 'top' | 'top-right' | 'left' | 'right' | 'bottom-left' | 'bottom' | 'bottom-right';

export const watermarkPositions: readonly WatermarkPosition[] = ['center', 'top-left', 'top', 'top-right', 'left', 'right', 'bottom-left', 'bottom', 'bottom-right'];

export interface WatermarkSpec {
  /** Text to draw; ignored when a logo is given. */
  text: string | null;
  /** A logo's image bytes (the studio's, from its branding). */
  logo?: Uint8Array | null;
  position: WatermarkPosition;
  /** 0.05 – 1. */
  opacity: number;
}

export interface WebImageParams {
  format: 'jpeg' | 'webp';
  maxSide: number;
  watermark: WatermarkSpec | null;
  maxPixels: number;
}


/**
 * A watermark as a photographer sets it (a delivery's, docs/deliveries.md "Watermark"; a
 * portfolio collection's, docs/portfolio.md): text, and for a collection optionally the studio's
 * logo instead (drawn when its branding has one; the text otherwise, so a removed logo never
 * leaves the photos unmarked).
 */
export interface Watermark {
  text: string;
  position: WatermarkPosition;
  opacity: number;
  /** Draw the studio's logo when it has one. */
  logo?: boolean;
}

export const MAX_WATERMARK_TEXT = 80;

export function parseWatermark(json: string | null): Watermark | null {
  if (json === null) return null;
  try {
    const value = JSON.parse(json) as Partial<Watermark>;
    if (typeof value.text !== 'string' || typeof value.position !== 'string' || typeof value.opacity !== 'number') return null;
    return { text: value.text, position: value.position, opacity: value.opacity, ...(value.logo === true && { logo: true }) };
  } catch {
    return null;
  }
}

/** The stored form of a watermark the photographer set (null: none); the text cleaned like a title. */
export function watermarkJson(input: Watermark | null): string | null {
  if (input === null) return null;
  const text = cleanText(input.text);
  if (!text || Array.from(text).length > MAX_WATERMARK_TEXT) {
    throw new AppError('watermark_text_invalid', `A watermark's text must be 1 to ${MAX_WATERMARK_TEXT} visible characters.`, 400);
  }
  return JSON.stringify({ text, position: input.position, opacity: Math.round(input.opacity * 100) / 100, ...(input.logo === true && { logo: true }) });
}
