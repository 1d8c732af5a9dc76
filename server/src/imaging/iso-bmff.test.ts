import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { heic, zeroLengthBoxAvif, zeroLengthBoxHeic } from '../../test/images.ts';
import { metaBoxReachable } from './iso-bmff.ts';

const box = (length: number, kind: string, body = Buffer.alloc(0)) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(length);
  head.write(kind, 4, 'latin1');
  return Buffer.concat([head, body]);
};
const ftyp = box(24, 'ftyp', Buffer.from('heic\0\0\0\0mif1heic', 'latin1'));

describe('ISO-BMFF box walk before exifr', () => {
  it('reaches meta in a real HEIC and past well-formed boxes, 64-bit lengths included', () => {
    expect(metaBoxReachable(heic)).toBe(true);
    const large = Buffer.alloc(16);
    large.writeUInt32BE(1);
    large.write('free', 4, 'latin1');
    large.writeBigUInt64BE(24n, 8);
    expect(metaBoxReachable(Buffer.concat([ftyp, box(12, 'free', Buffer.alloc(4)), large, Buffer.alloc(8), box(8, 'meta')]))).toBe(true);
  });

  it('refuses a zero, short, zero 64-bit or truncated length before meta, and a file without meta', () => {
    expect(metaBoxReachable(zeroLengthBoxHeic)).toBe(false);
    expect(metaBoxReachable(zeroLengthBoxAvif)).toBe(false);
    expect(metaBoxReachable(Buffer.concat([ftyp, box(4, 'free'), box(8, 'meta')]))).toBe(false);
    const zeroLarge = Buffer.alloc(16);
    zeroLarge.writeUInt32BE(1);
    expect(metaBoxReachable(Buffer.concat([ftyp, zeroLarge, box(8, 'meta')]))).toBe(false);
    expect(metaBoxReachable(Buffer.concat([ftyp, Buffer.from([0, 0, 0, 1, 0x66, 0x72, 0x65, 0x65, 0])]))).toBe(false);
    expect(metaBoxReachable(ftyp)).toBe(false);
  });

  it('reads the metadata of the 32-byte HEIC and AVIF of issue 11 without hanging (in a child, so a hang fails instead of freezing the test run)', async () => {
    const metadataModule = fileURLToPath(new URL('./photo-metadata.ts', import.meta.url));
    const script = `
      const { readPhotoMetadata } = await import(${JSON.stringify(metadataModule)});
      for (const hex of process.argv.slice(1)) console.log(JSON.stringify((await readPhotoMetadata(Buffer.from(hex, 'hex'))).tags));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, zeroLengthBoxHeic.toString('hex'), zeroLengthBoxAvif.toString('hex')], {
      timeout: 20_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(stdout.trim().split('\n')).toEqual(['{}', '{}']);
  });
});
