/**
 * The HTTP Range header (RFC 9110 §14), single ranges only: `bytes=a-b`, `bytes=a-` and the
 * suffix `bytes=-n`. A header we don't serve as a range (several ranges, another unit, bad
 * syntax) is ignored, as RFC 9110 allows, and the whole file is sent.
 */

/** The request headers a ranged answer depends on, as a service takes them. */
export interface RangeHeaders {
  range: string | undefined;
  ifRange: string | undefined;
}

export type RangeRequest = { kind: 'whole' } | { kind: 'range'; start: number; end: number } | { kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function parseRange(header: string | undefined, size: number): RangeRequest {
  const match = header === undefined ? null : SINGLE_RANGE.exec(header.trim());
  if (!match) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  if (end < start) return { kind: 'whole' };
  return { kind: 'range', start, end };
}
