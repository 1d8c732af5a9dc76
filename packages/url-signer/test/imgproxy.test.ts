import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildImgproxyPath,
  buildImgproxyUrl,
  normaliseImgproxyOptions,
  parseImgproxyOptions,
  parseImgproxyPath,
  redenormaliseImgproxyPath,
  serializeImgproxyOptions,
  signImgproxyPath,
} from '../src/index.ts';
import { codeOf } from './helpers.ts';
import { imgproxyOptions } from './arbitraries.ts';

const hex = (text: string): string => Buffer.from(text).toString('hex');

/** imgproxy's examples/signature-truncated.mjs, with node:crypto. */
function nodeSignature(key: string, salt: string, path: string, size = 32): string {
  const mac = createHmac('sha256', Buffer.from(key, 'hex')).update(Buffer.from(salt, 'hex')).update(path).digest();
  return mac.subarray(0, size).toString('base64url');
}

describe('the signature vector in imgproxy’s documentation', () => {
  // imgproxy-docs docs/usage/signing_url.mdx ("Example"), identical in imgproxy's docs/signing_the_url.md
  // before the docs moved: key `secret`, salt `hello`.
  const key = '736563726574';
  const salt = '68656C6C6F';
  const path = '/rs:fill:300:400:0/g:sm/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.png';
  const signature = 'oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8';
  const signedUrl = `http://imgproxy.example.com/${signature}${path}`;

  it('signs the documented path to the documented signature', async () => {
    expect(await signImgproxyPath({ key, salt, path })).toBe(signature);
  });

  it('builds the documented signed URL from its parts', async () => {
    const url = await buildImgproxyUrl({
      baseUrl: 'http://imgproxy.example.com',
      key,
      salt,
      options: 'rs:fill:300:400:0/g:sm',
      source: 'http://example.com/images/curiosity.jpg',
      base64ChunkLength: 16,
      extension: 'png',
    });
    expect(url).toBe(signedUrl);
  });

  it('reads the documented URL back', () => {
    expect(parseImgproxyPath(new URL(signedUrl).pathname)).toEqual({
      signature,
      signedPath: path,
      options: { resizingType: 'fill', width: 300, height: 400, gravity: 'sm', format: 'png' },
      sourceUrl: 'http://example.com/images/curiosity.jpg',
      sourceEncoding: 'base64',
    });
  });
});

describe('signImgproxyPath', () => {
  // imgproxy's security/signature_test.go: key "test-key", salt "test-salt", path "asd" (imgproxy adds the "/").
  it('reproduces imgproxy’s own signature tests, truncation and key rotation included', async () => {
    const first = { key: hex('test-key'), salt: hex('test-salt') };
    expect(await signImgproxyPath({ ...first, path: 'asd' })).toBe('oWaL7QoW5TsgbuiS9-5-DI8S3Ibbo1gdB2SteJh3a20');
    expect(await signImgproxyPath({ ...first, path: '/asd' })).toBe('oWaL7QoW5TsgbuiS9-5-DI8S3Ibbo1gdB2SteJh3a20');
    expect(await signImgproxyPath({ ...first, path: 'asd', signatureSize: 8 })).toBe('oWaL7QoW5Ts');
    expect(await signImgproxyPath({ key: hex('test-key2'), salt: hex('test-salt2'), path: 'asd' })).toBe(
      'jYz1UZ7j1BCdSzH3pZhaYf0iuz0vusoOTdqJsUT6WXI',
    );
  });

  it('matches imgproxy’s Node example for every key, salt, path and size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 80 }).map((text) => `/${text}`),
        fc.integer({ min: 1, max: 32 }),
        async (keyBytes, saltBytes, path, size) => {
          const key = Buffer.from(keyBytes).toString('hex');
          const salt = Buffer.from(saltBytes).toString('hex');
          expect(await signImgproxyPath({ key, salt, path, signatureSize: size })).toBe(nodeSignature(key, salt, path, size));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses keys, salts and sizes imgproxy would refuse', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ key: '' }, 'invalid_key'],
      [{ key: 'abc' }, 'invalid_key'],
      [{ key: 'zz' }, 'invalid_key'],
      [{ salt: '' }, 'invalid_key'],
      [{ signatureSize: 0 }, 'invalid_argument'],
      [{ signatureSize: 33 }, 'invalid_argument'],
      [{ signatureSize: 1.5 }, 'invalid_argument'],
      [{ path: '' }, 'invalid_path'],
    ];
    for (const [override, code] of cases) {
      const input = { key: 'aa', salt: 'bb', path: '/x', ...override } as never;
      await expect(signImgproxyPath(input), JSON.stringify(override)).rejects.toMatchObject({ code });
    }
  });
});

