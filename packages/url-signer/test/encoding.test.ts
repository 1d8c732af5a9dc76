import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64UrlDecode, base64UrlEncode, percentDecode, percentEncode } from '../src/encoding.ts';

describe('base64url', () => {
  it('encodes like Node’s base64url, without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(base64UrlEncode(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
    );
  });

  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(base64UrlDecode(base64UrlEncode(bytes))).toEqual(bytes);
      }),
    );
  });

  it('refuses what Go’s RawURLEncoding refuses: other alphabets, padding, a length of 1 mod 4', () => {
    expect(base64UrlDecode('ab+c')).toBeUndefined();
    expect(base64UrlDecode('ab/c')).toBeUndefined();
    expect(base64UrlDecode('ab==')).toBeUndefined();
    expect(base64UrlDecode('abcde')).toBeUndefined();
    expect(base64UrlDecode('ab c')).toBeUndefined();
  });

  it('tolerates unused trailing bits, as Go’s non-strict decoder does', () => {
    // "QR" and "QQ" both decode to "A" (0x41): the last 4 bits are ignored.
    expect(base64UrlDecode('QR')).toEqual(new Uint8Array([0x41]));
    expect(base64UrlDecode('QQ')).toEqual(new Uint8Array([0x41]));
  });
});

describe('percentEncode', () => {
  const unreservedOnly = /^[A-Za-z0-9\-._~]$/;

  it('always decodes back to its input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        expect(percentDecode(percentEncode(text, unreservedOnly))).toBe(text);
      }),
    );
  });

  it('encodes UTF-8 bytes in upper-case hex', () => {
    expect(percentEncode('café ?', unreservedOnly)).toBe('caf%C3%A9%20%3F');
  });
});

describe('the package is runtime-neutral', () => {
  it('imports nothing from Node and uses no Node globals in src/', () => {
    const sourceDir = new URL('../src/', import.meta.url);
    for (const file of readdirSync(sourceDir)) {
      const text = readFileSync(new URL(file, sourceDir), 'utf8');
      expect(text, file).not.toMatch(/from ['"]node:|require\(|\bBuffer\b|\bprocess\./);
      for (const [, specifier] of text.matchAll(/from '([^']+)'/g)) {
        expect(specifier, `${file} imports ${specifier}`).toMatch(/^\.\/[a-z-]+\.ts$/);
      }
    }
  });
});
