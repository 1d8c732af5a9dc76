/**
 * A check of the top-level box structure of an ISO-BMFF file (HEIF, HEIC, AVIF, CR3) before
 * exifr reads it. exifr 7.1.3's HEIF parser walks the top-level boxes from `ftyp` until it
 * meets `meta`, adding each box's length: a box of length 0 (legal in ISO-BMFF: "to the end of
 * the file"), or a 64-bit length of 0, never moves it on, and it loops forever on microtasks,
 * starving the event loop. exifr takes a file for HEIF when its first two bytes are zero, so
 * that is what decides whether the walk must succeed.
 */

const BOX_HEADER = 8;
const LARGE_BOX_HEADER = 16;

/** Whether exifr would read these bytes with its HEIF parser. */
export function looksLikeIsoBmff(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0 && bytes[1] === 0;
}

/**
 * True when walking the top-level boxes reaches a `meta` box, every box before it having a
 * length that moves the walk forward (at least its own header). False for anything else:
 * a zero, too short or truncated length, or no `meta` within the bytes.
 */
export function metaBoxReachable(bytes: Uint8Array): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset + BOX_HEADER <= bytes.length) {
    const kind = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (kind === 'meta') return true;
    let length = view.getUint32(offset);
    if (length === 1) {
      if (offset + LARGE_BOX_HEADER > bytes.length) return false;
      length = Number(view.getBigUint64(offset + 8));
      if (length < LARGE_BOX_HEADER) return false;
    } else if (length < BOX_HEADER) {
      return false;
    }
    offset += length;
  }
  return false;
}
