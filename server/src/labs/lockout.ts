/**
 * How wrong PINs are bounded (docs/labs.md has the arithmetic). Per lab: every fifth wrong
 * PIN locks the lab — 15 minutes the first time, twice as long each time after, at most a day —
 * and the twentieth lockout since its PIN was set blocks it until an admin sets a new PIN. So
 * at most 5 × 20 = 100 wrong PINs are ever compared against one PIN (1% of a 4-digit PIN's
 * 10 000 values), and spending them takes at least 13 days of lockouts. A right PIN resets
 * neither the count nor the history: a guesser cannot hide among the lab's own sign-ins.
 */

export const MAX_PIN_ATTEMPTS = 5;
export const MAX_LOCKOUTS = 20;
const FIRST_LOCKOUT_MS = 15 * 60_000;
const LONGEST_LOCKOUT_MS = 24 * 60 * 60_000;

/** How long the next lockout lasts after `previousLockouts`; null when the lab is blocked instead. */
export function lockoutMs(previousLockouts: number): number | null {
  if (previousLockouts + 1 >= MAX_LOCKOUTS) return null;
  return Math.min(FIRST_LOCKOUT_MS * 2 ** Math.min(previousLockouts, 16), LONGEST_LOCKOUT_MS);
}

/** Wrong PINs that can ever be compared against one PIN before it is blocked. */
export const MAX_WRONG_PINS_PER_PIN = MAX_PIN_ATTEMPTS * MAX_LOCKOUTS;

/**
 * The shortest time an attacker needs to make `guesses` wrong PINs against one lab (the
 * lockouts they must sit out), in milliseconds; Infinity past what the lab ever allows.
 */
export function shortestTimeForGuesses(guesses: number): number {
  if (guesses > MAX_WRONG_PINS_PER_PIN) return Number.POSITIVE_INFINITY;
  const lockoutsSatOut = Math.floor((guesses - 1) / MAX_PIN_ATTEMPTS);
  let total = 0;
  for (let index = 0; index < lockoutsSatOut; index += 1) total += lockoutMs(index) ?? Number.POSITIVE_INFINITY;
  return total;
}
