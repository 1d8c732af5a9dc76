import { AppError } from '../errors.ts';
import type { WatermarkPosition } from '../imaging/watermark-spec.ts';
import { cleanText } from '../text.ts';

/**
 * A delivery's watermark: drawn on the client's previews and web-size downloads (never on
 * originals, never on the photographer's own views). Text today; the studio's logo when its
 * branding has one (docs/deliveries.md, "Watermark").
 */

export interface Watermark {
  text: string;
  position: WatermarkPosition;
  opacity: number;
}

export const MAX_WATERMARK_TEXT = 80;

export function parseWatermark(json: string | null): Watermark | null {
  if (json === null) return null;
  try {
    const value = JSON.parse(json) as Partial<Watermark>;
    if (typeof value.text !== 'string' || typeof value.position !== 'string' || typeof value.opacity !== 'number') return null;
    return { text: value.text, position: value.position, opacity: value.opacity };
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
  return JSON.stringify({ text, position: input.position, opacity: Math.round(input.opacity * 100) / 100 });
}
