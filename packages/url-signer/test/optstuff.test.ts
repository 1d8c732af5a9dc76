import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  UrlSignerError,
  bucketedExpiry,
  buildOptStuffUrl,
  encodeOptStuffSource,
  optStuffSignaturePayload,
  optStuffSource,
  parseOptStuffPath,
  resolveOptStuffSource,
  signOptStuff,
} from '../src/index.ts';
import { rejectionCode } from './helpers.ts';
import { operations, source } from './arbitraries.ts';

// A key pair in OptStuff's format (`sk_` + 32 bytes, `pk_` + 16 bytes, base64url): bytes 0–31 and 16–31.
const secretKey = 'sk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const publicKey = 'pk_EBESExQVFhcYGRobHB0eHw';

/** OptStuff's `createUrlSignature`, written independently with node:crypto. */
function nodeSignature(secret: string, path: string, exp?: number): string {
  const payload = exp ? `${path}?exp=${exp}` : path;
  return createHmac('sha256', secret).update(payload).digest('base64url').substring(0, 32);
}

describe('signOptStuff', () => {
  // Computed by running OptStuff's own createUrlSignature
  // (EricTsai83/optstuff@9d0d1ea, apps/optstuff-dashboard/src/server/lib/api-key.ts) with the key above.
  const vectors = [
    ['w_800,h_600,q_80,f_webp,fit_cover', 'cdn.example.com/photo.jpg', undefined, 'PeWTam5r8oFhKJ1xvUVJaHC0o3I7mM8e'],
    ['w_800,h_600,q_80,f_webp,fit_cover', 'cdn.example.com/photo.jpg', 1706500000, '3vxBjOk4Ok2kI4twtJdQhkRSy8i8e547'],
    ['_', 'cdn.mysite.com/banner.png', 1706500000, 'aFDftsONlBx-BpHSE-Y5O4Z5nM_bl6cf'],
    ['w_400', 'https://images.example.com/a.jpg', undefined, 'skguQdVsRd1vwB-zLFHDUVRMbO4lsHkD'],
    ['w_200,f_avif', 'cdn.example.com/café 1.jpg?v=2', 4102444800, 'EKY3s-eW4uD6erSRG-ssodIR4iQ9TCvZ'],
  ] as const;

  it.each(vectors)('reproduces OptStuff’s signature for %s/%s exp=%s', async (ops, src, exp, expected) => {
    const sig = await signOptStuff({ secretKey, operations: ops, source: src, ...(exp === undefined ? {} : { expiresAt: exp }) });
    expect(sig).toBe(expected);
  });

  it('signs the payload {operations}/{source}?exp={exp} with the whole sk_ string as the key (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^sk_[A-Za-z0-9_-]{16,60}$/),
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
        fc.option(fc.integer({ min: 1, max: 2 ** 40 }), { nil: undefined }),
        async (secret, ops, src, exp) => {
          const sig = await signOptStuff({ secretKey: secret, operations: ops, source: src, ...(exp ? { expiresAt: exp } : {}) });
          expect(sig).toBe(nodeSignature(secret, `${ops}/${src}`, exp));
          expect(sig).toMatch(/^[A-Za-z0-9_-]{32}$/);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('accepts a Date for the expiry and signs its Unix seconds', async () => {
    const sig = await signOptStuff({ secretKey, operations: '_', source: 'cdn.mysite.com/banner.png', expiresAt: new Date(1706500000_999) });
    expect(sig).toBe('aFDftsONlBx-BpHSE-Y5O4Z5nM_bl6cf');
  });

  it('refuses expiries that are not positive whole seconds (OptStuff silently drops 0 and junk)', async () => {
    for (const expiresAt of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(await rejectionCode(() => signOptStuff({ secretKey, operations: '_', source: 'a.example/x', expiresAt })), String(expiresAt)).toBe(
        'invalid_expiry',
      );
    }
  });

  it('refuses a public key where the secret belongs', async () => {
    expect(await rejectionCode(() => signOptStuff({ secretKey: publicKey, operations: '_', source: 'a.example/x' }))).toBe('invalid_key');
    expect(await rejectionCode(() => signOptStuff({ secretKey: 'sk_short', operations: '_', source: 'a.example/x' }))).toBe('invalid_key');
  });
});

describe('buildOptStuffUrl', () => {
  const base = { baseUrl: 'https://images.example.com', projectSlug: 'my-blog', publicKey, secretKey };

  it('builds the same URL as OptStuff’s Next.js client (examples/nextjs/src/lib/optstuff-core.ts)', async () => {
    // generateOptStuffUrl('https://cdn.example.com/photos/sunset.jpg', {800, 600, 80, webp, cover}) with the key above.
    const url = await buildOptStuffUrl({
      ...base,
      operations: { width: 800, height: 600, quality: 80, format: 'webp', fit: 'cover' },
      source: optStuffSource('https://cdn.example.com/photos/sunset.jpg'),
    });
    expect(url).toBe(
      'https://images.example.com/api/v1/my-blog/w_800,h_600,q_80,f_webp,fit_cover/cdn.example.com/photos/sunset.jpg?key=pk_EBESExQVFhcYGRobHB0eHw&sig=Jt31J0Rexmr5goTRSWDm0FbPlUtY87JX',
    );
  });

  it('encodes a query like OptStuff’s Next.js client and signs the same thing', async () => {
    // generateOptStuffUrl('https://cdn.example.com/photos/sunset.jpg?v=3', { width: 400 })
    const url = new URL(await buildOptStuffUrl({ ...base, operations: { width: 400 }, source: optStuffSource('https://cdn.example.com/photos/sunset.jpg?v=3') }));
    expect(url.pathname).toBe('/api/v1/my-blog/w_400/cdn.example.com/photos/sunset.jpg%3Fv=3');
    expect(url.searchParams.get('sig')).toBe('22cWHBhG0aoOq61x92KfuLqkf3EOzyiS');
  });

  it('signs the expiry like OptStuff’s Next.js client', async () => {
    // generateOptStuffUrl(…, { width: 1200, format: 'avif' }, 86400) at Date.now() = 1_700_000_000_000 gave exp=1700085600.
    const url = new URL(
      await buildOptStuffUrl({
        ...base,
        operations: { width: 1200, format: 'avif' },
        source: 'cdn.example.com/photos/sunset.jpg',
        expiresAt: 1700085600,
      }),
    );
    expect(url.search).toBe('?key=pk_EBESExQVFhcYGRobHB0eHw&sig=GhG1GuSdGDDiWj3kTgVi67kaIkbCreyF&exp=1700085600');
  });

  it('keeps valid operation strings as given, since they are what is signed', async () => {
    const url = new URL(await buildOptStuffUrl({ ...base, operations: 'f_webp,w_800', source: 'images.example.com/photo.jpg' }));
    expect(url.pathname).toBe('/api/v1/my-blog/f_webp,w_800/images.example.com/photo.jpg');
    expect(url.searchParams.get('sig')).toBe(nodeSignature(secretKey, 'f_webp,w_800/images.example.com/photo.jpg'));
  });

  it('accepts a base URL with a path prefix and trailing slashes', async () => {
    const url = await buildOptStuffUrl({ ...base, baseUrl: 'https://example.com/img//', operations: '_', source: 'a.example/x.jpg' });
    expect(url.startsWith('https://example.com/img/api/v1/my-blog/_/a.example/x.jpg?key=')).toBe(true);
  });

  it('gives back source, operations and signature through the server’s reading (property)', async () => {
    await fc.assert(
      fc.asyncProperty(operations, source, fc.option(fc.integer({ min: 1, max: 2 ** 40 }), { nil: undefined }), async (ops, src, exp) => {
        const url = new URL(
          await buildOptStuffUrl({ ...base, operations: ops, source: src, ...(exp === undefined ? {} : { expiresAt: exp }) }),
        );
        const parsed = parseOptStuffPath(url.pathname.slice('/api/v1/'.length));
        expect(parsed.projectSlug).toBe('my-blog');
        expect(parsed.source).toBe(src);
        expect(url.searchParams.get('key')).toBe(publicKey);
        expect(url.searchParams.get('exp')).toBe(exp === undefined ? null : String(exp));
        expect(url.searchParams.get('sig')).toBe(nodeSignature(secretKey, `${parsed.operations}/${parsed.source}`, exp));
      }),
      { numRuns: 300 },
    );
  });

  it('survives a URL parser: what the browser sends is what was signed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(source, async (src) => {
        const built = await buildOptStuffUrl({ ...base, operations: '_', source: src });
        const sent = new URL(built);
        expect(sent.href).toBe(built);
        expect(parseOptStuffPath(sent.pathname.slice('/api/v1/'.length)).source).toBe(src);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses bad arguments with stable codes', async () => {
    const good = { ...base, operations: '_', source: 'a.example/x.jpg' };
    const cases: [Record<string, unknown>, string][] = [
      [{ baseUrl: 'images.example.com' }, 'invalid_argument'],
      [{ baseUrl: 'ftp://images.example.com' }, 'invalid_argument'],
      [{ baseUrl: 'https://images.example.com/?x=1' }, 'invalid_argument'],
      [{ projectSlug: '' }, 'invalid_argument'],
      [{ projectSlug: 'a/b' }, 'invalid_argument'],
      [{ projectSlug: '..' }, 'invalid_argument'],
      [{ publicKey: 'pk_short' }, 'invalid_key'],
      [{ publicKey: secretKey }, 'invalid_key'],
      [{ secretKey: publicKey }, 'invalid_key'],
      [{ operations: 'w_0' }, 'invalid_operations'],
      [{ operations: { width: 9000 } }, 'invalid_operations'],
      [{ source: '' }, 'invalid_source'],
      [{ source: '/local/path.jpg' }, 'invalid_source'],
      [{ source: 'a.example/../x.jpg' }, 'invalid_source'],
      [{ source: 'a.example/./x.jpg' }, 'invalid_source'],
      [{ source: 'a.example//x.jpg' }, 'invalid_source'],
      [{ source: 'a.example/x/' }, 'invalid_source'],
      [{ source: 'a.example/x\n.jpg' }, 'invalid_source'],
      [{ source: 'a.example/\ud800.jpg' }, 'invalid_source'],
      [{ source: `a.example/${'x'.repeat(2048)}` }, 'invalid_source'],
      [{ expiresAt: 0 }, 'invalid_expiry'],
      [{ expiresAt: new Date(Number.NaN) }, 'invalid_expiry'],
    ];
    for (const [override, code] of cases) {
      expect(await rejectionCode(() => buildOptStuffUrl({ ...good, ...override } as never)), JSON.stringify(override)).toBe(code);
    }
  });
});

describe('sources', () => {
  it('optStuffSource writes a URL as OptStuff’s client does, keeping a scheme the server would not assume', () => {
    expect(optStuffSource('https://cdn.example.com/photos/sunset.jpg')).toBe('cdn.example.com/photos/sunset.jpg');
    expect(optStuffSource('https://cdn.example.com/a%20b.jpg?v=1#top')).toBe('cdn.example.com/a%20b.jpg?v=1');
    expect(optStuffSource('https://xn--caf-dma.example/')).toBe('xn--caf-dma.example');
    expect(optStuffSource('https://café.example/x.jpg')).toBe('xn--caf-dma.example/x.jpg');
    // OptStuff's own client drops http://, so the server fetches https://; we keep it.
    expect(optStuffSource('http://cdn.example.com/a.jpg')).toBe('http://cdn.example.com/a.jpg');
    expect(optStuffSource('http://localhost:3000/a.jpg')).toBe('localhost:3000/a.jpg');
    expect(optStuffSource('https://localhost:3000/a.jpg')).toBe('https://localhost:3000/a.jpg');
    expect(optStuffSource(new URL('https://[2001:db8::1]:8443/a.jpg'))).toBe('[2001:db8::1]:8443/a.jpg');
    for (const bad of ['/a.jpg', 'ftp://a.example/x', 'https://user:pw@a.example/x', 'https://a.example//x']) {
      expect(() => optStuffSource(bad), bad).toThrow(UrlSignerError);
    }
  });

  it('resolveOptStuffSource resolves like OptStuff’s ensureProtocol', () => {
    expect(resolveOptStuffSource('cdn.example.com/a.jpg').href).toBe('https://cdn.example.com/a.jpg');
    expect(resolveOptStuffSource('localhost:3000/a.jpg').href).toBe('http://localhost:3000/a.jpg');
    expect(resolveOptStuffSource('localhost.example.com/a.jpg').href).toBe('https://localhost.example.com/a.jpg');
    expect(resolveOptStuffSource('HTTP://cdn.example.com/a.jpg').href).toBe('http://cdn.example.com/a.jpg');
    expect(() => resolveOptStuffSource('ftp://cdn.example.com/a.jpg')).toThrow(UrlSignerError);
    expect(() => resolveOptStuffSource('/etc/passwd')).toThrow(UrlSignerError);
  });

  it('encodeOptStuffSource keeps path separators and encodes the query whole', () => {
    expect(encodeOptStuffSource('cdn.example.com/a b/café.jpg?u=https://x/y#z')).toBe(
      'cdn.example.com/a%20b/caf%C3%A9.jpg%3Fu=https:%2F%2Fx%2Fy%23z',
    );
    expect(encodeOptStuffSource('a.example/100%.jpg')).toBe('a.example/100%25.jpg');
    expect(encodeOptStuffSource('a.example/a+b@2x.jpg')).toBe('a.example/a%2Bb@2x.jpg');
  });
});

describe('parseOptStuffPath', () => {
  it('reads the examples from OptStuff’s route', () => {
    expect(parseOptStuffPath('my-blog/w_800,f_webp/images.example.com/photo.jpg')).toEqual({
      projectSlug: 'my-blog',
      operations: 'w_800,f_webp',
      source: 'images.example.com/photo.jpg',
    });
    expect(parseOptStuffPath('/my-blog/_/cdn.mysite.com/banner.png?key=pk&sig=x')).toMatchObject({ operations: '_', source: 'cdn.mysite.com/banner.png' });
  });

  it('restores https:/ merged by a proxy, as OptStuff does', () => {
    expect(parseOptStuffPath('p/w_1/https:/cdn.example.com/a.jpg').source).toBe('https://cdn.example.com/a.jpg');
    expect(parseOptStuffPath('p/w_1/https://cdn.example.com/a.jpg').source).toBe('https://cdn.example.com/a.jpg');
    expect(parseOptStuffPath('p/w_1/https%3A%2F%2Fcdn.example.com%2Fa.jpg').source).toBe('https://cdn.example.com/a.jpg');
  });

  it('reports OptStuff’s second decoding when it reads differently', () => {
    // OptStuff decodes the joined source again after Next.js decoded each segment.
    expect(parseOptStuffPath('p/w_1/cdn.example.com/a%2520b.jpg')).toEqual({
      projectSlug: 'p',
      operations: 'w_1',
      source: 'cdn.example.com/a%20b.jpg',
      optStuffSource: 'cdn.example.com/a b.jpg',
    });
    // A literal % that cannot be decoded twice has only one reading (OptStuff answers 400).
    expect(parseOptStuffPath('p/w_1/a.example/100%25.jpg')).toEqual({ projectSlug: 'p', operations: 'w_1', source: 'a.example/100%.jpg' });
  });

  it('refuses malformed paths with invalid_path', () => {
    for (const bad of ['', 'p', 'p/w_1', 'p/w_1/', '/p/w_1', 'p//a.example/x', 'p/w_1/a%zz', 'p/w_1/%E0%A4%A']) {
      expect(() => parseOptStuffPath(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_path' }));
    }
  });
});

describe('optStuffSignaturePayload and bucketedExpiry', () => {
  it('writes the payload exactly', () => {
    expect(optStuffSignaturePayload('w_800', 'a.example/x.jpg')).toBe('w_800/a.example/x.jpg');
    expect(optStuffSignaturePayload('w_800', 'a.example/x.jpg', 1706500000)).toBe('w_800/a.example/x.jpg?exp=1706500000');
  });

  it('rounds expiries up to the bucket, so URLs repeat within it and live at least the TTL', () => {
    const now = 1_700_000_000_000; // 22:13:20 UTC
    expect(bucketedExpiry(86400, { now })).toBe(1700089200);
    expect(bucketedExpiry(86400, { now: now + 1000 })).toBe(1700089200);
    expect(bucketedExpiry(600, { now, bucketSeconds: 60 })).toBe(1700000640);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 7 }), fc.integer({ min: 1, max: 86400 }), fc.integer({ min: 0, max: 2 ** 41 }), (ttl, bucket, at) => {
        const exp = bucketedExpiry(ttl, { bucketSeconds: bucket, now: at });
        const nowSeconds = Math.floor(at / 1000);
        expect(exp % bucket).toBe(0);
        expect(exp - nowSeconds).toBeGreaterThanOrEqual(ttl);
        expect(exp - nowSeconds).toBeLessThan(ttl + bucket);
      }),
    );
    expect(() => bucketedExpiry(0)).toThrow(UrlSignerError);
    expect(() => bucketedExpiry(60, { bucketSeconds: 0 })).toThrow(UrlSignerError);
  });
});
