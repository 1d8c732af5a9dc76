/**
 * The JPEG previews camera RAW files carry (a full-size one in most CR2, NEF, ARW, DNG, RAF,
 * ORF and RW2 files, a 1620-px one in CR3), found by walking JPEG marker structure from each
 * start-of-image marker rather than by parsing every maker's own layout. Candidates come back
 * largest first; a candidate may still be undecodable (the lossless JPEG holding a DNG's raw
 * data looks the same from outside), so callers try them in turn.
 */

const START_OF_IMAGE = Buffer.from([0xff, 0xd8, 0xff]);
const END_OF_IMAGE = 0xd9;
const START_OF_SCAN = 0xda;
const MIN_CANDIDATE_BYTES = 2_048;
const MAX_CANDIDATES = 16;

const isRestart = (marker: number): boolean => marker >= 0xd0 && marker <= 0xd7;

/** The offset just past the image's end-of-image marker, or undefined when the structure breaks first. */
function jpegEnd(bytes: Buffer, start: number): number | undefined {
  let at = start + 2;
  while (at + 2 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] as number;
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === END_OF_IMAGE) return at + 2;
    if (isRestart(marker) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) return undefined;
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2) return undefined;
    at += 2 + length;
    if (marker !== START_OF_SCAN) continue;
    // Entropy-coded data: 0xFF is followed only by a stuffed 0x00 or a restart marker until the next real marker.
    for (;;) {
      at = bytes.indexOf(0xff, at);
      if (at < 0 || at + 1 >= bytes.length) return undefined;
      const next = bytes[at + 1] as number;
      if (next !== 0x00 && !isRestart(next)) break;
      at += 2;
    }
  }
  return undefined;
}

export function findEmbeddedJpegs(bytes: Buffer): Buffer[] {
  const found: Buffer[] = [];
  let from = 0;
  while (found.length < MAX_CANDIDATES) {
    const start = bytes.indexOf(START_OF_IMAGE, from);
    if (start < 0) break;
    const end = jpegEnd(bytes, start);
    if (end === undefined) {
      from = start + START_OF_IMAGE.length;
      continue;
    }
    if (end - start >= MIN_CANDIDATE_BYTES) found.push(bytes.subarray(start, end));
    // Skip past it: a JPEG's own EXIF thumbnail is no better a candidate than the JPEG.
    from = end;
  }
  return found.sort((a, b) => b.length - a.length);
}
