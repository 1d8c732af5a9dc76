import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './hashing.ts';
import type { MasterKeyProvider } from './master-keys.ts';
import { AppError } from '../errors.ts';

/**
 * Short-lived signed URLs: the signature is the authorization, so a link can be handed to an
 * <img> tag, a download manager or (later) a delivery recipient without a session.
 *
 *   ?exp=<unix seconds>&kv=<master key version>&sig=<base64url HMAC-SHA-256>
 *
 * The MAC key is derived from the master key (`signed-download-urls`), and `kv` names the
 * version it came from, so URLs signed before a rotation keep working until they expire. The
 * MAC covers the scope (who may use it: `vault`, later `delivery/<id>`, `lab/<id>`), the file,
 * the variant and the expiry, so a URL can't be moved to another file, variant or route.
 */

export interface SignedTarget {
  scope: string;
  fileId: string;
  variant: string;
}

export interface SignatureParams {
  exp: string;
  kv: string;
  sig: string;
}

export interface UrlSigner {
  sign(target: SignedTarget, expiresAt: number): Promise<SignatureParams>;
  /** Throws 403 `signature_invalid` or `signature_expired`; the signature is checked first, so a forged URL never learns whether it expired. */
  verify(target: SignedTarget, params: Partial<SignatureParams>, now: number): Promise<void>;
}

const PURPOSE = 'signed-download-urls';
const EXP_PATTERN = /^[0-9]{1,12}$/;
const SIG_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function invalid(): AppError {
  return new AppError('signature_invalid', 'This link is not valid.', 403);
}

function mac(key: Buffer, target: SignedTarget, exp: string): Buffer {
  // A JSON array keeps the fields unambiguous whatever characters they hold.
  return createHmac('sha256', key).update(JSON.stringify(['shutterlock/v1/signed-url', target.scope, target.fileId, target.variant, exp])).digest();
}

export function createUrlSigner(keys: MasterKeyProvider): UrlSigner {
  return {
    async sign(target, expiresAt) {
      const exp = String(Math.floor(expiresAt / 1000));
      const { keyVersion, key } = await keys.deriveKey(PURPOSE);
      return { exp, kv: keyVersion, sig: mac(key, target, exp).toString('base64url') };
    },
    async verify(target, params, now) {
      const { exp, kv, sig } = params;
      if (!exp || !kv || !sig || !EXP_PATTERN.test(exp) || !SIG_PATTERN.test(sig) || !keys.versions.includes(kv)) throw invalid();
      const { key } = await keys.deriveKey(PURPOSE, kv);
      // Compared as text against the canonical encoding: decoding first would let the unused
      // low bits of the last character vary, so four spellings of one signature would verify.
      if (!constantTimeEqual(mac(key, target, exp).toString('base64url'), sig)) throw invalid();
      if (Number(exp) * 1000 <= now) throw new AppError('signature_expired', 'This link has expired.', 403);
    },
  };
}

/** `?exp=…&kv=…&sig=…` for a path. */
export function signedQuery(params: SignatureParams): string {
  return new URLSearchParams({ exp: params.exp, kv: params.kv, sig: params.sig }).toString();
}
