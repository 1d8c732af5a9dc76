/** What a web-size image and a watermark are (web-image.ts renders them in the imaging children): values only, safe for the server process to import. */

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

