import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentDisposition } from './content-disposition.ts';

/** The ASCII `filename=` fallback never spells a path, whatever Unicode the real name holds. */

function fallbackOf(header: string): string {
  return /filename="([^"]*)"/.exec(header)?.[1] ?? '';
}

describe('Content-Disposition', () => {
  it('keeps a plain ASCII name as it is', () => {
    expect(contentDisposition('attachment', 'IMG_0001.jpg')).toBe('attachment; filename="IMG_0001.jpg"');
  });

  it('turns full-width path syntax into nothing a client could follow', () => {
    const header = contentDisposition('attachment', '．．／．．／etc／passwd.jpg');
    expect(fallbackOf(header)).toBe('____etc_passwd.jpg');
    expect(header).toContain("filename*=UTF-8''%EF%BC%8E%EF%BC%8E%EF%BC%8F");
  });

  it('drops accents and replaces separators, quotes, controls and leading dots', () => {
    expect(fallbackOf(contentDisposition('inline', 'Café "été".jpg'))).toBe('Cafe _ete_.jpg');
    expect(fallbackOf(contentDisposition('inline', '..\\..\\boot.ini'))).toBe('____boot.ini');
    expect(fallbackOf(contentDisposition('inline', '.hidden'))).toBe('_hidden');
    expect(fallbackOf(contentDisposition('inline', 'a\u0000b\u202ec.jpg'))).toBe('a_b_c.jpg');
  });

  it('never yields a separator, two dots in a row or a leading dot in the fallback', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        const fallback = fallbackOf(contentDisposition('attachment', name));
        expect(fallback).not.toMatch(/[/\\\\"]|\.\.|^\.|[^\x20-\x7e]/);
      }),
    );
  });
});
