import exifr from 'exifr';
import { looksLikeIsoBmff, metaBoxReachable } from './iso-bmff.ts';

/**
 * EXIF, IPTC and XMP of an uploaded photo, read with exifr. All of it, GPS included, is kept
 * only inside the sealed metadata of the file's row; previews carry none of it (sharp strips
 * metadata), and only the studio itself is shown the summary and the location.
 */

export interface ExifSummary {
  camera: string | null;
  lens: string | null;
  /** As photographers write it: "1/250" or "2.5" (seconds). */
  exposureTime: string | null;
  fNumber: number | null;
  iso: number | null;
  focalLength: number | null;
  gps: { latitude: number; longitude: number; altitude: number | null } | null;
}

export interface PhotoMetadata {
  /** The camera's wall-clock time, ISO 8601, with its offset when the camera recorded one. */
  capturedAt: string | null;
  /** EXIF orientation 1–8, for previews made from an embedded JPEG that lacks its own. */
  orientation: number | null;
  /** Dimensions as the metadata states them; for RAW files, where nothing is decoded on upload. */
  width: number | null;
  height: number | null;
  exif: ExifSummary;
  /** Every other readable tag, scalar values only, bounded in size. */
  tags: Record<string, string | number | boolean>;
}

const MAX_TAG_TEXT = 2_000;
const MAX_TAGS_BYTES = 32 * 1024;

const emptySummary: ExifSummary = { camera: null, lens: null, exposureTime: null, fNumber: null, iso: null, focalLength: null, gps: null };
const emptyPhotoMetadata: PhotoMetadata = { capturedAt: null, orientation: null, width: null, height: null, exif: emptySummary, tags: {} };

type Tags = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 200) : null);
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function pad(value: number, length = 2): string {
  return String(value).padStart(length, '0');
}

/**
 * exifr turns "2023:06:01 14:22:11" into a Date in the server's time zone. Reading it back
 * with the local getters recovers the camera's wall-clock time whatever that zone is.
 */
function wallClock(value: unknown, offset: unknown): string | null {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) return null;
  const date = `${pad(value.getFullYear(), 4)}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
  const time = `${pad(value.getHours())}:${pad(value.getMinutes())}:${pad(value.getSeconds())}`;
  const zone = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '';
  return `${date}T${time}${zone}`;
}

function exposure(seconds: number | null): string | null {
  if (seconds === null || seconds <= 0) return null;
  return seconds < 1 ? `1/${Math.round(1 / seconds)}` : String(Math.round(seconds * 10) / 10);
}

function camera(make: string | null, model: string | null): string | null {
  if (make && model) return model.toLowerCase().startsWith(make.toLowerCase()) ? model : `${make} ${model}`;
  return model ?? make;
}

function scalarTags(tags: Tags): Record<string, string | number | boolean> {
  const kept: Record<string, string | number | boolean> = {};
  let bytes = 0;
  for (const [name, value] of Object.entries(tags)) {
    const scalar = typeof value === 'string' ? value.slice(0, MAX_TAG_TEXT) : typeof value === 'number' && Number.isFinite(value) ? value : typeof value === 'boolean' ? value : value instanceof Date ? wallClock(value, null) : null;
    if (scalar === null) continue;
    bytes += name.length + String(scalar).length;
    if (bytes > MAX_TAGS_BYTES) break;
    kept[name] = scalar;
  }
  return kept;
}

/** Best effort: a photo without readable metadata is still a photo. */
export async function readPhotoMetadata(bytes: Buffer): Promise<PhotoMetadata> {
  // exifr loops forever on some malformed ISO-BMFF box structures (iso-bmff.ts): those have none we can read.
  if (looksLikeIsoBmff(bytes) && !metaBoxReachable(bytes)) return emptyPhotoMetadata;
  let tags: Tags | undefined;
  try {
    tags = (await exifr.parse(bytes, {
      tiff: true,
      exif: true,
      gps: true,
      iptc: true,
      xmp: true,
      icc: false,
      interop: false,
      makerNote: false,
      userComment: false,
      translateValues: false,
      mergeOutput: true,
    })) as Tags | undefined;
  } catch {
    tags = undefined;
  }
  if (!tags) return emptyPhotoMetadata;
  const latitude = number(tags.latitude);
  const longitude = number(tags.longitude);
  const orientation = number(tags.Orientation);
  return {
    capturedAt: wallClock(tags.DateTimeOriginal ?? tags.CreateDate, tags.OffsetTimeOriginal ?? tags.OffsetTime),
    orientation: orientation !== null && orientation >= 1 && orientation <= 8 ? orientation : null,
    width: number(tags.ExifImageWidth) ?? number(tags.ImageWidth),
    height: number(tags.ExifImageHeight) ?? number(tags.ImageHeight),
    exif: {
      camera: camera(text(tags.Make), text(tags.Model)),
      lens: text(tags.LensModel) ?? text(tags.Lens),
      exposureTime: exposure(number(tags.ExposureTime)),
      fNumber: number(tags.FNumber),
      iso: number(tags.ISO),
      focalLength: number(tags.FocalLength),
      gps: latitude !== null && longitude !== null ? { latitude, longitude, altitude: number(tags.GPSAltitude) } : null,
    },
    tags: scalarTags(tags),
  };
}

/** The capture day as UTC midnight (epoch ms) of the wall-clock date: the date sort key kept in clear. */
export function captureDay(capturedAt: string | null): number | null {
  const match = capturedAt && /^(\d{4})-(\d{2})-(\d{2})T/.exec(capturedAt);
  if (!match) return null;
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isFinite(day) ? day : null;
}
