/** A delivery's settings as typed into a form, their checks, and the dates of the expiry field. */
import type { Delivery } from '../../api/deliveries';

export const DEFAULT_EXPIRY_DAYS = 30;

/** What the settings fields hold: text as typed, checked only when the form is sent. */
export interface SettingsDraft {
  title: string;
  message: string;
  /** Addresses separated by commas or new lines. */
  recipients: string;
  /** Empty: no limit. */
  downloadLimit: string;
  allowOriginals: boolean;
  allowZip: boolean;
}

export type SettingsField = 'title' | 'recipients' | 'downloadLimit' | 'expiresOn';

/** What is wrong with each field, in a sentence under it. */
export type Problems = Partial<Record<SettingsField, string>>;

export interface CheckedSettings {
  title: string;
  message: string;
  recipients: string[];
  downloadLimit: number | null;
  allowOriginals: boolean;
  allowZip: boolean;
}

export const EMPTY_DRAFT: SettingsDraft = { title: '', message: '', recipients: '', downloadLimit: '', allowOriginals: true, allowZip: true };

export function draftOf(delivery: Delivery): SettingsDraft {
  return {
    title: delivery.title,
    message: delivery.message,
    recipients: delivery.recipients.join('\n'),
    downloadLimit: delivery.downloadLimit === null ? '' : String(delivery.downloadLimit),
    allowOriginals: delivery.allowOriginals,
    allowZip: delivery.allowZip,
  };
}

// The server's limits (server/src/deliveries/schemas.ts).
export const MAX_TITLE_LENGTH = 200;
export const MAX_MESSAGE_LENGTH = 5000;
const MAX_RECIPIENTS = 20;
export const MAX_DOWNLOAD_LIMIT = 1_000_000;
/** How far ahead a delivery may end. */
const MAX_EXPIRY_DAYS = 365;
// The server's own check for an address (server/src/auth/users.ts).
const EMAIL_PATTERN = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]{1,253}\.[^\s@<>()[\]\\,;:"]{2,63}$/u;

/** The settings, or what is wrong with them. */
export function checkSettings(draft: SettingsDraft): { settings: CheckedSettings } | { problems: Problems } {
  const problems: Problems = {};
  const title = draft.title.trim();
  if (title === '') problems.title = 'Give the delivery a title: your client sees it first.';

  const recipients = parseRecipients(draft.recipients);
  const invalid = recipients.filter((address) => address.length > 254 || !EMAIL_PATTERN.test(address));
  if (invalid.length > 0) {
    problems.recipients = `${invalid.length === 1 ? 'This isn’t an email address' : 'These aren’t email addresses'}: ${invalid.join(', ')}.`;
  } else if (recipients.length > MAX_RECIPIENTS) {
    problems.recipients = `At most ${MAX_RECIPIENTS} recipients, please.`;
  }

  const limitText = draft.downloadLimit.trim();
  const downloadLimit = limitText === '' ? null : Number(limitText);
  if (downloadLimit !== null && (!Number.isSafeInteger(downloadLimit) || downloadLimit < 1 || downloadLimit > MAX_DOWNLOAD_LIMIT)) {
    problems.downloadLimit = 'Enter a whole number of downloads, 1 or more, or leave it empty for no limit.';
  }

  if (Object.keys(problems).length > 0) return { problems };
  return {
    settings: { title, message: draft.message.trim(), recipients, downloadLimit, allowOriginals: draft.allowOriginals, allowZip: draft.allowZip },
  };
}

/** "ada@example.com, bo@example.com\ncy@example.com" → each address once, in order. */
function parseRecipients(text: string): string[] {
  const addresses = text
    .split(/[,;\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const seen = new Set<string>();
  return addresses.filter((address) => {
    const key = address.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A date as a date field holds it ("2026-04-02"), in the reader's time zone. */
export function dateInputValue(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The date field's value `days` from today. */
export function daysFromToday(days: number, now: Date = new Date()): string {
  return dateInputValue(new Date(now.getFullYear(), now.getMonth(), now.getDate() + days));
}

/** The last moment of the day in the date field ("2026-04-02"), local time, as ISO 8601; `null` for no date. */
export function endOfDay(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match === null) return null;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const end = new Date(year, month - 1, day, 23, 59, 59, 999);
  return Number.isNaN(end.getTime()) ? null : end.toISOString();
}

/** The latest day a date field may offer: its whole day must end within a year from now. */
export function latestExpiryDay(): string {
  return daysFromToday(MAX_EXPIRY_DAYS - 1);
}

/** Why an expiry date cannot be used, or `null` when it can. */
export function expiryProblem(value: string, now: number = Date.now()): string | null {
  if (value === '') return 'Choose the last day the client can open the delivery.';
  const end = endOfDay(value);
  if (end === null) return 'Enter a date like 2026-04-02.';
  if (Date.parse(end) <= now) return 'Choose today or a later day.';
  if (Date.parse(end) > now + MAX_EXPIRY_DAYS * 86_400_000) return 'Choose a day less than a year from today.';
  return null;
}
