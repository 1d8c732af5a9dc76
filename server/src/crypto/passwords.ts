import * as argon2 from 'argon2';
import { AppError } from '../errors.ts';

/**
 * Argon2id, above OWASP's minimum (m=19 MiB, t=2, p=1). Measured on the 2-core AMD EPYC
 * development machine (Node 24, argon2 0.45, medians over repeated runs): m=64 MiB t=3 p=1
 * takes 180-220 ms, inside the ~250 ms login budget (it roughly doubles while both cores are
 * busy); m=64 MiB t=4 (~265 ms) and m=96 MiB t=3 (~290 ms) exceed it; OWASP's minimum is ~40 ms.
 * p=1 keeps each hash on one core, so two concurrent logins run side by side; each hash holds
 * 64 MiB while it runs (libuv's 4 threads: 256 MiB at most). Changing these makes
 * `needsRehash` true for older hashes, which are upgraded at the next successful login.
 */
export const PASSWORD_HASH_PARAMS = Object.freeze({
  type: argon2.argon2id,
  memoryCost: 64 * 1024, // KiB
  timeCost: 3,
  parallelism: 1,
});

/** Far beyond any real passphrase; refusing more caps the work and memory one request can ask for. */
export const MAX_PASSWORD_BYTES = 1024;

/**
 * NFKC-normalised (as NIST SP 800-63B recommends) so the same password typed on keyboards that
 * emit composed or decomposed accents hashes the same. The byte limit is checked first, on the
 * raw input, so an oversized body is refused before any work.
 */
function preparePassword(password: string): string {
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    throw new AppError('password_too_long', `Passwords can be at most ${MAX_PASSWORD_BYTES} bytes long.`, 400);
  }
  return password.normalize('NFKC');
}

/** A PHC string (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`) with a random 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(preparePassword(password), PASSWORD_HASH_PARAMS);
}

/** False on a mismatch and on a stored hash that can't be parsed; never throws for either, never logs. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const prepared = preparePassword(password);
  try {
    return await argon2.verify(hash, prepared);
  } catch {
    return false;
  }
}

/** True when the hash isn't Argon2id with the current parameters (argon2's own check ignores the variant). */
export function needsRehash(hash: string): boolean {
  if (!hash.startsWith('$argon2id$')) return true;
  try {
    return argon2.needsRehash(hash, PASSWORD_HASH_PARAMS);
  } catch {
    return true;
  }
}
