import { compareNames } from '../text.ts';

/**
 * The order of a gallery by real capture time: the camera's wall-clock time with the offset it
 * recorded (so photos from a camera in another zone, or across a change of zone, fall in
 * place), or — for a camera that recorded no offset — its wall clock as it stands. A file
 * without a capture time takes its upload time. Ties keep names in natural order.
 */

export interface Orderable {
  id: string;
  name: string;
  capturedAt: string | null;
  uploadedAt: number;
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([+-]\d{2}:\d{2}|Z)?$/;

/** Epoch ms of a capture time (offset applied when present), or null when it is not one. */
export function captureInstant(capturedAt: string | null): number | null {
  const match = capturedAt ? WALL_CLOCK.exec(capturedAt) : null;
  if (!match) return null;
  const [, year, month, day, hours, minutes, seconds, zone] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hours), Number(minutes), Number(seconds));
  if (!Number.isFinite(wall)) return null;
  if (!zone || zone === 'Z') return wall;
  const sign = zone.startsWith('-') ? -1 : 1;
  const offset = sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  return wall - offset;
}

export function byCaptureTime(a: Orderable, b: Orderable): number {
  const at = captureInstant(a.capturedAt) ?? a.uploadedAt;
  const bt = captureInstant(b.capturedAt) ?? b.uploadedAt;
  return at - bt || compareNames(a.name, b.name) || a.id.localeCompare(b.id);
}

export function byName(a: Orderable, b: Orderable): number {
  return compareNames(a.name, b.name) || a.id.localeCompare(b.id);
}
