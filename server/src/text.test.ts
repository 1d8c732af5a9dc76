import { describe, expect, it } from 'vitest';
import { mailDay, mailTime } from './text.ts';

describe('dates in emails', () => {
  it('names the day in words and the time zone, never a raw GMT string', () => {
    const at = Date.UTC(2027, 0, 3, 22, 59, 59);
    expect(mailTime(at)).toBe('Sunday, 3 January 2027 at 22:59 UTC');
    expect(mailDay(at)).toBe('3 January 2027');
  });
});