describe('buildImgproxyPath', () => {
  it('serialises options with imgproxy’s short names', () => {
    expect(
      serializeImgproxyOptions({
        resizingType: 'fill-down',
        width: 300,
        height: 400,
        enlarge: true,
        gravity: { focalPoint: [0.5, 0.25] },
        crop: { width: 0.5, height: 0.5, gravity: 'no' },
        dpr: 2,
        quality: 80,
        format: 'jpeg',
        blur: 1,
        sharpen: 0.5,
        rotate: 180,
        background: 'FFF',
        expires: 4102444800,
      }),
    ).toBe('rs:fill-down:300:400:1/g:fp:0.5:0.25/c:0.5:0.5:no/dpr:2/q:80/f:jpg/bl:1/sh:0.5/rot:180/bg:ffffff/exp:4102444800');
    expect(serializeImgproxyOptions({ height: 200 })).toBe('rs:::200');
    expect(serializeImgproxyOptions({ enlarge: true })).toBe('el:1');
    expect(serializeImgproxyOptions({ expires: new Date(4102444800_000) })).toBe('exp:4102444800');
    expect(serializeImgproxyOptions({})).toBe('');
  });

  it('writes plain sources so imgproxy unescapes them back, escaping %, ?, @, # and later colons', () => {
    expect(buildImgproxyPath({ source: 'http://example.com/images/curiosity.jpg', sourceEncoding: 'plain', extension: 'png' })).toBe(
      '/plain/http://example.com/images/curiosity.jpg@png',
    );
    expect(
      buildImgproxyPath({ options: { width: 10 }, source: 'https://a.example:8443/x y/100%.jpg?v=1&u=a@b#f', sourceEncoding: 'plain' }),
    ).toBe('/rs::10/plain/https://a.example%3A8443/x%20y/100%25.jpg%3Fv=1&u=a%40b%23f');
  });

  it('writes base64 sources whole or in chunks, with a .extension', () => {
    const source = 'http://example.com/images/curiosity.jpg';
    expect(buildImgproxyPath({ source })).toBe('/aHR0cDovL2V4YW1wbGUuY29tL2ltYWdlcy9jdXJpb3NpdHkuanBn');
    expect(buildImgproxyPath({ source, base64ChunkLength: 16, extension: 'jpg' })).toBe(
      '/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.jpg',
    );
  });

  it('refuses bad options, sources and extensions', () => {
    expect(codeOf(() => buildImgproxyPath({ source: '' }))).toBe('invalid_source');
    expect(codeOf(() => buildImgproxyPath({ source: 'http://a/\u0000' }))).toBe('invalid_source');
    expect(codeOf(() => buildImgproxyPath({ source: 'http://a/b/../c', sourceEncoding: 'plain' }))).toBe('invalid_source');
    expect(buildImgproxyPath({ source: 'http://a/b/../c' })).toBe('/aHR0cDovL2EvYi8uLi9j');
    expect(codeOf(() => buildImgproxyPath({ source: 'http://a/x', extension: 'gif' as never }))).toBe('invalid_options');
    expect(codeOf(() => buildImgproxyPath({ source: 'http://a/x', options: 'rs:fill:300/watermark:1' }))).toBe('invalid_options');
    expect(codeOf(() => buildImgproxyPath({ source: 'http://a/x', options: { width: 0 } }))).toBe('invalid_options');
    expect(codeOf(() => buildImgproxyPath({ source: 'http://a/x', options: { resizingType: 'crop' as never } }))).toBe('invalid_options');
    expect(codeOf(() => buildImgproxyPath({ source: 'http://a/x', sourceEncoding: 'enc' as never }))).toBe('invalid_argument');
    expect(codeOf(() => buildImgproxyPath({ source: 'http://a/x', base64ChunkLength: 0 }))).toBe('invalid_argument');
  });
});

