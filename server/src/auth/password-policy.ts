import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as zxcvbnCommon from '@zxcvbn-ts/language-common';
import * as zxcvbnEnglish from '@zxcvbn-ts/language-en';
import { AppError } from '../errors.ts';
import { MAX_PASSWORD_BYTES } from '../crypto/passwords.ts';

/**
 * What a password must be: at least 12 characters and not guessable by zxcvbn-ts (score 3 of
 * 4 or better, judged against common passwords, English words, names and the person's own
 * email). The web UI runs the same estimator for its strength meter.
 */

export const minimumPasswordLength = 12;
const minimumScore = 3;

const estimator = new ZxcvbnFactory({
  dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEnglish.dictionary },
  graphs: zxcvbnCommon.adjacencyGraphs,
  translations: zxcvbnEnglish.translations,
});

export function assertAcceptablePassword(password: string, email: string): void {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new AppError('password_too_long', `A password can be at most ${MAX_PASSWORD_BYTES} bytes.`, 400);
  }
  if ([...password].length < minimumPasswordLength) {
    throw new AppError('password_too_short', `Use at least ${minimumPasswordLength} characters.`, 400);
  }
  const result = estimator.check(password, [email, ...email.split(/[@.]/)]);
  if (result.score < minimumScore) {
    const advice = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
    throw new AppError('password_too_weak', `This password is too easy to guess.${advice ? ` ${advice}` : ''}`, 400);
  }
}
