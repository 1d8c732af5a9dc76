import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createLocalKeyProvider } from './master-keys.ts';
import { AppError } from '../errors.ts';
import { createUrlSigner } from './signed-urls.ts';

const v1 = { id: 'v1', key: randomBytes(32) };
const v2 = { id: 'v2', key: randomBytes(32) };
const target = { scope: 'vault', fileId: '6b1d4a4e-3f0a-4c55-9d36-5c3c0b0e6d8a', variant: 'original' };
const now = Date.UTC(2025, 0, 1);

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof AppError ? `${error.statusCode} ${error.code}` : String(error);
  }
  return 'accepted';
}

describe('signed URLs', () => {
  const signer = createUrlSigner(createLocalKeyProvider([v1]));

  it('accepts its own signature until the expiry, then refuses it as expired', async () => {
    const params = await signer.sign(target, now + 300_000);
    expect(params).toMatchObject({ exp: String((now + 300_000) / 1000), kv: 'v1' });
    expect(params.sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(signer.verify(target, params, now + 299_000)).resolves.toBeUndefined();
    expect(await failure(signer.verify(target, params, now + 300_000))).toBe('403 signature_expired');
  });

  it('binds the scope, the file, the variant and the expiry', async () => {
    const params = await signer.sign(target, now + 300_000);
    for (const changed of [{ ...target, scope: 'delivery/1' }, { ...target, fileId: '00000000-0000-4000-8000-000000000000' }, { ...target, variant: 'preview' }]) {
      expect(await failure(signer.verify(changed, params, now))).toBe('403 signature_invalid');
    }
    expect(await failure(signer.verify(target, { ...params, exp: String(Number(params.exp) + 3600) }, now))).toBe('403 signature_invalid');
  });

  it('says invalid, not expired, for a forged signature that is also expired', async () => {
    const params = await signer.sign(target, now - 1000);
    const forged = { ...params, sig: `${params.sig.slice(0, 42)}${params.sig.endsWith('A') ? 'B' : 'A'}` };
    expect(await failure(signer.verify(target, forged, now))).toBe('403 signature_invalid');
  });

  it('accepts only the canonical spelling of a signature (no malleable last character)', async () => {
    const params = await signer.sign(target, now + 300_000);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 43 characters carry 258 bits for a 256-bit MAC: the last character's two low bits are padding.
    const last = alphabet.indexOf(params.sig.slice(-1));
    const respellings = [1, 2, 3].map((low) => `${params.sig.slice(0, 42)}${alphabet[(last & ~3) | ((last + low) & 3)]}`);
    for (const sig of respellings) {
      expect(Buffer.from(sig, 'base64url').equals(Buffer.from(params.sig, 'base64url'))).toBe(true);
      expect(await failure(signer.verify(target, { ...params, sig }, now))).toBe('403 signature_invalid');
    }
  });

  it('refuses malformed, missing and unknown-version parameters without throwing anything else', async () => {
    const params = await signer.sign(target, now + 300_000);
    for (const bad of [{}, { ...params, sig: 'short' }, { ...params, exp: '-1' }, { ...params, exp: '1e9' }, { ...params, kv: 'v9' }, { ...params, sig: undefined }]) {
      expect(await failure(signer.verify(target, bad, now))).toBe('403 signature_invalid');
    }
  });

  it('keeps URLs signed before a rotation working, and signs new ones under the new version', async () => {
    const before = await signer.sign(target, now + 300_000);
    const rotated = createUrlSigner(createLocalKeyProvider([v2, v1]));
    await expect(rotated.verify(target, before, now)).resolves.toBeUndefined();
    expect((await rotated.sign(target, now + 300_000)).kv).toBe('v2');
    // Relabelling a v1 signature as v2 fails: the version is part of which key checks it.
    expect(await failure(rotated.verify(target, { ...before, kv: 'v2' }, now))).toBe('403 signature_invalid');
  });
});
