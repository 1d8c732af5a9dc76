import { randomInt } from 'node:crypto';

/**
 * Lab IDs people read over the phone and type: `LAB-` and four characters of an alphabet
 * without look-alikes (no 0/O, 1/I/L). 31^4 ≈ 920 000 IDs; a collision draws again. The ID is
 * not a secret — the PIN is — so it only has to be unique and easy to type.
 */

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 4;

export function generateLabCode(): string {
  let code = '';
  for (let index = 0; index < LENGTH; index += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return `LAB-${code}`;
}

/** What a lab typed, in the stored form: upper case, the prefix and dash optional; undefined when it cannot be a lab ID. */
export function canonicalLabCode(input: string): string | undefined {
  const compact = input.trim().toUpperCase().replace(/[\s-]/g, '').replace(/^LAB/, '');
  if (compact.length !== LENGTH || [...compact].some((character) => !ALPHABET.includes(character))) return undefined;
  return `LAB-${compact}`;
}
