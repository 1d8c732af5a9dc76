import { buildImgproxyUrl, buildOptStuffUrl } from '@shutterlock/url-signer';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { type KeyView, type ProjectView, createKey, createProject, publish } from '../../test/image-service.ts';
import { noisyPng, photo } from '../../test/images.ts';
import { createSecretBox } from '../crypto/secret-fields.ts';
import { KEY_GRANT_TTL_MS } from './key-grants.ts';
import { sealImgproxyCredentials } from './secrets.ts';
import { Readable } from 'node:stream';
import { previewJobsDone, readBlob, readFully, uploaded } from '../../test/vault.ts';

/**
 * The data plane end to end: signed URLs in both formats against a real server, every refusal
 * with its status and stable code, caching (hit, 304, one entry for equivalent URLs), and
 * revocation and unpublishing taking effect on the next request.
 */

describe.each(databaseKinds())('image URLs on %s', (database) => {
  let server: TestServer;
  let owner: TestClient;
  let intruder: TestClient;
  let project: ProjectView;
  let key: KeyView;
  let secretKey: string;
  let source: string;
  let fileId: string;
  let theirSource: string;

  const url = async (operations: string, options: { source?: string; expiresAt?: number; secret?: string; publicKey?: string; slug?: string } = {}) => {
    const signed = await buildOptStuffUrl({
      baseUrl: server.url,
      projectSlug: options.slug ?? project.slug,
      publicKey: options.publicKey ?? key.publicKey,
      secretKey: options.secret ?? secretKey,
      operations,
      source: options.source ?? source,
      ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
    });
    return signed.slice(server.url.length);
  };
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await owner.request('GET', path, undefined, headers);
    const body = Buffer.from(await response.arrayBuffer());
    const code = response.headers.get('content-type')?.includes('json') ? (JSON.parse(body.toString()) as { error: { code: string } }).error.code : undefined;
    return { status: response.status, headers: response.headers, body, code };
  };

  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    owner = (await signedInClient(server, 'photographer', 'owner')).client;
    intruder = (await signedInClient(server, 'photographer', 'intruder')).client;
    ({ project } = await createProject(owner, { sources: ['localhost', 'cdn.example.com'] }));
    ({ key, secretKey } = await createKey(owner, project.id));
    const file = await uploaded(owner, await photo('jpeg', { width: 320, height: 240, exif: true }), { name: 'wedding.jpg' });
    fileId = file.id;
    ({ source } = await publish(owner, file.id));
    const theirs = await uploaded(intruder, await photo('jpeg', { width: 64, height: 64 }));
    ({ source: theirSource } = await publish(intruder, theirs.id));
  });
  afterAll(async () => server?.close());

  it('serves a signed URL: resized, metadata stripped, cacheable; then from the cache, and 304 on its ETag', async () => {
    const path = await url('w_100,f_webp');
    const first = await get(path);
    expect(first.status, first.code).toBe(200);
    expect(first.headers.get('content-type')).toBe('image/webp');
    expect(first.headers.get('cache-control')).toMatch(/^public, max-age=\d+, immutable$/);
    // Embeddable by the studio's websites: a browser drops a same-origin resource in their <img>.
    expect(first.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(first.headers.get('ratelimit-limit')).toBe('60');
    const meta = await sharp(first.body).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif, meta.icc, meta.xmp]).toEqual(['webp', 100, 75, undefined, undefined, undefined]);
    const etag = first.headers.get('etag')!;
    const second = await get(path);
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers.get('etag')).toBe(etag);
    const notModified = await get(path, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    // The same transform written another way is the same entry.
    const equivalent = await get(await url('f_webp,w_100'));
    expect(equivalent.headers.get('etag')).toBe(etag);
    const head = await owner.request('HEAD', path);
    expect(head.status).toBe(200);
  });

  it('picks the format from Accept for f_auto, with Vary: Accept', async () => {
    const path = await url('w_50,f_auto');
    const avif = await get(path, { accept: 'image/avif,image/webp,*/*' });
    expect([avif.status, avif.headers.get('content-type'), avif.headers.get('vary')]).toEqual([200, 'image/avif', 'Accept']);
    const jpeg = await get(path, { accept: 'image/*' });
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
    expect(jpeg.headers.get('etag')).not.toBe(avif.headers.get('etag'));
  });

  it('refuses tampered, expired, foreign and malformed URLs with stable codes, never a 5xx, never cached', async () => {
    const good = await url('w_80');
    const tamperedOperations = good.replace('w_80', 'w_81');
    const tamperedSource = good.replace(source, theirSource);
    const other = await createProject(owner);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const cases: Array<[string, number, string]> = [
      [tamperedOperations, 403, 'signature_invalid'],
      [tamperedSource, 403, 'signature_invalid'],
      [await url('w_80', { expiresAt: nowSeconds - 10 }), 403, 'url_expired'],
      [await url('w_80', { slug: other.project.slug }), 401, 'key_project_mismatch'],
      [await url('w_80', { publicKey: 'pk_AAAAAAAAAAAAAAAAAAAAAA' }), 401, 'key_invalid'],
      [good.replace(/&sig=[^&]+/, ''), 401, 'key_invalid'],
      [`/api/v1/${project.slug}/w_80,zoom_2/${source}?key=${key.publicKey}&sig=${'a'.repeat(32)}`, 400, 'invalid_operations'],
      [`/api/v1/${project.slug}/w_99999/${source}?key=${key.publicKey}&sig=${'a'.repeat(32)}`, 400, 'invalid_operations'],
      [`${good}&exp=12abc`, 400, 'expiry_invalid'],
      [`${good}&extra=1`, 400, 'validation_failed'],
      [`/api/v1/${project.slug}/w_80`, 400, 'invalid_path'],
      [await url('w_80', { source: theirSource }), 404, 'image_not_found'],
      [await url('w_80', { source: 'vault:AAAAAAAAAAAAAAAAAAAAAA' }), 404, 'image_not_found'],
    ];
    for (const [path, status, code] of cases) {
      const answer = await get(path);
      expect([answer.status, answer.code], path).toEqual([status, code]);
      expect(answer.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('honours exp=0 as no expiry, and the project’s expiry rules', async () => {
    const zero = `${await url('w_60')}&exp=0`;
    expect((await get(zero)).status).toBe(200);
    const strict = await createProject(owner, { requireExpiry: true, maxLifetimeSeconds: 3600 });
    const strictKey = await createKey(owner, strict.project.id);
    const signed = async (expiresAt?: number) =>
      (await buildOptStuffUrl({ baseUrl: server.url, projectSlug: strict.project.slug, publicKey: strictKey.key.publicKey, secretKey: strictKey.secretKey, operations: 'w_60', source, ...(expiresAt ? { expiresAt } : {}) })).slice(server.url.length);
    const nowSeconds = Math.floor(Date.now() / 1000);
    // The file is this studio's: another project of the same studio may serve it.
    expect((await get(await signed())).code).toBe('expiry_required');
    expect((await get(await signed(nowSeconds + 7200))).code).toBe('expiry_too_far');
    const within = await get(await signed(nowSeconds + 600));
    expect(within.status).toBe(200);
    expect(Number(/max-age=(\d+)/.exec(within.headers.get('cache-control')!)![1])).toBeLessThanOrEqual(600);
  });

  it('keeps the previous secret through the grace period of a rotation, and revocation stops the key at once', async () => {
    const own = await createKey(owner, project.id, { name: 'Rotating' });
    const before = await url('w_70', { publicKey: own.key.publicKey, secret: own.secretKey });
    expect((await get(before)).status).toBe(200);
    const rotated = await owner.json<{ secretKey: string }>('POST', `/api/images/projects/${project.id}/keys/${own.key.id}/rotate`, { graceDays: 1 });
    expect((await get(before)).status).toBe(200);
    expect((await get(await url('w_70', { publicKey: own.key.publicKey, secret: rotated.body.secretKey }))).status).toBe(200);
    const again = await owner.json<{ secretKey: string }>('POST', `/api/images/projects/${project.id}/keys/${own.key.id}/rotate`, { graceDays: 0 });
    expect((await get(before)).code).toBe('signature_invalid');
    const current = await url('w_70', { publicKey: own.key.publicKey, secret: again.body.secretKey });
    expect((await get(current)).status).toBe(200);
    await owner.json('POST', `/api/images/projects/${project.id}/keys/${own.key.id}/revoke`);
    const revoked = await get(current);
    expect([revoked.status, revoked.code]).toEqual([401, 'key_revoked']);
  });

  it('applies a key or project change made on this instance to the next request, and one made elsewhere within KEY_GRANT_TTL_MS', async () => {
    const { project: own } = await createProject(owner);
    const made = await createKey(owner, own.id, { name: 'Remembered' });
    const path = await url('w_72', { slug: own.slug, publicKey: made.key.publicKey, secret: made.secretKey });
    expect((await get(path)).status).toBe(200); // the key is now remembered
    expect((await owner.json('PATCH', `/api/images/projects/${own.id}`, { requireExpiry: true })).status).toBe(200);
    expect((await get(path)).code).toBe('expiry_required');
    expect((await owner.json('PATCH', `/api/images/projects/${own.id}`, { requireExpiry: false })).status).toBe(200);
    expect((await get(path)).status).toBe(200);
    // Revoked directly in the database, as another instance would: this one learns it within the bound.
    await server.runtime.database.db.updateTable('image_keys').set({ revoked_at: Date.now() }).where('id', '=', made.key.id).execute();
    await new Promise((resolve) => setTimeout(resolve, KEY_GRANT_TTL_MS + 50));
    const refused = await get(path);
    expect([refused.status, refused.code]).toEqual([401, 'key_revoked']);
  });

  it('stops serving a file the moment it is unpublished, cached copies included', async () => {
    const path = await url('w_90');
    expect((await get(path)).status).toBe(200);
    await owner.json('PUT', `/api/images/web-files/${fileId}`, { published: false });
    expect((await get(path)).code).toBe('image_not_found');
    ({ source } = await publish(owner, fileId));
  });

  it('stops serving a published file the moment it is trashed, cached copies included', async () => {
    const file = await uploaded(owner, await photo('jpeg', { width: 80, height: 60 }));
    const path = await url('w_30', { source: (await publish(owner, file.id)).source });
    expect((await get(path)).status).toBe(200);
    expect((await get(path)).status).toBe(200); // from the cache
    expect((await owner.request('DELETE', `/api/vault/files/${file.id}`)).status).toBe(204);
    expect((await get(path)).code).toBe('image_not_found');
  });

  it('checks the referer allowlist, with Vary: Referer', async () => {
    const listed = await createProject(owner, { referers: ['example.com', '*.example.org'] });
    const listedKey = await createKey(owner, listed.project.id);
    const path = (await buildOptStuffUrl({ baseUrl: server.url, projectSlug: listed.project.slug, publicKey: listedKey.key.publicKey, secretKey: listedKey.secretKey, operations: 'w_40', source })).slice(server.url.length);
    const cases: Array<[string | undefined, number]> = [
      [undefined, 403],
      ['https://evil-example.com/', 403],
      ['https://example.com.evil.test/', 403],
      ['https://example.com@evil.test/', 403],
      ['https://example.org/', 403],
      ['https://example.com./page', 200],
      ['https://EXAMPLE.com/page', 200],
      ['https://www.example.org/', 200],
    ];
    for (const [referer, status] of cases) {
      const answer = await get(path, referer ? { referer } : {});
      expect(answer.status, referer).toBe(status);
      if (status === 200) expect(answer.headers.get('vary')).toBe('Referer');
      else expect(answer.code).toBe('referer_not_allowed');
    }
  });

  it('refuses remote sources off the allowlist or at private addresses', async () => {
    const none = await createProject(owner);
    const noneKey = await createKey(owner, none.project.id);
    const signedFor = async (src: string, target = { slug: project.slug, publicKey: key.publicKey, secretKey }) =>
      (await buildOptStuffUrl({ baseUrl: server.url, projectSlug: target.slug, publicKey: target.publicKey, secretKey: target.secretKey, operations: 'w_40', source: src })).slice(server.url.length);
    const cases: Array<[string, string]> = [
      // An empty source allowlist: own files only.
      [await signedFor('cdn.example.com/a.jpg', { slug: none.project.slug, publicKey: noneKey.key.publicKey, secretKey: noneKey.secretKey }), 'source_not_allowed'],
      [await signedFor('evil.test/a.jpg'), 'source_not_allowed'],
      [await signedFor('cdn.example.com.evil.test/a.jpg'), 'source_not_allowed'],
      [await signedFor('evil-cdn.example.com/a.jpg'), 'source_not_allowed'],
      [await signedFor('http://[::1]/a.jpg'), 'source_not_allowed'],
      [await signedFor('http://127.0.0.1/a.jpg'), 'source_not_allowed'],
      // On the allowlist, but the name resolves to 127.0.0.1.
      [await signedFor('localhost:9/a.jpg'), 'source_not_allowed'],
    ];
    for (const [path, code] of cases) {
      const answer = await get(path);
      expect([answer.status, answer.code], path).toEqual([403, code]);
    }
  });

  it('limits each key per minute with Retry-After and RateLimit headers', async () => {
    const limited = await createKey(owner, project.id, { name: 'Tight', perMinute: 2, perDay: 100 });
    const path = await url('w_30', { publicKey: limited.key.publicKey, secret: limited.secretKey });
    expect((await get(path)).headers.get('ratelimit-remaining')).toBe('1');
    expect((await get(path)).status).toBe(200);
    const refused = await get(path);
    expect([refused.status, refused.code]).toEqual([429, 'rate_limited']);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('stops an address guessing signatures before it checks any more of them', async () => {
    const guesser = new TestClient(server, { ip: '10.99.0.7' });
    const good = await url('w_20');
    const wrong = good.replace(/sig=[^&]+/, `sig=${'b'.repeat(32)}`);
    for (let attempt = 0; attempt < 50; attempt += 1) expect((await guesser.request('GET', wrong)).status).toBe(403);
    const blocked = await guesser.request('GET', good);
    expect([blocked.status, blocked.headers.get('retry-after')]).toEqual([429, '600']);
    expect((await get(good)).status).toBe(200);
  });

  it('refuses short imgproxy keys and salts for new credentials', async () => {
    for (const imgproxy of [{ key: '736563726574' }, { key: 'ab'.repeat(32), salt: '68656C6C6F' }, { key: 'ab'.repeat(31) }]) {
      const answer = await owner.json<{ error: { code: string } }>('POST', '/api/images/projects', { name: 'Short', slug: `short-${Math.random().toString(36).slice(2, 8)}`, imgproxy });
      expect([answer.status, answer.body.error.code], JSON.stringify(imgproxy)).toEqual([400, 'validation_failed']);
    }
    const long = await createProject(owner, { imgproxy: { key: 'ab'.repeat(32), salt: 'cd'.repeat(16) } });
    expect(long.imgproxyCredentials).toEqual({ key: 'ab'.repeat(32), salt: 'cd'.repeat(16) });
  });

  it('verifies imgproxy’s documented signature vector with the project’s key and salt', async () => {
    // The vector's key ("secret") and salt ("hello") are shorter than new credentials may be:
    // they are sealed into the project directly, as credentials set before the minimum would be.
    const vector = await createProject(owner, { imgproxy: {} });
    const sealed = await sealImgproxyCredentials(createSecretBox(server.runtime.keys), vector.project.id, { key: '736563726574', salt: '68656c6c6f' });
    await server.runtime.database.db.updateTable('image_projects').set({ imgproxy_key_sealed: sealed.key, imgproxy_salt_sealed: sealed.salt }).where('id', '=', vector.project.id).execute();
    const path = `/imgproxy/${vector.project.slug}/oKfUtW34Dvo2BGQehJFR4Nr0_rIjOtdtzJ3QFsUcXH8/rs:fill:300:400:0/g:sm/aHR0cDovL2V4YW1w/bGUuY29tL2ltYWdl/cy9jdXJpb3NpdHku/anBn.png`;
    // The signature holds; the source (example.com) is simply not on this project's allowlist.
    expect((await get(path)).code).toBe('source_not_allowed');
    expect((await get(path.replace('oKfU', 'oKfV'))).code).toBe('signature_invalid');
    const built = await buildImgproxyUrl({ baseUrl: `${server.url}/imgproxy/${vector.project.slug}`, key: '736563726574', salt: '68656C6C6F', options: { resizingType: 'fill', width: 40, height: 40, format: 'png' }, source });
    const served = await get(built.slice(server.url.length));
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect((await sharp(served.body).metadata()).width).toBe(40);
  });

  it('serves originals byte for byte only when the project allows it, and re-encodes “_” otherwise', async () => {
    const original = await photo('jpeg', { width: 120, height: 90, exif: true });
    const file = await uploaded(owner, original, { name: 'original.jpg' });
    const published = await publish(owner, file.id);
    const reencoded = await get(await url('_', { source: published.source }));
    expect(reencoded.status).toBe(200);
    expect(reencoded.body.equals(original)).toBe(false);
    expect((await sharp(reencoded.body).metadata()).exif).toBeUndefined();
    const allowing = await createProject(owner, { allowOriginal: true });
    const allowingKey = await createKey(owner, allowing.project.id);
    const path = (await buildOptStuffUrl({ baseUrl: server.url, projectSlug: allowing.project.slug, publicKey: allowingKey.key.publicKey, secretKey: allowingKey.secretKey, operations: '_', source: published.source })).slice(server.url.length);
    const untouched = await get(path);
    expect([untouched.status, untouched.headers.get('content-type'), untouched.body.equals(original)]).toEqual([200, 'image/jpeg', true]);
  });

  it('streams a large untouched original as it verifies: a damaged chunk cuts the answer off, a 304 reads nothing', async () => {
    // Over 4 MiB, so the vault's reader streams it instead of verifying it whole first.
    const original = await noisyPng(1600, 1200);
    const file = await uploaded(owner, original, { name: 'large.png' });
    await previewJobsDone(server);
    const published = await publish(owner, file.id);
    const allowing = await createProject(owner, { allowOriginal: true });
    const allowingKey = await createKey(owner, allowing.project.id);
    const path = (await buildOptStuffUrl({ baseUrl: server.url, projectSlug: allowing.project.slug, publicKey: allowingKey.key.publicKey, secretKey: allowingKey.secretKey, operations: '_', source: published.source })).slice(server.url.length);
    const whole = await owner.request('GET', path);
    expect([whole.status, whole.headers.get('content-type'), whole.headers.get('content-length')]).toEqual([200, 'image/png', String(original.length)]);
    const read = await readFully(whole);
    expect(read.complete && read.bytes.equals(original)).toBe(true);
    const etag = whole.headers.get('etag')!;
    // A HEAD answers the GET's headers without reading the file through.
    const head = await owner.request('HEAD', path);
    expect([head.status, head.headers.get('content-length'), (await head.arrayBuffer()).byteLength]).toEqual([200, String(original.length), 0]);
    const { blob_key: blobKey } = await server.runtime.database.db.selectFrom('vault_files').select('blob_key').where('id', '=', file.id).executeTakeFirstOrThrow();
    const stored = await readBlob(server, blobKey);
    // A flipped bit inside chunk 100 (56-byte header, then chunks of 16 KiB and a 16-byte tag).
    stored[56 + 100 * (16_384 + 16) + 50]! ^= 0x01;
    await server.runtime.blobs.put(blobKey, Readable.from([stored]));
    expect((await get(path, { 'if-none-match': etag })).status).toBe(304);
    const damaged = await owner.request('GET', path);
    // The header and final chunk authenticate, so the answer starts; it must not finish.
    expect(damaged.status).toBe(200);
    const cut = await readFully(damaged);
    expect(cut.complete).toBe(false);
    expect(cut.bytes.length).toBeLessThan(original.length);
    // A transform of it (not cached before the damage) reads the same pieces: the decoder never
    // runs on the authenticated prefix, the answer is a 500 (a stored file failed its check), nothing is cached.
    const transform = await url('w_64,f_webp', { source: published.source });
    for (let attempt = 0; attempt < 2; attempt += 1) expect(await get(transform)).toMatchObject({ status: 500, code: 'internal_error' });
  });

  it('honours imgproxy’s exp: option and plain sources', async () => {
    const { project: withImgproxy, imgproxyCredentials } = await createProject(owner, { imgproxy: {} });
    const credentials = { baseUrl: `${server.url}/imgproxy/${withImgproxy.slug}`, key: imgproxyCredentials!.key, salt: imgproxyCredentials!.salt };
    const expired = await buildImgproxyUrl({ ...credentials, options: { width: 30, expires: Math.floor(Date.now() / 1000) - 5 }, source });
    expect((await get(expired.slice(server.url.length))).code).toBe('url_expired');
    const plain = await buildImgproxyUrl({ ...credentials, options: { width: 30, format: 'webp' }, source, sourceEncoding: 'plain' });
    const served = await get(plain.slice(server.url.length));
    expect([served.status, served.headers.get('content-type')]).toEqual([200, 'image/webp']);
    expect((await get(plain.slice(server.url.length).replace('rs::30', 'rs::31'))).code).toBe('signature_invalid');
  });

  it('answers malformed paths with a 4xx, never a 5xx', async () => {
    const nasty = [
      '/api/v1/',
      '/api/v1/%',
      '/api/v1/a/b',
      `/api/v1/${project.slug}/w_10/%E0%A4%A`,
      `/api/v1/${project.slug}/w_10/${'a'.repeat(5000)}?key=${key.publicKey}&sig=x`,
      `/api/v1/${project.slug}/w_10/..%2F..%2Fetc%2Fpasswd?key=${key.publicKey}&sig=${'a'.repeat(32)}`,
      `/api/v1/${project.slug}/w_10/vault:%00?key=${key.publicKey}&sig=${'a'.repeat(32)}`,
      `/api/v1/${project.slug}/${'w_1,'.repeat(200)}/${source}?key=${key.publicKey}&sig=${'a'.repeat(32)}`,
      `/api/v1/${project.slug}/w_10/${source}?key=${key.publicKey}&sig=${'a'.repeat(32)}&exp=99999999999999999999`,
      `/api/v1/${project.slug}/w_10/${source}?key=${key.publicKey}&key=${key.publicKey}&sig=x`,
      '/imgproxy/',
      '/imgproxy/x',
      '/imgproxy/x/sig',
      `/imgproxy/${project.slug}/sig/rs:fill:10:10/plain/%ZZ`,
      `/imgproxy/${project.slug}/sig/rs:fill:10:10/!!!notbase64`,
      `/imgproxy/${project.slug}/sig/unknown:1/aHR0cDovL2EuY29t`,
      `/imgproxy/%E0%A4%A/sig/w:1/aHR0cDovL2EuY29t`,
    ];
    for (const path of nasty) {
      const answer = await get(path);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.status, path).toBeLessThan(500);
    }
  });

  it('counts usage per key: served, bytes, cache hits and refusals by reason', async () => {
    const usage = await owner.json<{ perMinute: Array<{ requests: number; bytes: number; cacheHits: number; refused: Record<string, number> }> }>('GET', `/api/images/projects/${project.id}/usage?keyId=${key.id}`);
    const last = usage.body.perMinute.reduce((sum, point) => ({ requests: sum.requests + point.requests, cacheHits: sum.cacheHits + point.cacheHits, signature: sum.signature + point.refused.signature! }), { requests: 0, cacheHits: 0, signature: 0 });
    expect(last.requests).toBeGreaterThan(3);
    expect(last.cacheHits).toBeGreaterThan(0);
    expect(last.signature).toBeGreaterThanOrEqual(2);
  });

  it('stops serving, cached results included, the moment a studio key is destroyed (by any instance)', async () => {
    const { client: leaving, user } = await signedInClient(server, 'photographer', 'leaving');
    const { project: own } = await createProject(leaving);
    const { key: ownKey, secretKey: ownSecret } = await createKey(leaving, own.id);
    const { source: ownSource } = await publish(leaving, (await uploaded(leaving, await photo('jpeg', { width: 120, height: 90 }))).id);
    const path = await url('w_50', { slug: own.slug, publicKey: ownKey.publicKey, secret: ownSecret, source: ownSource });
    expect((await get(path)).status).toBe(200);
    expect((await get(path)).status).toBe(200); // now from the encrypted result cache, its key unwrapped in this process
    // Destroyed directly in the database, as another instance's crypto-erase would: nothing in this process is told.
    await server.runtime.database.db.deleteFrom('studio_keys').where('studio_id', '=', user.studioId!).execute();
    const refused = await get(path);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(refused.body.length).toBeLessThan(1_000);
  });

  it('pauses a disabled photographer’s image URLs with the rest of their studio, and resumes them on re-enable', async () => {
    const admin = await signedInAdmin(server);
    const { client: paused, user } = await signedInClient(server, 'photographer', 'paused');
    const { project: own } = await createProject(paused);
    const { key: ownKey, secretKey: ownSecret } = await createKey(paused, own.id);
    const { source: ownSource } = await publish(paused, (await uploaded(paused, await photo('jpeg', { width: 120, height: 90 }))).id);
    const path = await url('w_60', { slug: own.slug, publicKey: ownKey.publicKey, secret: ownSecret, source: ownSource });
    expect((await get(path)).status).toBe(200);
    expect((await admin.client.json('PATCH', `/api/admin/users/${user.id}`, { disabled: true })).status).toBe(200);
    const refused = await get(path);
    expect(`${refused.status} ${refused.code}`).toBe('403 studio_suspended');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect((await admin.client.json('PATCH', `/api/admin/users/${user.id}`, { disabled: false })).status).toBe(200);
    expect((await get(path)).status).toBe(200);
  });
});
