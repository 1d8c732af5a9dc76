import { domainToASCII, domainToUnicode } from 'node:url';
import { remove as foldConfusables } from 'confusables';
import { AppError } from '../errors.ts';

/**
 * One spelling per address, and no look-alike twins. An address is NFKC-normalised (full-width
 * and compatibility forms become their plain letters), trimmed and lower-cased; its domain is
 * put in IDNA ASCII form (UTS #46 through Node's WHATWG URL implementation, `domainToASCII`),
 * without a trailing dot. Its skeleton folds characters that look like Latin letters (Cyrillic
 * а, Greek ο, …, with the `confusables` library) in the local part and in the Unicode form of
 * the domain: two accounts may not share one, so `pаypal@…` with a Cyrillic а is refused
 * while `paypal@…` exists (users.email_skeleton is unique).
 */

const invalid = () => new AppError('email_invalid', 'Enter a valid email address.', 400);

// What may appear in a local part: no whitespace, no angle brackets or other header syntax.
const localPartPattern = /^[^\s@<>()[\]\\,;:"]{1,64}$/u;

export function normalizeEmail(input: string): string {
  const folded = input.normalize('NFKC').trim().toLowerCase();
  const at = folded.lastIndexOf('@');
  if (at <= 0 || folded.length > 254) throw invalid();
  const localPart = folded.slice(0, at);
  const domainInput = folded.slice(at + 1).replace(/\.$/, '');
  if (!localPartPattern.test(localPart) || domainInput === '' || /[\s@]/u.test(domainInput)) throw invalid();
  const domain = domainToASCII(domainInput);
  // A domain with at least one dot and a top-level label of two or more characters, in ASCII form.
  if (domain === '' || domain.length > 253 || !/^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(domain)) throw invalid();
  const email = `${localPart}@${domain}`;
  if (email.length > 254) throw invalid();
  return email;
}

/** The address with look-alike characters folded to the letters they imitate; of a normalised address. */
export function emailSkeleton(email: string): string {
  const at = email.lastIndexOf('@');
  const unicodeDomain = domainToUnicode(email.slice(at + 1)) || email.slice(at + 1);
  return `${foldConfusables(email.slice(0, at))}@${foldConfusables(unicodeDomain)}`.toLowerCase();
}

/**
 * A normalised address with its local part hidden after the first character: `a•••@example.com`.
 * For pages anyone holding a link may open (an invitation): enough for the person it was sent to
 * to recognise it, not enough to hand the address to whoever the link was forwarded to.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  return `${Array.from(email.slice(0, at))[0] ?? ''}•••${email.slice(at)}`;
}
