/**
 * zxcvbn-ts with the common and English dictionaries: about 1.5 MB, so the app only ever
 * loads this module with a dynamic `import()` (see components/NewPasswordFields.tsx).
 */
import { ZxcvbnFactory, type Score } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';

export interface PasswordEstimate {
  /** 0 (guessed in moments) to 4 (very hard to guess). */
  score: Score;
  warning: string | null;
  suggestions: string[];
}

// The same options as the server's check (server/src/auth/password-policy.ts), so the meter
// and the server agree on what is strong enough.
const zxcvbn = new ZxcvbnFactory({
  translations,
  graphs: adjacencyGraphs,
  dictionary: { ...commonDictionary, ...englishDictionary },
});

/** How guessable `password` is, counting `userInputs` (e.g. the email) as known to an attacker. */
export function estimatePassword(password: string, userInputs: string[]): PasswordEstimate {
  const { score, feedback } = zxcvbn.check(password, userInputs);
  return { score, warning: feedback.warning || null, suggestions: feedback.suggestions };
}
