import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { photo } from '../../test/images.ts';
import { AppError } from '../errors.ts';
import { type TransformSpec, transformImage } from './transform.ts';

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
});
