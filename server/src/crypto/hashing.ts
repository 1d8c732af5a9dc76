import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { UnknownKeyVersionError } from '../errors.ts';

/**
 * Storage form of high-entropy bearer tokens (sessions, delivery links, access tokens): SHA-256
 * hex. Tokens carry 256 random bits, so a plain hash is enough — there is nothing to brute-force
 * and no need for a slow hash or a pepper — and a database copy yields no usable token.
 */
export function hashToken(token: string): string {
  return sha256Hex(token);
}

/** SHA-256 of UTF-8 text, hex: the audit chain's link from one entry to the next (audit/chain.ts). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** SHA-256 of bytes, hex: a content version (a studio's logo's ETag). */
export function sha256HexOfBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** HMAC-SHA-256 of UTF-8 text under `key`, hex: how the audit chain's head is sealed. */
export function hmacSha256Hex(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/**
 * Compares without leaking where the inputs differ. Inputs of different lengths are unequal;
 * the length itself is not secret here (digests have fixed lengths), but the content comparison
 * still runs in full so the two cases cost the same.
 */
export function constantTimeEqual(a: Buffer | string, b: Buffer | string): boolean {
  const left = typeof a === 'string' ? Buffer.from(a, 'utf8') : a;
  const right = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  const sameLength = left.length === right.length;
  return timingSafeEqual(left, sameLength ? right : left) && sameLength;
}

export interface CodeHash {
  /** The id of the pepper the digest was made with (a pepper, not a master key version: keys/peppers.ts). */
  keyVersion: string;
  digest: string;
}

/**
 * The pepper keys: random HMAC keys stored wrapped by the master key (keys/peppers.ts), so
 * rotating the master key rewraps them and never invalidates a hash.
 */
export interface PepperKeys {
  /** The pepper new hashes are made with. */
  active(): Promise<{ id: string; key: Buffer }>;
  /** The pepper a stored hash names; UnknownKeyVersionError if there is none by that id. */
  byId(id: string): Promise<Buffer>;
}

/**
 * Hashes for short, low-entropy secrets (6-digit email codes, recovery codes, delivery codes,
 * 4-digit lab PINs). A plain or even slow hash of 10^4–10^6 values is brute-forced instantly
 * from a database copy, so the MAC key (pepper) is a random key the database holds only
 * wrapped by the master key.
 */
export interface CodePepper {
  hash(code: string, purpose: string): Promise<CodeHash>;
  /**
   * Verifies under the pepper the hash was made with; a pepper that does not exist is an
   * UnknownKeyVersionError, never a fallback to another.
   */
  verify(code: string, purpose: string, stored: CodeHash): Promise<boolean>;
  /** Whether a hash naming this pepper can be checked at all: false when no such pepper exists. */
  canVerify(keyVersion: string): Promise<boolean>;
}

/** The purpose is part of the MAC input so a code hashed for one purpose never verifies for another. */
function macCode(pepper: Buffer, code: string, purpose: string): string {
  // A JSON array keeps the pair unambiguous: ("a", "b|c") and ("a|b", "c") never produce the same input.
  return createHmac('sha256', pepper).update(JSON.stringify([purpose, code]), 'utf8').digest('hex');
}

export function createCodePepper(peppers: PepperKeys): CodePepper {
  return {
    async hash(code, purpose) {
      const { id, key } = await peppers.active();
      return { keyVersion: id, digest: macCode(key, code, purpose) };
    },
    async verify(code, purpose, stored) {
      return constantTimeEqual(macCode(await peppers.byId(stored.keyVersion), code, purpose), stored.digest);
    },
    async canVerify(keyVersion) {
      try {
        await peppers.byId(keyVersion);
        return true;
      } catch (error) {
        if (error instanceof UnknownKeyVersionError) return false;
        throw error;
      }
    },
  };
}
