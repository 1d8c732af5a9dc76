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
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "Mar 3, 2026, 14:05" in the reader's own locale and time zone. */
export function formatDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
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
