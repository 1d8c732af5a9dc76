import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { AppError } from '../errors.ts';

/** A bearer secret: 256 bits from the CSPRNG, base64url without padding (43 characters). Store only `hashToken(token)`. */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

// crypto.randomInt draws from a range of at most 2^48, and 10^14 is the largest power of ten below it.
const MAX_CODE_DIGITS = 14;

/**
 * A numeric code of exactly `digits` digits (leading zeros kept), uniform over all 10^digits
 * values: randomInt rejects biased samples instead of reducing modulo the range.
 */
export function generateNumericCode(digits: number): string {
  if (!Number.isInteger(digits) || digits < 1 || digits > MAX_CODE_DIGITS) {
    throw new AppError('invalid_code_length', `A numeric code must have 1 to ${MAX_CODE_DIGITS} digits.`, 500);
  }
  return randomInt(0, 10 ** digits).toString().padStart(digits, '0');
}

/**
 * A record id: a random UUIDv4 (122 random bits). Chosen over base64url because the format is
 * fixed and recognisable — route schemas can validate it with `format: 'uuid'`, an id is never
 * mistaken for a 43-character token in logs, and it never starts with "-", so it is safe as a
 * CLI argument. Ids are not secrets: being unguessable only stops enumeration; access is still
 * checked on every request.
 */
export function generateId(): string {
  return randomUUID();
}

/** `bytes` random bytes from the CSPRNG as base64url without padding: API key ids and secrets (images/keys.ts). */
export function generateBase64UrlSecret(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** `bytes` random bytes from the CSPRNG as lower-case hex: imgproxy-style signing keys and salts. */
export function generateHexSecret(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
