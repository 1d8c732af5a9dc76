import { describe, expect, it } from 'vitest';
import { parseRange } from './byte-ranges.ts';
import { contentDisposition } from './content-disposition.ts';

describe('Range headers', () => {
  it('reads single ranges: first byte, middle, open-ended, suffix', () => {
    expect(parseRange('bytes=0-0', 1000)).toEqual({ kind: 'range', start: 0, end: 0 });
    expect(parseRange('bytes=100-199', 1000)).toEqual({ kind: 'range', start: 100, end: 199 });
    expect(parseRange('bytes=900-', 1000)).toEqual({ kind: 'range', start: 900, end: 999 });
    expect(parseRange('bytes=-100', 1000)).toEqual({ kind: 'range', start: 900, end: 999 });
    expect(parseRange('bytes=-5000', 1000)).toEqual({ kind: 'range', start: 0, end: 999 });
    expect(parseRange('bytes=990-5000', 1000)).toEqual({ kind: 'range', start: 990, end: 999 });
  });

  it('calls ranges outside the file unsatisfiable', () => {
    expect(parseRange('bytes=1000-', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=2000-3000', 1000)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 1000)).toEqual({ kind: 'unsatisfiable' });
  });

  it('ignores what it does not serve as a range: the whole file is sent', () => {
    for (const header of [undefined, '', 'bytes=0-1,5-6', 'items=0-1', 'bytes=abc', 'bytes=5-3', 'bytes=-']) {
      expect(parseRange(header, 1000), String(header)).toEqual({ kind: 'whole' });
    }
  });
});

describe('Content-Disposition', () => {
  it('sends an ASCII name as it is', () => {
    expect(contentDisposition('attachment', 'IMG_0001.jpg')).toBe('attachment; filename="IMG_0001.jpg"');
  });

  it('adds the RFC 5987 form, with an ASCII fallback, for other names', () => {
    expect(contentDisposition('attachment', 'Mariée à Zürich (1).jpg')).toBe(
      "attachment; filename=\"Mariee a Zurich (1).jpg\"; filename*=UTF-8''Mari%C3%A9e%20%C3%A0%20Z%C3%BCrich%20%281%29.jpg",
    );
    expect(contentDisposition('inline', '東京.webp')).toBe("inline; filename=\"__.webp\"; filename*=UTF-8''%E6%9D%B1%E4%BA%AC.webp");
    expect(contentDisposition('attachment', 'say "cheese".jpg')).toBe("attachment; filename=\"say _cheese_.jpg\"; filename*=UTF-8''say%20%22cheese%22.jpg");
  });
});