describe('parseImgproxyPath', () => {
  it('reads the documented plain example', () => {
    const parsed = parseImgproxyPath(
      '/AfrOrF3gWeDA6VOlDG4TzxMv39O7MXnF4CXpKUwGqRM/rs:fill:300:400:0/g:sm/plain/http://example.com/images/curiosity.jpg@png',
    );
    expect(parsed.signedPath).toBe('/rs:fill:300:400:0/g:sm/plain/http://example.com/images/curiosity.jpg@png');
    expect(parsed.options).toEqual({ resizingType: 'fill', width: 300, height: 400, gravity: 'sm', format: 'png' });
    expect(parsed.sourceUrl).toBe('http://example.com/images/curiosity.jpg');
    expect(parsed.sourceEncoding).toBe('plain');
  });

  it('accepts every alias of the common core and lets later options win', () => {
    const parsed = parseImgproxyPath(
      '/sig/resize:fit:100/size:200:300:t/resizing_type:force/width:400/height:500/enlarge:false/gravity:noea:0:0' +
        '/crop:0.5/c:100:200:fp:0.1:0.9/dpr:1.5/quality:90/format:webp/ext:avif/blur:2/sh:1/rotate:-90/background:10:20:30' +
        '/expires:4102444800/plain/https://a.example/x.jpg',
    );
    expect(parsed.options).toEqual({
      resizingType: 'force',
      width: 400,
      height: 500,
      gravity: 'noea',
      crop: { width: 100, height: 200, gravity: { focalPoint: [0.1, 0.9] } },
      dpr: 1.5,
      quality: 90,
      format: 'avif',
      blur: 2,
      sharpen: 1,
      rotate: 270,
      background: '0a141e',
      expires: 4102444800,
    });
    expect(parsed.options).not.toHaveProperty('enlarge');
    expect(parseImgproxyPath('/sig/exp:4102444800/w:10/plain/https://a.example/x.jpg').options).toEqual({ expires: 4102444800, width: 10 });
  });

  it('treats imgproxy’s zeros as "unset": w:0, q:0, bl:0, sh:0, exp:0, bg with no colour', () => {
    const parsed = parseImgproxyPath('/sig/w:100/w:0/q:0/bl:0/sh:0/exp:0/bg:fff/bg:/rot:360/plain/https://a.example/x');
    expect(parsed.options).toEqual({});
  });

  it('lets the extension override f:', () => {
    expect(parseImgproxyPath('/sig/f:png/plain/https://a.example/x.jpg@webp').options.format).toBe('webp');
    expect(parseImgproxyPath('/sig/f:png/aHR0cHM6Ly9hLmV4YW1wbGUveC5qcGc.jpg').options.format).toBe('jpeg');
  });

  it('re-normalises like imgproxy before the signature is checked', () => {
    // A CDN that encodes ":" in options, and one that merges "//" in the plain URL.
    expect(parseImgproxyPath('/sig/rs%3Afill%3A10/plain/https:/a.example/x.jpg').signedPath).toBe('/rs:fill:10/plain/https://a.example/x.jpg');
    expect(redenormaliseImgproxyPath('plain/local:/images/x.jpg')).toBe('plain/local:///images/x.jpg');
    expect(redenormaliseImgproxyPath('w:10/aHR0cDovL2E%3A')).toBe('w:10/aHR0cDovL2E:');
    // imgproxy's expression is greedy: the LAST ":/" before a non-slash is rewritten, even deep in a path.
    expect(redenormaliseImgproxyPath('plain/https://a.example/b:/c')).toBe('plain/https://a.example/b://c');
    // Lower-case %3a is left alone, as imgproxy leaves it.
    expect(redenormaliseImgproxyPath('rs%3afill/plain/x')).toBe('rs%3afill/plain/x');
  });

  it('ignores the query string and takes only the first segment as the signature', () => {
    const parsed = parseImgproxyPath('/abc/w:10/plain/https://a.example/x.jpg?w=99');
    expect(parsed.signature).toBe('abc');
    expect(parsed.signedPath).toBe('/w:10/plain/https://a.example/x.jpg');
    expect(parseImgproxyPath('insecure/plain/https://a.example/x.jpg').signature).toBe('insecure');
  });

  it('refuses what imgproxy refuses, and what Shutterlock does not serve', () => {
    const invalidPaths = [
      '',
      '/',
      '/sig',
      '/sig/',
      '//w:10/plain/x',
      '/sig/fill/300/400/sm/0/aHR0cDovL2E',
      '/sig/w:10',
      '/sig/w:10/plain/',
      '/sig/plain/a@b@png',
      '/sig/plain/https://a.example/%zz',
      '/sig/aHR0cDovL2E.png.jpg',
      '/sig/not*base64',
      '/sig/abcde',
      '/sig/_w',
      `/sig/${'a'.repeat(8200)}`,
    ];
    for (const path of invalidPaths) expect(codeOf(() => parseImgproxyPath(path)), path).toBe('invalid_path');
    const invalidOptions = [
      '/sig/wm:1/plain/x',
      '/sig/pr:sharp/plain/x',
      '/sig/w:abc/plain/x',
      '/sig/w:+5/plain/x',
      '/sig/w:9000/plain/x',
      '/sig/w:1:2/plain/x',
      '/sig/rt:crop/plain/x',
      '/sig/rs:fill:1:2:1:1/plain/x',
      '/sig/el:yes/plain/x',
      '/sig/g:no:10:0/plain/x',
      '/sig/g:fp:0.5/plain/x',
      '/sig/g:sm:1/plain/x',
      '/sig/g:center/plain/x',
      '/sig/c:1.5:10/plain/x',
      '/sig/dpr:0.5/plain/x',
      '/sig/q:101/plain/x',
      '/sig/f:gif/plain/x',
      '/sig/plain/https://a.example/x@tiff',
      '/sig/bl:0.1/plain/x',
      '/sig/rot:45/plain/x',
      '/sig/bg:#fff/plain/x',
      '/sig/bg:256:0:0/plain/x',
      '/sig/bg:1:2/plain/x',
      '/sig/exp:soon/plain/x',
    ];
    for (const path of invalidOptions) expect(codeOf(() => parseImgproxyPath(path)), path).toBe('invalid_options');
  });

  it('gives back what buildImgproxyUrl wrote, signature included (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        imgproxyOptions,
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        fc.constantFrom('base64', 'plain' as const),
        fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        fc.option(fc.constantFrom('webp', 'avif', 'jpg', 'png' as const), { nil: undefined }),
        fc.integer({ min: 1, max: 32 }),
        async (options, source, sourceEncoding, base64ChunkLength, extension, signatureSize) => {
          const key = 'aabbcc';
          const salt = 'ddeeff';
          const url = await buildImgproxyUrl({
            baseUrl: 'https://photos.example.com/imgproxy/my-site',
            key,
            salt,
            signatureSize,
            options,
            source,
            sourceEncoding,
            ...(base64ChunkLength === undefined ? {} : { base64ChunkLength }),
            ...(extension === undefined ? {} : { extension }),
          }).catch((error: unknown) => {
            // Plain sources with dot segments are refused: browsers would rewrite them.
            expect(sourceEncoding).toBe('plain');
            expect(source).toMatch(/\/\.\.?(?:[/?#]|$)/);
            expect(error).toMatchObject({ code: 'invalid_source' });
            return undefined;
          });
          if (url === undefined) return;
          const sent = new URL(url);
          expect(sent.href).toBe(url);
          const parsed = parseImgproxyPath(sent.pathname.slice('/imgproxy/my-site'.length));
          expect(parsed.sourceUrl).toBe(source);
          expect(parsed.sourceEncoding).toBe(sourceEncoding);
          const expected = normaliseImgproxyOptions(options);
          expect(parsed.options).toEqual(
            extension === undefined ? expected : { ...expected, format: extension === 'jpg' ? 'jpeg' : extension },
          );
          expect(parsed.signature).toBe(nodeSignature(key, salt, parsed.signedPath, signatureSize));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws anything but invalid_path or invalid_options on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (text) => {
        const code = codeOf(() => parseImgproxyPath(text));
        expect(code === undefined || code === 'invalid_path' || code === 'invalid_options', `${text}: ${code}`).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parseImgproxyOptions', () => {
  it('reads an options string and gives back serialised options (property)', () => {
    fc.assert(
      fc.property(imgproxyOptions, (options) => {
        expect(parseImgproxyOptions(serializeImgproxyOptions(options))).toEqual(normaliseImgproxyOptions(options));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses parts that are not options', () => {
    expect(codeOf(() => parseImgproxyOptions('rs:fill:10/plain'))).toBe('invalid_options');
    expect(parseImgproxyOptions('')).toEqual({});
  });
});
