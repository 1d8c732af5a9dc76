import { describe, expect, it } from 'vitest';
import { dngVersionTag, photo, tiffRaw } from '../../test/images.ts';
import { findEmbeddedJpegs } from './embedded-jpeg.ts';

describe('embedded JPEG previews', () => {
  it('finds every embedded JPEG, largest first, whole and nothing more', async () => {
    const large = await photo('jpeg', { width: 800, height: 600 });
    const small = await photo('jpeg', { width: 160, height: 120 });
    const raw = Buffer.concat([tiffRaw(small, { extraTags: [dngVersionTag] }), Buffer.alloc(1000, 0x11), large, Buffer.alloc(10, 0xff)]);
    const found = findEmbeddedJpegs(raw);
    expect(found.map((jpeg) => jpeg.length)).toEqual([large.length, small.length]);
    expect(found[0]?.equals(large)).toBe(true);
    expect(found[1]?.equals(small)).toBe(true);
  });

  it('skips truncated streams and marker soup', async () => {
    const jpeg = await photo('jpeg', { width: 160, height: 120 });
    expect(findEmbeddedJpegs(jpeg.subarray(0, jpeg.length - 100))).toEqual([]);
    expect(findEmbeddedJpegs(Buffer.from([0xff, 0xd8, 0xff, 0xff, 0xd8, 0xff, 0x00]))).toEqual([]);
    expect(findEmbeddedJpegs(Buffer.alloc(0))).toEqual([]);
  });
});
