import zlib from 'node:zlib';
import { ZipArchive } from 'archiver';
import sharp from 'sharp';

/**
 * Real files for vault tests, generated with sharp, and the bad-input corpus: truncated and
 * crafted images, polyglots, archives in disguise. Nothing here is a fixture on disk.
 */

export type SampleFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'tiff' | 'gif';

/** A photo-like image: gradients and some noise, so encoders produce realistic sizes. */
export async function photo(format: SampleFormat, options: { width?: number; height?: number; exif?: boolean } = {}): Promise<Buffer> {
  const width = options.width ?? 640;
  const height = options.height ?? 480;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      pixels[at] = (x * 255) / width;
      pixels[at + 1] = (y * 255) / height;
      pixels[at + 2] = ((x + y) * 7 + ((x * 31 + y * 17) % 23)) & 0xff;
    }
  }
  let image = sharp(pixels, { raw: { width, height, channels: 3 } });
  if (options.exif) {
    image = image.withExif({
      IFD0: { Make: 'Canon', Model: 'Canon EOS R5' },
      IFD2: { DateTimeOriginal: '2023:06:01 14:22:11', FNumber: '28/10', ExposureTime: '1/250', ISOSpeedRatings: '400', FocalLength: '85/1', LensModel: 'RF 85mm F1.2 L USM' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 0/1' },
    });
  }
  return image.toFormat(format).toBuffer();
}

