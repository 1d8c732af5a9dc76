import { describe, expect, it } from 'vitest';
import { dngVersionTag, photo, svgWithScript, tiffRaw, zipArchive } from '../../test/images.ts';
import { detectPhotoType, photoTypes } from './file-types.ts';

/**
 * Type detection by content. JPEG to GIF are real files made by sharp. This libvips cannot
 * write HEIC (no HEVC encoder), and no camera is at hand for RAW files, so those are crafted
 * headers with the signatures file-type and cameras use; DNG, CR2 and NEF are complete
 * minimal TIFF-based files with an embedded JPEG (they are uploaded in upload.test.ts).
 */

function isoBmff(brand: string): Buffer {
  const box = Buffer.alloc(32);
  box.writeUInt32BE(24, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(brand.padEnd(4, ' '), 8, 'latin1');
  box.write('mif1heic', 16, 'latin1');
  return box;
}

describe('photo type detection', () => {
  it.each(['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif'] as const)('recognises %s made by sharp', async (format) => {
    expect(await detectPhotoType(await photo(format, { width: 32, height: 24 }))).toBe(photoTypes[format]);
  });

  it('recognises HEIF stills but not HEIF sequences', async () => {
    expect(await detectPhotoType(isoBmff('heic'))).toBe(photoTypes.heic);
    expect(await detectPhotoType(isoBmff('mif1'))).toBe(photoTypes.heic);
    expect(await detectPhotoType(isoBmff('hevc'))).toBeUndefined();
    expect(await detectPhotoType(isoBmff('isom'))).toBeUndefined();
  });

  it('recognises camera RAW signatures', async () => {
    const jpeg = await photo('jpeg', { width: 32, height: 24 });
    expect(await detectPhotoType(tiffRaw(jpeg, { extraTags: [dngVersionTag] }))).toBe(photoTypes.dng);
    expect(await detectPhotoType(tiffRaw(jpeg, { signature: Buffer.from('CR\x02\x00\x00\x00\x00\x00', 'latin1') }))).toBe(photoTypes.cr2);
    expect(await detectPhotoType(tiffRaw(jpeg, { extraTags: [{ tag: 50341, type: 1, values: [1] }] }))).toBe(photoTypes.arw);
    expect(await detectPhotoType(isoBmff('crx'))).toBe(photoTypes.cr3);
    expect(await detectPhotoType(Buffer.concat([Buffer.from('FUJIFILMCCD-RAW 0201FF383501', 'latin1'), Buffer.alloc(100)]))).toBe(photoTypes.raf);
    expect(await detectPhotoType(Buffer.concat([Buffer.from([0x49, 0x49, 0x52, 0x4f, 0x08, 0x00, 0x00, 0x00, 0x18]), Buffer.alloc(100)]))).toBe(photoTypes.orf);
    expect(await detectPhotoType(Buffer.concat([Buffer.from([0x49, 0x49, 0x55, 0x00, 0x18, 0x00, 0x00, 0x00, 0x88, 0xe7, 0x74, 0xd8]), Buffer.alloc(100)]))).toBe(photoTypes.rw2);
  });

  it('keeps a RAW extension on content that is a plain TIFF container, and only then', async () => {
    const tiffContainer = tiffRaw(await photo('jpeg', { width: 32, height: 24 }));
    expect(await detectPhotoType(tiffContainer, 'DSC_0001.NEF')).toBe(photoTypes.nef);
    expect(await detectPhotoType(tiffContainer, 'scan.tif')).toBe(photoTypes.tiff);
    expect(await detectPhotoType(tiffContainer, 'trick.png')).toBe(photoTypes.tiff);
    // The name never turns other content into a RAW.
    expect(await detectPhotoType(await photo('jpeg', { width: 32, height: 24 }), 'x.nef')).toBe(photoTypes.jpeg);
  });

  it('refuses what is not a photo, whatever its name', async () => {
    expect(await detectPhotoType(svgWithScript, 'cat.svg')).toBeUndefined();
    expect(await detectPhotoType(await zipArchive(), 'holiday.jpg')).toBeUndefined();
    expect(await detectPhotoType(Buffer.from('<html><script>alert(1)</script></html>'), 'x.jpg')).toBeUndefined();
    expect(await detectPhotoType(Buffer.from('%PDF-1.7\n'), 'x.jpg')).toBeUndefined();
  });
});
