/**
 * Text from clients, made safe to show: in lists, emails, file names and the headers that carry
 * them. Used by every capability that stores what people type (names, titles, messages).
 */

// Control characters (C0, DEL, C1: \p{Cc}), the bidirectional controls that can make
// "gpj.exe" read as "exe.jpg" (LRM/RLM, ALM, the embeddings and overrides, the isolates), and
// lone surrogates (\p{Cs}), which JSON can carry but no UTF-8 header or file name can.
const INVISIBLE_OR_CONTROL = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Text from a client made safe to show: NFC, no control or bidi characters, trimmed. */
export function cleanText(input: string): string {
  return input.normalize('NFC').replace(INVISIBLE_OR_CONTROL, '').trim();
}

let nameCollator: Intl.Collator | undefined;

/**
 * Two names in the order people expect: numbers by value ("IMG_2" before "IMG_10"), case and
 * accents aside. The collator is made on the first comparison, not at start: its ICU data
 * costs ~3 MiB of resident memory (docs/performance.md, 4 December 2026).
 */
export function compareNames(a: string, b: string): number {
  nameCollator ??= new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  return nameCollator.compare(a, b);
}

let mailTimeFormat: Intl.DateTimeFormat | undefined;
let mailDayFormat: Intl.DateTimeFormat | undefined;

/**
 * An instant as an email states it: "Sunday, 3 January 2027 at 22:59 UTC". Emails reach people
 * in any time zone and the server knows none of theirs, so the zone is named, not guessed. Made
 * on first use, as the collator is (ICU data).
 */
export function mailTime(at: number): string {
  mailTimeFormat ??= new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' });
  return `${mailTimeFormat.format(at)} UTC`;
}

/** The day of an instant, for a subject line: "3 January 2027" (UTC). */
export function mailDay(at: number): string {
  mailDayFormat ??= new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return mailDayFormat.format(at);
}
