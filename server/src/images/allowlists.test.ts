import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { canonicalAllowlist, canonicalEntry, refererAllowed, remoteSourceAllowed } from './allowlists.ts';

/** Host allowlists: entries in one canonical form, hosts read only from parsed URLs. */

const code = (entry: string): string | undefined => {
  try {
    canonicalEntry(entry);
    return undefined;
  } catch (error) {
    return (error as AppError).code;
  }
};

describe('allowlist entries', () => {
  it('canonicalises names: case, one trailing dot, IDN as punycode, repeats dropped', () => {
    expect(canonicalAllowlist(['Example.COM.', 'example.com', '*.Bücher.example', 'münchen.de'])).toEqual(['example.com', '*.xn--bcher-kva.example', 'xn--mnchen-3ya.de']);
  });

  it('refuses what is not a host name', () => {
    for (const entry of ['https://example.com', 'example.com/path', 'example.com:443', 'user@example.com', 'example.com@evil.test', '127.0.0.1', '[::1]', '::1', '0x7f.1', '2130706433', '*', '*.', 'a..b', '-bad.com', 'exa mple.com', '*.*.example.com', 'ex*ample.com', '']) {
      expect(code(entry), entry).toBe('allowlist_entry_invalid');
    }
  });
});

describe('matching hosts', () => {
  const list = canonicalAllowlist(['example.com', '*.cdn.example.net', 'bücher.example']);
  const source = (text: string) => remoteSourceAllowed(new URL(text), list, null);

  it('matches exact names and subdomains of wildcards, nothing that only looks alike', () => {
    expect(source('https://example.com/a.jpg')).toBe(true);
    expect(source('https://EXAMPLE.com./a.jpg')).toBe(true);
    expect(source('https://img.cdn.example.net/a.jpg')).toBe(true);
    expect(source('https://xn--bcher-kva.example/a.jpg')).toBe(true);
    expect(source('https://bücher.example/a.jpg')).toBe(true);
    expect(source('https://cdn.example.net/a.jpg')).toBe(false);
    expect(source('https://evil-example.com/a.jpg')).toBe(false);
    expect(source('https://example.com.evil.test/a.jpg')).toBe(false);
    expect(source('https://example.com@evil.test/a.jpg')).toBe(false);
    expect(source('https://evil.test/example.com')).toBe(false);
    expect(source('https://evil.test/?u=example.com')).toBe(false);
    expect(source('https://[::1]/a.jpg')).toBe(false);
    expect(source('https://127.0.0.1/a.jpg')).toBe(false);
    expect(source('ftp://example.com/a.jpg')).toBe(false);
    expect(source('https://bucher.example/a.jpg')).toBe(false);
  });

  it('fails closed on an empty source list, and a key narrows the project’s', () => {
    expect(remoteSourceAllowed(new URL('https://example.com/a.jpg'), [], null)).toBe(false);
    expect(remoteSourceAllowed(new URL('https://example.com/a.jpg'), list, ['img.cdn.example.net'])).toBe(false);
    expect(remoteSourceAllowed(new URL('https://img.cdn.example.net/a.jpg'), list, ['img.cdn.example.net'])).toBe(true);
  });

  it('refuses a missing or unlisted referer only when referers are listed', () => {
    expect(refererAllowed(undefined, [], null)).toBe(true);
    expect(refererAllowed(undefined, ['example.com'], null)).toBe(false);
    expect(refererAllowed('not a url', ['example.com'], null)).toBe(false);
    expect(refererAllowed('https://example.com/page', ['example.com'], null)).toBe(true);
    expect(refererAllowed('https://example.com/page', ['example.com'], ['shop.example.com'])).toBe(false);
    expect(refererAllowed('https://shop.example.com/', [], ['shop.example.com'])).toBe(true);
  });
});
