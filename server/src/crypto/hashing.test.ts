import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnknownKeyVersionError } from '../errors.ts';
import { constantTimeEqual, createCodePepper, hashToken } from './hashing.ts';
import { createLocalKeyProvider } from './master-keys.ts';

const v1 = { id: 'v1', key: randomBytes(32) };
const v2 = { id: 'v2', key: randomBytes(32) };

describe('hashToken', () => {
  it('is SHA-256 hex', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('constantTimeEqual', () => {
  it('compares strings and buffers by content', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual(Buffer.from('abc'), 'abc')).toBe(true);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('returns false for different lengths without throwing', () => {
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('abcd', 'abc')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });
});

describe('createCodePepper', () => {
  const pepper = createCodePepper(createLocalKeyProvider([v1]));

  it('verifies the code it hashed, and nothing else', async () => {
    const stored = await pepper.hash('042917', 'email-login');
    expect(stored.keyVersion).toBe('v1');
    expect(stored.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await pepper.verify('042917', 'email-login', stored)).toBe(true);
    expect(await pepper.verify('042918', 'email-login', stored)).toBe(false);
    expect(await pepper.verify('042917', 'email-login', { ...stored, digest: stored.digest.slice(1) })).toBe(false);
  });

  it('binds the purpose, so a hash for one purpose never verifies for another', async () => {
    const stored = await pepper.hash('1234', 'lab-pin');
    expect(await pepper.verify('1234', 'email-login', stored)).toBe(false);
    expect((await pepper.hash('1234', 'email-login')).digest).not.toBe(stored.digest);
  });

  it('is keyed by the master key, not a plain hash of the code', async () => {
    const otherServer = createCodePepper(createLocalKeyProvider([{ id: 'v1', key: randomBytes(32) }]));
    const stored = await pepper.hash('1234', 'lab-pin');
    expect((await otherServer.hash('1234', 'lab-pin')).digest).not.toBe(stored.digest);
    expect(stored.digest).not.toBe(createHash('sha256').update('1234').digest('hex'));
  });

  it('keeps verifying hashes made under an older version after rotation, and hashes new codes under the new one', async () => {
    const stored = await pepper.hash('555123', 'email-login');
    const rotated = createCodePepper(createLocalKeyProvider([v2, v1]));
    expect(await rotated.verify('555123', 'email-login', stored)).toBe(true);
    expect((await rotated.hash('555123', 'email-login')).keyVersion).toBe('v2');
  });

  it('fails closed for a version that is no longer configured', async () => {
    const stored = await pepper.hash('555123', 'email-login');
    const retired = createCodePepper(createLocalKeyProvider([v2]));
    await expect(retired.verify('555123', 'email-login', stored)).rejects.toBeInstanceOf(UnknownKeyVersionError);
  });
});
