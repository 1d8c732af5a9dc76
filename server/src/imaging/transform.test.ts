import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { photo } from '../../test/images.ts';
import { AppError } from '../errors.ts';
import type { TransformSpec } from './transform-spec.ts';
import { transformImage } from './transform.ts';

/** The image service's transform: upright, stripped, sRGB, bounded, every operation applied. */

const limits = { maxPixels: 50_000_000 };
const spec = (overrides: Partial<TransformSpec>): TransformSpec => ({ fit: 'cover', format: 'jpeg', enlarge: false, ...overrides });

async function failure(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return (error as AppError).code;
  }
  return 'none';
}

describe('transformImage', () => {
  it('applies the EXIF orientation and leaves no metadata (no EXIF, GPS, XMP or profile)', async () => {
    const rotated = await sharp(await photo('jpeg', { width: 200, height: 100, exif: true })).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect((await sharp(rotated).metadata()).exif).toBeDefined();
    const out = await transformImage(rotated, spec({ width: 50 }), limits);
    const meta = await sharp(out.data).metadata();
    expect([out.width, out.height, meta.orientation, meta.exif, meta.xmp, meta.icc, meta.space]).toEqual([50, 100, undefined, undefined, undefined, undefined, 'srgb']);
    expect(out.data.includes(Buffer.from('Canon'))).toBe(false);
  });

  it('converts a wide-gamut source to sRGB', async () => {
    const p3 = await sharp(await photo('png', { width: 64, height: 64 })).withIccProfile('p3').png().toBuffer();
    const out = await transformImage(p3, spec({ format: 'png', width: 32 }), limits);
    expect((await sharp(out.data).metadata()).icc).toBeUndefined();
  });

  it('writes every output format, without enlarging unless asked', async () => {
    const source = await photo('png', { width: 120, height: 80 });
    for (const [format, mediaType] of [['webp', 'image/webp'], ['avif', 'image/avif'], ['png', 'image/png'], ['jpeg', 'image/jpeg']] as const) {
      const out = await transformImage(source, spec({ format, width: 60, quality: 50 }), limits);
      expect([out.mediaType, (await sharp(out.data).metadata()).format]).toEqual([mediaType, format === 'jpeg' ? 'jpeg' : format === 'avif' ? 'heif' : format]);
    }
    expect((await transformImage(source, spec({ width: 400, fit: 'inside' }), limits)).width).toBe(120);
    expect((await transformImage(source, spec({ width: 240, fit: 'inside', enlarge: true }), limits)).width).toBe(240);
  });

  it('crops, rotates, fits with a focal point, honours dpr, blurs, sharpens and pads', async () => {
    const source = await photo('png', { width: 200, height: 100 });
    expect((await transformImage(source, spec({ crop: { width: 0.5, height: 50 } }), limits))).toMatchObject({ width: 100, height: 50 });
    expect((await transformImage(source, spec({ rotate: 90 }), limits))).toMatchObject({ width: 100, height: 200 });
    expect((await transformImage(source, spec({ width: 40, height: 40, gravity: { focalPoint: [0.9, 0.5] } }), limits))).toMatchObject({ width: 40, height: 40 });
    expect((await transformImage(source, spec({ width: 50, dpr: 2 }), limits)).width).toBe(100);
    expect((await transformImage(source, spec({ width: 50, height: 50, fit: 'contain', background: 'ff0000', blur: 1, sharpen: 0.5, gravity: 'sm' }), limits))).toMatchObject({ width: 50, height: 50 });
  });

  it('refuses sources over the pixel limit, and what is not an image, with 422', async () => {
    const source = await photo('png', { width: 300, height: 300 });
    expect(await failure(transformImage(source, spec({ width: 10 }), { maxPixels: 10_000 }))).toBe('image_too_large');
    expect(await failure(transformImage(Buffer.from('<svg onload=alert(1)>'), spec({ width: 10 }), limits))).toBe('source_undecodable');
    expect(await failure(transformImage(source.subarray(0, 200), spec({ width: 10 }), limits))).toBe('source_undecodable');
  });

  it('draws a watermark last, where it is placed, within the output whatever its size, and keeps alpha', async () => {
    const source = await photo('jpeg', { width: 640, height: 480 });
    const raw = async (bytes: Buffer) => (await sharp(bytes).raw().toBuffer({ resolveWithObject: true }));
    const plain = await raw((await transformImage(source, spec({ width: 320, format: 'png' }), limits)).data);
    const watermark = { text: 'Hensler Photography', position: 'bottom-right' as const, opacity: 1 };
    const marked = await transformImage(source, spec({ width: 320, format: 'png', watermark }), limits);
    expect([marked.width, marked.height]).toEqual([320, 240]);
    const pixels = await raw(marked.data);
    expect(pixels.info.channels).toBe(plain.info.channels);
    const changed = (x0: number, y0: number, x1: number, y1: number) => {
      let count = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (pixels.data[(y * 320 + x) * 3] !== plain.data[(y * 320 + x) * 3]) count++;
      return count;
    };
    expect(changed(160, 200, 320, 240)).toBeGreaterThan(100);
    expect(changed(0, 0, 160, 120)).toBe(0);
    // 80 characters on the smallest rendition: shrunk to fit, never an error; a logo too.
    const long = { ...watermark, text: 'W'.repeat(80), position: 'top-left' as const };
    expect((await transformImage(source, spec({ width: 320, format: 'webp', watermark: long }), limits)).width).toBe(320);
    const logo = await sharp({ create: { width: 400, height: 100, channels: 4, background: { r: 200, g: 0, b: 0, alpha: 1 } } }).png().toBuffer();
    const withLogo = await transformImage(source, spec({ width: 320, format: 'jpeg', watermark: { ...watermark, logo } }), limits);
    expect(withLogo.width).toBe(320);
    const transparent = await sharp({ create: { width: 64, height: 64, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const stillTransparent = await transformImage(transparent, spec({ width: 64, format: 'png', watermark: { ...watermark, position: 'center' } }), limits);
    expect((await sharp(stillTransparent.data).metadata()).channels).toBe(4);
  });
});
