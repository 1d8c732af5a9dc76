import fc from 'fast-check';
import { signOptStuff } from '@shutterlock/url-signer';
import { describe, expect, it } from 'vitest';
import { optStuffSignature, verifyOptStuff } from './signatures.ts';

/** The server's OptStuff signature is the package's, byte for byte; verification tries every reading and secret. */

const secret = fc.stringMatching(/^sk_[A-Za-z0-9_-]{16,60}$/);

describe('OptStuff signatures on the server', () => {
  it('equal @shutterlock/url-signer’s signOptStuff', async () => {
    await fc.assert(
      fc.asyncProperty(secret, fc.string({ minLength: 1, maxLength: 40 }), fc.string({ minLength: 1, maxLength: 80 }), fc.option(fc.integer({ min: 1, max: 2 ** 40 }), { nil: undefined }), async (secretKey, operations, source, expiresAt) => {
        const reference = await signOptStuff({ secretKey, operations, source, ...(expiresAt === undefined ? {} : { expiresAt }) });
        expect(optStuffSignature(secretKey, operations, source, expiresAt)).toBe(reference);
      }),
      { numRuns: 200 },
    );
  });

  it('verifies against the reading and the secret that signed, and nothing else', async () => {
    const current = `sk_${'c'.repeat(43)}`;
    const previous = `sk_${'p'.repeat(43)}`;
    const sig = optStuffSignature(previous, 'w_100', 'cdn.example.com/a%20b.jpg');
    expect(await verifyOptStuff({ secrets: [current, previous], operations: 'w_100', sources: ['cdn.example.com/a%20b.jpg', 'cdn.example.com/a b.jpg'], sig })).toBe('cdn.example.com/a%20b.jpg');
    expect(await verifyOptStuff({ secrets: [current], operations: 'w_100', sources: ['cdn.example.com/a%20b.jpg'], sig })).toBeUndefined();
    expect(await verifyOptStuff({ secrets: [previous], operations: 'w_101', sources: ['cdn.example.com/a%20b.jpg'], sig })).toBeUndefined();
    expect(await verifyOptStuff({ secrets: [previous], operations: 'w_100', sources: ['cdn.example.com/a%20b.jpg'], expiresAt: 5, sig })).toBeUndefined();
    expect(await verifyOptStuff({ secrets: [previous], operations: 'w_100', sources: ['cdn.example.com/a%20b.jpg'], sig: `${sig.slice(0, 31)}!` })).toBeUndefined();
  });
});
