import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { UnknownKeyVersionError } from '../errors.ts';
import { type PepperKeys, constantTimeEqual, createCodePepper, hashToken } from './hashing.ts';

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

/** Peppers by id, as keys/peppers.ts keeps them (wrapped in the database; here in memory). */
function peppers(activeId: string, byId: Record<string, Buffer>): PepperKeys {
  const find = async (id: string) => {
    const key = byId[id];
    if (!key) throw new UnknownKeyVersionError(id);
    return key;
  };
  return { byId: find, active: async () => ({ id: activeId, key: await find(activeId) }) };
}

describe('createCodePepper', () => {
  const first = randomBytes(32);
  const second = randomBytes(32);
  const pepper = createCodePepper(peppers('p1', { p1: first }));

  it('verifies the code it hashed, and nothing else', async () => {
    const stored = await pepper.hash('042917', 'email-login');
    expect(stored.keyVersion).toBe('p1');
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

  it('is keyed by the pepper, not a plain hash of the code', async () => {
    const otherServer = createCodePepper(peppers('p1', { p1: randomBytes(32) }));
    const stored = await pepper.hash('1234', 'lab-pin');
    expect((await otherServer.hash('1234', 'lab-pin')).digest).not.toBe(stored.digest);
    expect(stored.digest).not.toBe(createHash('sha256').update('1234').digest('hex'));
  });

  it('verifies under the pepper a hash names, and hashes new codes under the active one', async () => {
    const stored = await pepper.hash('555123', 'email-login');
    const later = createCodePepper(peppers('p2', { p2: second, p1: first }));
    expect(await later.verify('555123', 'email-login', stored)).toBe(true);
    expect((await later.hash('555123', 'email-login')).keyVersion).toBe('p2');
  });

  it('fails closed for a pepper that does not exist', async () => {
    const stored = await pepper.hash('555123', 'email-login');
    const without = createCodePepper(peppers('p2', { p2: second }));
    await expect(without.verify('555123', 'email-login', stored)).rejects.toBeInstanceOf(UnknownKeyVersionError);
    expect(await without.canVerify(stored.keyVersion)).toBe(false);
    expect(await without.canVerify('p2')).toBe(true);
  });
});
