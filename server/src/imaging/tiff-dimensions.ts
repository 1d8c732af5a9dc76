/**
 * The width and height in a TIFF's first directory, read with a few small random reads.
 * For TIFFs too large to decode on upload: libtiff writers usually put the directory after
 * the pixel data, at the end of the file, out of reach of a header-only read.
 */

export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

const IMAGE_WIDTH = 256;
const IMAGE_LENGTH = 257;
const SHORT = 3;
const LONG = 4;
const LONG8 = 16;
/** A directory with more entries than this is not a photo's. */
const MAX_ENTRIES = 4096;

export async function readTiffDimensions(readAt: ReadAt, size: number): Promise<{ width: number; height: number } | undefined> {
  if (size < 16) return undefined;
  const header = await readAt(0, 16);
  const order = header.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const little = order === 'II';
  const u16 = (buffer: Buffer, at: number) => (little ? buffer.readUInt16LE(at) : buffer.readUInt16BE(at));
  const u32 = (buffer: Buffer, at: number) => (little ? buffer.readUInt32LE(at) : buffer.readUInt32BE(at));
  const u64 = (buffer: Buffer, at: number) => Number(little ? buffer.readBigUInt64LE(at) : buffer.readBigUInt64BE(at));
  const big = u16(header, 2) === 43;
  if (!big && u16(header, 2) !== 42) return undefined;
  // Classic: 2-byte count, 12-byte entries, value at +8. BigTIFF: 8-byte count, 20-byte entries, value at +12.
  const directory = big ? u64(header, 8) : u32(header, 4);
  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  if (directory + countSize > size) return undefined;
  const countBytes = await readAt(directory, countSize);
  const count = big ? u64(countBytes, 0) : u16(countBytes, 0);
  if (count === 0 || count > MAX_ENTRIES || directory + countSize + count * entrySize > size) return undefined;
  const entries = await readAt(directory + countSize, count * entrySize);
  const found = new Map<number, number>();
  for (let at = 0; at < entries.length; at += entrySize) {
    const tag = u16(entries, at);
    if (tag !== IMAGE_WIDTH && tag !== IMAGE_LENGTH) continue;
    const type = u16(entries, at + 2);
    const valueAt = at + (big ? 12 : 8);
    const value = type === SHORT ? u16(entries, valueAt) : type === LONG ? u32(entries, valueAt) : big && type === LONG8 ? u64(entries, valueAt) : undefined;
    if (value !== undefined) found.set(tag, value);
  }
  const width = found.get(IMAGE_WIDTH);
  const height = found.get(IMAGE_LENGTH);
  return width && height ? { width, height } : undefined;
}
