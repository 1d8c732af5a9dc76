import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { AppError } from '../errors.ts';
import { MAX_PASSWORD_BYTES } from '../crypto/passwords.ts';

/**
 * What a password must be: at least 12 characters and not guessable by zxcvbn-ts (score 3 of
 * 4 or better, judged against common passwords, English words, names and the person's own
 * email). The web UI runs the same estimator for its strength meter.
 */

export const minimumPasswordLength = 12;
const minimumScore = 3;

/**
 * Loaded on the first password set, not at start: the dictionaries and their ranked indexes
 * are some 80 MiB of the process's memory, for a request most server lives never see.
 */
let estimator: Promise<ZxcvbnFactory> | undefined;

async function loadEstimator(): Promise<ZxcvbnFactory> {
  const [{ ZxcvbnFactory }, common, english] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common'), import('@zxcvbn-ts/language-en')]);
  return new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
}

export async function assertAcceptablePassword(password: string, email: string): Promise<void> {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new AppError('password_too_long', `A password can be at most ${MAX_PASSWORD_BYTES} bytes.`, 400);
  }
  if ([...password].length < minimumPasswordLength) {
    throw new AppError('password_too_short', `Use at least ${minimumPasswordLength} characters.`, 400);
  }
  estimator ??= loadEstimator();
  const result = (await estimator).check(password, [email, ...email.split(/[@.]/)]);
  if (result.score < minimumScore) {
    const advice = [result.feedback.warning, ...result.feedback.suggestions].filter(Boolean).join(' ');
    throw new AppError('password_too_weak', `This password is too easy to guess.${advice ? ` ${advice}` : ''}`, 400);
  }
}
