
/**
 * The photo types the vault accepts, decided by content only (magic bytes, via file-type);
 * the name a client sends never decides the type. How each is checked on upload:
 *   - `decode`: sharp decodes it (pixel limit, truncation), previews come from the image itself;
 *   - `header`: sharp reads its header (HEIC: this libvips decodes HEIF containers, not HEVC);
 *   - `raw`:    camera RAW, recognised by signature; previews come from the embedded JPEG.
 */

export type CheckKind = 'decode' | 'header' | 'raw';

export interface PhotoType {
  mediaType: string;
  /** The canonical extension, given to names that have a wrong one or none. */
  extension: string;
  /** Extensions a name may keep for this content. */
  extensions: readonly string[];
  check: CheckKind;
}

const type = (mediaType: string, extensions: readonly [string, ...string[]], check: CheckKind): PhotoType => ({
  mediaType,
  extension: extensions[0],
  extensions,
  check,
});

export const photoTypes = {
  jpeg: type('image/jpeg', ['jpg', 'jpeg', 'jpe', 'jfif'], 'decode'),
  png: type('image/png', ['png'], 'decode'),
  webp: type('image/webp', ['webp'], 'decode'),
  avif: type('image/avif', ['avif'], 'decode'),
  gif: type('image/gif', ['gif'], 'decode'),
  tiff: type('image/tiff', ['tif', 'tiff'], 'decode'),
  heic: type('image/heic', ['heic', 'heif', 'hif'], 'header'),
  dng: type('image/x-adobe-dng', ['dng'], 'raw'),
  cr2: type('image/x-canon-cr2', ['cr2'], 'raw'),
  cr3: type('image/x-canon-cr3', ['cr3'], 'raw'),
  nef: type('image/x-nikon-nef', ['nef', 'nrw'], 'raw'),
  arw: type('image/x-sony-arw', ['arw', 'srf', 'sr2'], 'raw'),
  raf: type('image/x-fujifilm-raf', ['raf'], 'raw'),
  orf: type('image/x-olympus-orf', ['orf'], 'raw'),
  rw2: type('image/x-panasonic-rw2', ['rw2'], 'raw'),
} as const satisfies Record<string, PhotoType>;

/** What file-type names each accepted format (HEIF single images are `heic` with either MIME type). */
const byDetectedExtension: Record<string, PhotoType> = {
  jpg: photoTypes.jpeg,
  png: photoTypes.png,
  webp: photoTypes.webp,
  avif: photoTypes.avif,
  gif: photoTypes.gif,
  tif: photoTypes.tiff,
  dng: photoTypes.dng,
  cr2: photoTypes.cr2,
  cr3: photoTypes.cr3,
  nef: photoTypes.nef,
  arw: photoTypes.arw,
  raf: photoTypes.raf,
  orf: photoTypes.orf,
  rw2: photoTypes.rw2,
};

const heifStills = new Set(['image/heic', 'image/heif']);

/**
 * Most TIFF-based RAW files have no signature of their own beyond the TIFF header, so
 * file-type calls many NEF, ARW or DNG files `tif`. The content then says "TIFF container",
 * and a RAW extension on the name is consistent with it: we keep that RAW type.
 */
const tiffBasedRaws: readonly PhotoType[] = [photoTypes.dng, photoTypes.cr2, photoTypes.nef, photoTypes.arw, photoTypes.orf, photoTypes.rw2];

/** How many leading bytes the sniffer needs (file-type's own sample size). */
export const SNIFF_BYTES = 4100;

export function extensionOf(name: string | undefined): string | undefined {
  const dot = name?.lastIndexOf('.') ?? -1;
  return name && dot >= 0 ? name.slice(dot + 1).toLowerCase() : undefined;
}

const tiffMagics = [
  [0x49, 0x49, 0x2a, 0x00],
  [0x4d, 0x4d, 0x00, 0x2a],
  [0x49, 0x49, 0x2b, 0x00],
  [0x4d, 0x4d, 0x00, 0x2b],
];

/**
 * file-type looks into a TIFF's first directory (for DNG and ARW tags) and gives up when that
 * lies beyond the sniffed bytes, as libtiff writers usually put it at the end. The header
 * alone still says "TIFF container".
 */
function tiffContainer(head: Uint8Array): { ext: string; mime: string } | undefined {
  return tiffMagics.some((magic) => magic.every((byte, index) => head[index] === byte)) ? { ext: 'tif', mime: 'image/tiff' } : undefined;
}

/** The accepted type of these leading bytes, or undefined when they are not a photo we take. */
export async function detectPhotoType(head: Uint8Array, claimedName?: string): Promise<PhotoType | undefined> {
  // file-type (and its tokenizers) is loaded by the first upload, not at start.
  const { fileTypeFromBuffer } = await import('file-type');
  const detected = (await fileTypeFromBuffer(head)) ?? tiffContainer(head);
  if (!detected) return undefined;
  if (detected.ext === 'heic') return heifStills.has(detected.mime) ? photoTypes.heic : undefined;
  const found = byDetectedExtension[detected.ext];
  if (found === photoTypes.tiff) {
    const claimed = extensionOf(claimedName);
    return tiffBasedRaws.find((raw) => claimed !== undefined && raw.extensions.includes(claimed)) ?? found;
  }
  return found;
}
