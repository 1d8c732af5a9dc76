/** Days as the vault keeps them: files sort by the (UTC) day they were taken, then by upload time. */

export const DAY_MS = 24 * 60 * 60 * 1000;

/** The start (UTC midnight) of the day `time` falls in. */
export function dayOf(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}
