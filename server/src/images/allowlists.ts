import { domainToASCII } from 'node:url';
import { isIP } from 'node:net';
import { AppError } from '../errors.ts';

/**
 * Host allowlists for referers and remote sources. An entry is a host name (`example.com`) or a
 * wildcard for its subdomains (`*.example.com`, which does not match `example.com` itself).
 * Entries and hosts are compared in one canonical form: lower case, IDN as punycode (the
 * WHATWG URL parser's own conversion), one trailing dot dropped. A host is read only from a
 * parsed URL, never from text, so `example.com@evil.test` is the host `evil.test` and
 * `evil-example.com` is not a subdomain of `example.com`. IP literals are not entries: remote
 * sources name hosts, and the address checks of remote-source.ts apply whatever they resolve to.
 */

export const MAX_ALLOWLIST_ENTRIES = 100;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

export function allowlistEntryInvalid(entry: string, reason: string): AppError {
  return new AppError('allowlist_entry_invalid', `"${entry.slice(0, 100)}" is not a host name or *.host name: ${reason}.`, 400);
}

/** A host in canonical form, or undefined when it is not a DNS name (an IP literal, empty labels, bad characters). */
export function canonicalHostName(host: string): string | undefined {
  const withoutDot = host.endsWith('.') ? host.slice(0, -1) : host;
  if (withoutDot === '' || withoutDot.startsWith('[') || isIP(withoutDot) !== 0) return undefined;
  const ascii = domainToASCII(withoutDot);
  if (ascii === '' || ascii.length > 253) return undefined;
  const labels = ascii.split('.');
  if (labels.length < 1 || !labels.every((label) => LABEL.test(label))) return undefined;
  // A name whose last label is all digits is an IPv4 address in another spelling (0x7f.1, 2130706433).
  if (/^\d+$/.test(labels.at(-1)!)) return undefined;
  return ascii;
}

/** Checks an entry as typed and returns its canonical form; throws 400 `allowlist_entry_invalid`. */
export function canonicalEntry(entry: string): string {
  const trimmed = entry.trim().toLowerCase();
  const wildcard = trimmed.startsWith('*.');
  const host = wildcard ? trimmed.slice(2) : trimmed;
  if (/[/:@?#\s*\\]/.test(host)) throw allowlistEntryInvalid(entry, 'only a host name, without scheme, port, path or credentials');
  const canonical = canonicalHostName(host);
  if (canonical === undefined) throw allowlistEntryInvalid(entry, 'IP addresses and malformed names are not accepted');
  return wildcard ? `*.${canonical}` : canonical;
}

/** A whole list as stored: canonical, without repeats, at most MAX_ALLOWLIST_ENTRIES. */
export function canonicalAllowlist(entries: readonly string[]): string[] {
  const canonical = [...new Set(entries.map(canonicalEntry))];
  if (canonical.length > MAX_ALLOWLIST_ENTRIES) {
    throw new AppError('allowlist_too_long', `An allowlist holds at most ${MAX_ALLOWLIST_ENTRIES} entries.`, 400);
  }
  return canonical;
}

/** Whether the URL's host is on the list. Only http and https URLs match. */
export function urlMatches(url: URL, entries: readonly string[]): boolean {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = canonicalHostName(url.hostname);
  if (host === undefined) return false;
  return entries.some((entry) => (entry.startsWith('*.') ? host.endsWith(entry.slice(1)) && host.length > entry.length - 1 : host === entry));
}

/** A Referer header as a URL, or undefined when it is missing or not an absolute http(s) URL. */
export function refererUrl(header: string | undefined): URL | undefined {
  if (header === undefined || header === '') return undefined;
  try {
    return new URL(header);
  } catch {
    return undefined;
  }
}

/**
 * Whether a request's referer passes: any when the lists are empty; otherwise it must be present
 * and on the project's list and, when the key narrows it, on the key's too.
 */
export function refererAllowed(header: string | undefined, projectList: readonly string[], keyList: readonly string[] | null): boolean {
  const lists = [projectList, ...(keyList === null ? [] : [keyList])].filter((list) => list.length > 0);
  if (lists.length === 0) return true;
  const url = refererUrl(header);
  return url !== undefined && lists.every((list) => urlMatches(url, list));
}

/**
 * Whether a remote source may be fetched: never when the project lists no source hosts (own
 * files only, fail closed); otherwise its host is on the project's list and, when the key
 * narrows it, on the key's.
 */
export function remoteSourceAllowed(url: URL, projectList: readonly string[], keyList: readonly string[] | null): boolean {
  if (projectList.length === 0) return false;
  if (!urlMatches(url, projectList)) return false;
  return keyList === null || urlMatches(url, keyList);
}