/** Noise compresses badly: a PNG of several MiB, so downloads take the streaming paths. */
export async function noisyPng(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: 'black', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png().toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** A PNG whose header declares 100 000 × 100 000 pixels (valid CRCs), with a few bytes of data. */
export function pngBomb(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(100_000, 0);
  header.writeUInt32BE(100_000, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(Buffer.alloc(4096))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid JPEG that is also an HTML page with a script, for a browser that sniffs. */
export async function jpegHtmlPolyglot(): Promise<Buffer> {
  return Buffer.concat([await photo('jpeg', { width: 64, height: 48 }), Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>')]);
}

/**
 * A real HEIC (HEVC in HEIF, 96 × 64): this libvips reads HEIF headers but cannot encode or
 * decode HEVC, so it was made once with libheif's heif-enc (Debian libheif-examples 1.15).
 */
export const heic = Buffer.from(
  'AAAAHGZ0eXBoZWljAAAAAG1pZjFoZWljbWlhZgAAAT9tZXRhAAAAAAAAACFoZGxyAAAAAAAAAABwaWN0AAAAAAAAAAAAAAAAAAAAAA5waXRtAAAAAAABAAAAImlsb2MAAAAAREAAAQABAAAAAAFjAAEAAAAAAAAAXwAAACNpaW5mAAAAAAABAAAAFWluZmUCAAAAAAEAAGh2YzEAAAAAv2lwcnAAAAChaXBjbwAAAHVodmNDAQNwAAAAAAAAAAAAHvAA/P34+AAADwMgAAEAGEABDAH//wNwAAADAJAAAAMAAAMAHroCQCEAAQAoQgEBA3AAAAMAkAAAAwAAAwAeoDCBBZbqSSmubAgAAAMACAAAAwAIQCIAAQAHRAHBcrAiQAAAABRpc3BlAAAAAAAAAGAAAABAAAAAEHBpeGkAAAAAAwgICAAAABZpcG1hAAAAAAAAAAEAAQOBAoMAAABnbWRhdAAAAFsoAa9Y+TJVaEpwO5nswSBxC1lrrjSnPvobBEWAohheaD+8le6A5g0yul+15nwePIuUjcqKcoWFWEgiXucr3uOWOC+luRObPpo+R7sGi8GJTKbrdExR3Jinsxh+',
  'base64',
);

/**
 * The 32-byte HEIC of issue 11 and its AVIF twin: an `ftyp` box, then a box of length 0.
 * exifr 7.1.3's HEIF parser loops forever on them (imaging/iso-bmff.ts).
 */
export const zeroLengthBoxHeic = Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1');
export const zeroLengthBoxAvif = Buffer.from('\x00\x00\x00\x18ftypavif\x00\x00\x00\x00mif1avif\x00\x00\x00\x00\x00\x00\x00\x00', 'latin1');

export const svgWithScript = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');

export async function zipArchive(): Promise<Buffer> {
  const archive = new ZipArchive();
  const pieces: Buffer[] = [];
  archive.on('data', (piece: Buffer) => pieces.push(piece));
  const ended = new Promise((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  archive.append('not a photo', { name: 'readme.txt' });
  await archive.finalize();
  await ended;
  return Buffer.concat(pieces);
}

/** The EICAR antivirus test string: harmless, and detected by every scanner. */
export const eicar = Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');

interface TiffEntry {
  tag: number;
  type: 2 | 3 | 4 | 1;
  values: number[] | string;
}

/**
 * A minimal TIFF-based RAW: a little-endian TIFF whose first directory holds an embedded
 * JPEG as its strip, the camera's make and model, and the given extra tags (DNGVersion makes
 * it a DNG). `signature` is written after the header, like Canon's "CR\x02\x00".
 */
export function tiffRaw(jpeg: Buffer, options: { extraTags?: TiffEntry[]; signature?: Buffer; width?: number; height?: number } = {}): Buffer {
  const signature = options.signature ?? Buffer.alloc(0);
  const make = 'Shutterlock\0';
  const model = 'Test Camera\0';
  const standard: TiffEntry[] = [
    { tag: 254, type: 4, values: [1] },
    { tag: 256, type: 4, values: [options.width ?? 640] },
    { tag: 257, type: 4, values: [options.height ?? 480] },
    { tag: 259, type: 3, values: [7] },
    { tag: 262, type: 3, values: [6] },
    { tag: 271, type: 2, values: make },
    { tag: 272, type: 2, values: model },
    { tag: 273, type: 4, values: [0] },
    { tag: 277, type: 3, values: [3] },
    { tag: 279, type: 4, values: [jpeg.length] },
  ];
  const entries = [...standard, ...(options.extraTags ?? [])].sort((a, b) => a.tag - b.tag);
  const directoryOffset = 8 + signature.length;
  const directorySize = 2 + entries.length * 12 + 4;
  let dataOffset = directoryOffset + directorySize;
  const outOfLine: Buffer[] = [];
  const directory = Buffer.alloc(directorySize);
  directory.writeUInt16LE(entries.length, 0);
  const stripOffsetAt: number[] = [];
  entries.forEach((entry, index) => {
    const at = 2 + index * 12;
    directory.writeUInt16LE(entry.tag, at);
    directory.writeUInt16LE(entry.type, at + 2);
    const bytes =
      typeof entry.values === 'string'
        ? Buffer.from(entry.values, 'latin1')
        : Buffer.concat(
            entry.values.map((value) => {
              const size = entry.type === 3 ? 2 : entry.type === 4 ? 4 : 1;
              const buffer = Buffer.alloc(size);
              if (size === 2) buffer.writeUInt16LE(value);
              else if (size === 4) buffer.writeUInt32LE(value);
              else buffer.writeUInt8(value);
              return buffer;
            }),
          );
    directory.writeUInt32LE(entry.values.length, at + 4);
    if (bytes.length <= 4) bytes.copy(directory, at + 8);
    else {
      directory.writeUInt32LE(dataOffset, at + 8);
      outOfLine.push(bytes);
      dataOffset += bytes.length;
    }
    if (entry.tag === 273) stripOffsetAt.push(at + 8);
  });
  for (const at of stripOffsetAt) directory.writeUInt32LE(dataOffset, at);
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0, 0, 0, 0]);
  header.writeUInt32LE(directoryOffset, 4);
  return Buffer.concat([header, signature, directory, ...outOfLine, jpeg]);
}

export const dngVersionTag: TiffEntry = { tag: 50706, type: 1, values: [1, 4, 0, 0] };
