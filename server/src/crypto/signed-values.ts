import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './hashing.ts';
import type { MasterKeyProvider } from './master-keys.ts';

/**
 * Signed values for cookies that carry their own authorization (a delivery's "remember this
 * device"): `<exp>.<kv>.<sig>`, where the MAC (HMAC-SHA-256 under a key derived from the master
 * key for `purpose`, version `kv`) covers the expiry and the fields the caller names — which
 * are not in the value, so they must match what the server holds now (a delivery's id, its
 * code's and link's hashes): change one and every value signed over it stops verifying.
 */

export interface ValueSigner {
  sign(fields: readonly string[], expiresAt: number): Promise<string>;
  /** False for anything malformed, forged, signed over other fields, expired or under a retired key. */
  verify(fields: readonly string[], value: string, now: number): Promise<boolean>;
}

const VALUE_PATTERN = /^([0-9]{1,12})\.([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{43})$/;

function mac(key: Buffer, purpose: string, fields: readonly string[], exp: string): string {
  return createHmac('sha256', key).update(JSON.stringify(['shutterlock/v1/signed-value', purpose, exp, ...fields])).digest('base64url');
}

export function createValueSigner(keys: MasterKeyProvider, purpose: string): ValueSigner {
  const keyPurpose = `signed-values/${purpose}`;
  return {
    async sign(fields, expiresAt) {
      const exp = String(Math.floor(expiresAt / 1000));
      const { keyVersion, key } = await keys.deriveKey(keyPurpose);
      return `${exp}.${keyVersion}.${mac(key, purpose, fields, exp)}`;
    },
    async verify(fields, value, now) {
      const match = VALUE_PATTERN.exec(value);
      if (!match) return false;
      const [, exp, kv, sig] = match as unknown as [string, string, string, string];
      if (!keys.versions.includes(kv)) return false;
      const { key } = await keys.deriveKey(keyPurpose, kv);
      if (!constantTimeEqual(mac(key, purpose, fields, exp), sig)) return false;
      return Number(exp) * 1000 > now;
    },
  };
}
