import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { generateId, generateNumericCode, generateToken } from './tokens.ts';

describe('generateToken', () => {
  it('is 43 base64url characters encoding 32 bytes', () => {
    const token = generateToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('does not repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateToken));
    expect(tokens.size).toBe(1000);
  });
});

describe('generateNumericCode', () => {
  it('has exactly the requested number of digits', () => {
    for (const digits of [1, 4, 6, 14]) {
      for (let i = 0; i < 200; i++) expect(generateNumericCode(digits)).toMatch(new RegExp(`^[0-9]{${digits}}$`));
    }
  });

  it('keeps leading zeros and covers every value evenly', () => {
    const draws = 20_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < draws; i++) {
      const code = generateNumericCode(2);
      counts.set(code, (counts.get(code) ?? 0) + 1);
    }
    expect(counts.size).toBe(100);
    // Expected 200 per value, standard deviation ~14: these bounds fail only on a real bias.
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(120);
      expect(count).toBeLessThan(280);
    }
  });

  it('refuses lengths it cannot draw uniformly', () => {
    for (const digits of [0, -1, 1.5, 15, Number.NaN]) {
      expect(() => generateNumericCode(digits)).toThrow(AppError);
    }
  });
});

describe('generateId', () => {
  it('is a random UUIDv4', () => {
    expect(generateId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(generateId()).not.toBe(generateId());
  });
});
