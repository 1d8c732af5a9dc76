/** Small formatting helpers for what people type and read. */

/** Keeps the digits of what was typed or pasted ("123 456" → "123456"), at most `length`. */
export function digitsOnly(value: string, length: number): string {
  return value.replace(/\D/g, '').slice(0, length);
}

/** "JBSWY3DPEHPK3PXP" → "JBSW Y3DP EHPK 3PXP", easier to read and type by hand. */
export function inGroupsOfFour(text: string): string {
  return text.match(/.{1,4}/g)?.join(' ') ?? '';
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "Mar 3, 2026, 14:05" in the reader's own locale and time zone. */
export function formatDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}

const wallClockFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/**
 * A capture time as the camera recorded it — "2026-06-14T15:30:00+02:00", or with no offset when
 * the camera wrote none — shown at the camera's wall clock, not converted to the reader's time
 * zone: a wedding in Lisbon was at 15:30 however far away it is looked at. The offset, when
 * known, follows ("Jun 14, 2026, 15:30 (UTC+02:00)").
 */
export function formatCaptureTime(wallClock: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(wallClock);
  if (!match) return formatDateTime(wallClock);
  const [, year, month, day, hour, minute, second, zone] = match;
  const at = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0)));
  const shown = wallClockFormat.format(at);
  if (zone === undefined) return shown;
  return `${shown} (UTC${zone === 'Z' ? '' : zone})`;
}

/** "Mar 3, 2026" in the reader's own locale and time zone. */
export function formatDate(iso: string): string {
  return dateFormat.format(new Date(iso));
}

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago": how long ago `iso` was. */
export function formatTimeAgo(iso: string, now: number = Date.now()): string {
  const secondsAgo = Math.max(0, (now - new Date(iso).getTime()) / 1000);
  for (const [unit, seconds] of UNITS) {
    if (secondsAgo >= seconds) return relativeFormat.format(-Math.floor(secondsAgo / seconds), unit);
  }
  return 'just now';
}

const BYTE_MULTIPLES: Array<[number, Intl.NumberFormat]> = (
  [
    [1e12, 'terabyte'],
    [1e9, 'gigabyte'],
    [1e6, 'megabyte'],
    [1e3, 'kilobyte'],
  ] as const
).map(([size, unit]) => [size, new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 })]);
const bytesFormat = new Intl.NumberFormat(undefined, { style: 'unit', unit: 'byte', unitDisplay: 'long' });

/** "840 bytes", "3.2 MB", "1.5 GB": decimal units, as cameras and operating systems count. */
export function formatBytes(bytes: number): string {
  for (const [size, format] of BYTE_MULTIPLES) {
    if (bytes >= size) return format.format(bytes / size);
  }
  return bytesFormat.format(bytes);
}

const listFormat = new Intl.ListFormat(undefined, { style: 'long', type: 'conjunction' });

/** "ada@example.com, bo@example.com and cy@example.com" (in the reader's language). */
export function listOfPeople(people: readonly string[]): string {
  return listFormat.format(people);
}

/** "1 photo", "3 photos". */
export function pluralize(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
