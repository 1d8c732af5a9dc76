// Wycheproof vectors for the node:crypto primitives the crypto layer calls, with the parameters it uses.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hex, loadWycheproof } from './test-vectors.ts';

type Result = 'valid' | 'invalid';

interface AeadGroup {
  keySize: number;
  ivSize: number;
  tagSize: number;
  tests: Array<{ tcId: number; flags: string[]; key: string; iv: string; aad: string; msg: string; ct: string; tag: string; result: Result }>;
}

interface HkdfGroup {
  tests: Array<{ tcId: number; flags: string[]; ikm: string; salt: string; info: string; size: number; okm: string; result: Result }>;
}

interface MacGroup {
  tagSize: number;
  tests: Array<{ tcId: number; flags: string[]; key: string; msg: string; tag: string; result: Result }>;
}

describe('AES-256-GCM with 96-bit nonces and 128-bit tags (aes_gcm_test.json)', () => {
  const tests = loadWycheproof<AeadGroup>('aes_gcm_test.json')
    .testGroups.filter((group) => group.keySize === 256 && group.ivSize === 96 && group.tagSize === 128)
    .flatMap((group) => group.tests);

  it('covers valid and invalid vectors for these parameters', () => {
    expect(tests.filter((test) => test.result === 'valid').length).toBeGreaterThan(0);
    expect(tests.filter((test) => test.result === 'invalid').length).toBeGreaterThan(0);
  });

  for (const test of tests) {
    it(`tcId ${test.tcId} (${test.result}; ${test.flags.join(', ')})`, () => {
      const decipher = createDecipheriv('aes-256-gcm', hex(test.key), hex(test.iv), { authTagLength: 16 });
      decipher.setAAD(hex(test.aad));
      decipher.setAuthTag(hex(test.tag));
      const open = (): Buffer => Buffer.concat([decipher.update(hex(test.ct)), decipher.final()]);
      if (test.result === 'invalid') {
        expect(open).toThrow();
        return;
      }
      expect(open().toString('hex')).toBe(test.msg);
      const cipher = createCipheriv('aes-256-gcm', hex(test.key), hex(test.iv), { authTagLength: 16 });
      cipher.setAAD(hex(test.aad));
      expect(Buffer.concat([cipher.update(hex(test.msg)), cipher.final()]).toString('hex')).toBe(test.ct);
      expect(cipher.getAuthTag().toString('hex')).toBe(test.tag);
    });
  }
});

for (const [file, digest] of [
  ['hkdf_sha256_test.json', 'sha256'],
  ['hkdf_sha512_test.json', 'sha512'],
] as const) {
  describe(`HKDF-${digest.toUpperCase()} (${file})`, () => {
    for (const test of loadWycheproof<HkdfGroup>(file).testGroups.flatMap((group) => group.tests)) {
      it(`tcId ${test.tcId} (${test.result}; ${test.flags.join(', ')})`, () => {
        const derive = (): Buffer => Buffer.from(hkdfSync(digest, hex(test.ikm), hex(test.salt), hex(test.info), test.size));
        if (test.result === 'invalid') expect(derive).toThrow();
        else expect(derive().toString('hex')).toBe(test.okm);
      });
    }
  });
}

describe('HMAC-SHA-256, truncated to the group tag size (hmac_sha256_test.json)', () => {
  for (const group of loadWycheproof<MacGroup>('hmac_sha256_test.json').testGroups) {
    for (const test of group.tests) {
      it(`tcId ${test.tcId} (${group.tagSize}-bit tag; ${test.result}; ${test.flags.join(', ')})`, () => {
        const tag = createHmac('sha256', hex(test.key)).update(hex(test.msg)).digest().subarray(0, group.tagSize / 8);
        expect(tag.toString('hex') === test.tag).toBe(test.result === 'valid');
      });
    }
  }
});
