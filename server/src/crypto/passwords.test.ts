import * as argon2 from 'argon2';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { MAX_PASSWORD_BYTES, PASSWORD_HASH_PARAMS, hashPassword, needsRehash, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('hashes with Argon2id at the exported parameters and at least OWASP minimums', async () => {
    const { memoryCost, timeCost, parallelism } = PASSWORD_HASH_PARAMS;
    expect(memoryCost).toBeGreaterThanOrEqual(19 * 1024);
    expect(timeCost).toBeGreaterThanOrEqual(2);
    const hash = await hashPassword('correct horse battery staple');
    const [, variant, version, params] = hash.split('$');
    expect([variant, version]).toEqual(['argon2id', 'v=19']);
    expect(params?.split(',').sort()).toEqual([`m=${memoryCost}`, `p=${parallelism}`, `t=${timeCost}`]);
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
    expect(await verifyPassword(hash, 'correct horse battery stapler')).toBe(false);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const hash = await hashPassword('caf\u00e9 cr\u00e8me');
    expect(await verifyPassword(hash, 'cafe\u0301 cre\u0300me')).toBe(true);
  });

  it('returns false, without throwing, for a malformed stored hash', async () => {
    const hash = await hashPassword('pw');
    for (const malformed of ['', 'not a hash', '$argon2id$', hash.slice(0, -10), hash.replace('argon2id', 'argon2x'), hash.replace('m=', 'm=x')]) {
      await expect(verifyPassword(malformed, 'pw')).resolves.toBe(false);
    }
  });

  it('asks for a rehash when the parameters or the variant are not current', async () => {
    expect(needsRehash(await hashPassword('pw'))).toBe(false);
    const owaspMinimum = await argon2.hash('pw', { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 });
    expect(needsRehash(owaspMinimum)).toBe(true);
    const argon2i = await argon2.hash('pw', { ...PASSWORD_HASH_PARAMS, type: argon2.argon2i });
    expect(needsRehash(argon2i)).toBe(true);
    expect(needsRehash('not a hash')).toBe(true);
  });

  it(`refuses passwords over ${MAX_PASSWORD_BYTES} bytes when hashing and verifying`, async () => {
    const hash = await hashPassword('\u00e9'.repeat(MAX_PASSWORD_BYTES / 2)); // two bytes each: exactly at the limit
    const tooLong = `${'\u00e9'.repeat(MAX_PASSWORD_BYTES / 2)}a`;
    await expect(hashPassword(tooLong)).rejects.toMatchObject({ code: 'password_too_long', statusCode: 400 });
    await expect(verifyPassword(hash, tooLong)).rejects.toBeInstanceOf(AppError);
  });
});
