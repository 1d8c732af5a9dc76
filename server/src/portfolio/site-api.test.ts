import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { createCollection, createPortfolio, publishNew } from '../../test/portfolio.ts';
import { hashToken } from '../crypto/hashing.ts';

/**
 * Website tokens and /api/site/v1: 64 characters, shown once, stored only as a hash; rotation
 * with overlap; revocation; CORS only for listed origins; ETags, paging and signed image URLs;
 * per-token rate limits; another studio's token never reads this studio's data.
 */

interface TokenAnswer {
  token: { id: string; status: string; origins: string[]; expiresAt: string | null };
  secret: string;
  previous?: { id: string; status: string; expiresAt: string | null };
}

async function site(server: TestServer, path: string, secret: string | undefined, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/api/site/v1${path}`, { headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers } });
}

describe.each(databaseKinds())('website tokens and the site API on %s', (database) => {
  let server: TestServer;
  let owner: TestClient;
  let other: TestClient;
  let slug: string;
  let collectionId: string;
  let photoIds: string[];
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    owner = (await signedInClient(server, 'photographer', 'owner')).client;
    other = (await signedInClient(server, 'photographer', 'other')).client;
    slug = (await createPortfolio(owner)).slug;
    const collection = await publishNew(owner, (await createCollection(owner, 'Landscapes')).id, 3);
    collectionId = collection.id;
    photoIds = collection.photos.map((entry) => entry.id);
    await createPortfolio(other);
    await publishNew(other, (await createCollection(other, 'Theirs')).id, 1);
  }, 120_000);
  afterAll(async () => server?.close());

  it('shows a 64-character token once and stores only its hash', async () => {
    const created = await owner.json<TokenAnswer>('POST', '/api/portfolio/site-tokens', { name: 'Website', origins: ['https://www.example.com'] });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(created.body.token).toMatchObject({ status: 'active', origins: ['https://www.example.com'] });
    const rows = await server.runtime.database.db.selectFrom('portfolio_site_tokens').selectAll().execute();
    const row = rows.find((entry) => entry.id === created.body.token.id)!;
    expect(row.token_hash).toBe(hashToken(created.body.secret));
    expect(JSON.stringify(rows)).not.toContain(created.body.secret);
    const listed = await owner.json<{ tokens: Array<Record<string, unknown>> }>('GET', '/api/portfolio/site-tokens');
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect((await other.json<{ tokens: unknown[] }>('GET', '/api/portfolio/site-tokens')).body.tokens).toEqual([]);
  });

  it('reads profiles, collections and photos with signed image URLs, ETags and paging', async () => {
    const { secret } = (await owner.json<TokenAnswer>('POST', '/api/portfolio/site-tokens', { name: 'Reader' })).body;
    const portfolios = await site(server, '/portfolios', secret);
    expect(portfolios.status).toBe(200);
    const listed = (await portfolios.json()) as { portfolios: Array<{ slug: string }> };
    expect(listed.portfolios.map((entry) => entry.slug)).toEqual([slug]);

    const collection = await site(server, `/collections/${collectionId}?sizes=300,800&format=jpeg&perPage=2`, secret);
    expect(collection.status).toBe(200);
    const etag = collection.headers.get('etag')!;
    const body = (await collection.json()) as { photos: Array<{ id: string; images: Record<string, string> }>; total: number; nextPage: number | null };
    expect(body.total).toBe(3);
    expect(body.photos.map((entry) => entry.id)).toEqual(photoIds.slice(0, 2));
    expect(body.nextPage).toBe(2);
    expect(Object.keys(body.photos[0]!.images).sort()).toEqual(['300', '800']);
    const second = (await (await site(server, `/collections/${collectionId}?perPage=2&page=2`, secret)).json()) as { photos: Array<{ id: string }>; nextPage: number | null };
    expect(second.photos.map((entry) => entry.id)).toEqual(photoIds.slice(2));
    expect(second.nextPage).toBeNull();
    expect((await site(server, `/collections/${collectionId}?sizes=300,800&format=jpeg&perPage=2`, secret, { 'if-none-match': etag })).status).toBe(304);

    const imageUrl = body.photos[0]!.images['300']!;
    const image = await fetch(imageUrl);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/jpeg');
    const bytes = Buffer.from(await image.arrayBuffer());
    const metadata = await sharp(bytes).metadata();
    expect(metadata.width).toBe(300);
    expect(metadata.exif).toBeUndefined();
    // The signature covers the photo and the size.
    expect((await fetch(imageUrl.replace('/w300.jpeg', '/w800.jpeg'))).status).toBe(403);
    expect((await fetch(imageUrl.replace(/sig=[^&]+/, 'sig=' + 'A'.repeat(43)))).status).toBe(403);
    expect((await fetch(imageUrl.split('?')[0]!)).status).toBe(403);

    const home = (await (await site(server, `/portfolios/${slug}`, secret)).json()) as { collections: Array<{ id: string; cover: { images: Record<string, string> } }> };
    expect(home.collections.map((entry) => entry.id)).toEqual([collectionId]);

    // Unpublishing stops the signed URL at once.
    expect((await owner.json('POST', `/api/portfolio/collections/${collectionId}/photos/unpublish`, { photoIds: [photoIds[0]] })).status).toBe(200);
    expect((await fetch(imageUrl)).status).toBe(404);
    photoIds = photoIds.slice(1);
  });

  it('never reads another studio’s data, and refuses bad or missing tokens', async () => {
    const { secret: theirs } = (await other.json<TokenAnswer>('POST', '/api/portfolio/site-tokens', { name: 'Theirs' })).body;
    expect((await site(server, `/collections/${collectionId}`, theirs)).status).toBe(404);
    expect((await site(server, `/portfolios/${slug}`, theirs)).status).toBe(404);
    const theirList = (await (await site(server, '/collections', theirs)).json()) as { collections: Array<{ id: string }> };
    expect(theirList.collections.map((entry) => entry.id)).not.toContain(collectionId);
    for (const authorization of [undefined, 'Bearer short', `Bearer ${'A'.repeat(64)}`, `Basic ${'A'.repeat(64)}`, `Bearer ${'A'.repeat(63)}!`]) {
      const answer = await fetch(`${server.url}/api/site/v1/portfolios`, { headers: authorization ? { authorization } : {} });
      expect(answer.status, authorization).toBe(401);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('site_token_invalid');
    }
    const { secret } = (await owner.json<TokenAnswer>('POST', '/api/portfolio/site-tokens', { name: 'Bad input' })).body;
    for (const query of ['?sizes=0', '?sizes=abc', '?sizes=99999', '?format=gif', '?perPage=500', '?page=0', '?unknown=1']) {
      const answer = await site(server, `/collections${query}`, secret);
      expect(answer.status, query).toBe(400);
    }
    expect((await site(server, '/collections/not-a-uuid', secret)).status).toBe(400);
  });

  it('rotates with an overlap, and revokes at once', async () => {
    const created = (await owner.json<TokenAnswer>('POST', '/api/portfolio/site-tokens', { name: 'Rotating' })).body;
    const rotated = await owner.json<TokenAnswer>('POST', `/api/portfolio/site-tokens/${created.token.id}/rotate`, { overlapHours: 2 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.secret);
    expect(rotated.body.previous).toMatchObject({ id: created.token.id, status: 'expiring' });
    const overlapEnd = Date.parse(rotated.body.previous!.expiresAt!);
    expect(overlapEnd - Date.now()).toBeGreaterThan(1.9 * 3600_000);
    expect(overlapEnd - Date.now()).toBeLessThanOrEqual(2 * 3600_000);
    // Both work during the overlap.
    expect((await site(server, '/portfolios', created.secret)).status).toBe(200);
    expect((await site(server, '/portfolios', rotated.body.secret)).status).toBe(200);
    // An overlap of 0 ends the old one now.
    const again = await owner.json<TokenAnswer>('POST', `/api/portfolio/site-tokens/${rotated.body.token.id}/rotate`, { overlapHours: 0 });
    expect((await site(server, '/portfolios', rotated.body.secret)).status).toBe(401);
    expect((await site(server, '/portfolios', again.body.secret)).status).toBe(200);
    const notActive = await owner.json<{ error: { code: string } }>('POST', `/api/portfolio/site-tokens/${rotated.body.token.id}/rotate`, {});
    expect(notActive.status).toBe(409);
    const revoked = await owner.json<{ token: { status: string } }>('POST', `/api/portfolio/site-tokens/${again.body.token.id}/revoke`);
    expect(revoked.body.token.status).toBe('revoked');
    expect((await site(server, '/portfolios', again.body.secret)).status).toBe(401);
    // The first one still has its overlap.
    expect((await site(server, '/portfolios', created.secret)).status).toBe(200);
    // Another studio cannot rotate or revoke it.
    expect((await other.json('POST', `/api/portfolio/site-tokens/${created.token.id}/revoke`)).status).toBe(404);
    expect((await other.json('POST', `/api/portfolio/site-tokens/${created.token.id}/rotate`, {})).status).toBe(404);
    const { client: admin } = await signedInAdmin(server);
    expect((await admin.json('POST', '/api/portfolio/site-tokens', { name: 'x' })).status).toBe(403);
    expect((await new TestClient(server).json('POST', '/api/portfolio/site-tokens', { name: 'x' })).status).toBe(401);
    for (const body of [{ name: '' }, { name: 'x', origins: ['not an origin'] }, { name: 'x', origins: ['https://example.com/path'] }, { name: 'x', origins: ['ftp://example.com'] }, { name: 'x', extra: true }]) {
      expect((await owner.json('POST', '/api/portfolio/site-tokens', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await owner.json('POST', `/api/portfolio/site-tokens/${created.token.id}/rotate`, { overlapHours: 1000 })).status).toBe(400);
  });

  it('answers CORS only for the origins the token lists', async () => {
    const { secret } = (await owner.json<TokenAnswer>('POST', '/api/portfolio/site-tokens', { name: 'CORS', origins: ['https://studio.example'] })).body;
    const allowed = await site(server, '/portfolios', secret, { origin: 'https://studio.example' });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://studio.example');
    const refused = await site(server, '/portfolios', secret, { origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const server2server = await site(server, '/portfolios', secret);
    expect(server2server.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${server.url}/api/site/v1/portfolios`, { method: 'OPTIONS', headers: { origin: 'https://studio.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const badPreflight = await fetch(`${server.url}/api/site/v1/portfolios`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(badPreflight.status).toBe(403);
    expect(badPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rate limits per token', async () => {
    const { secret } = (await owner.json<TokenAnswer>('POST', '/api/portfolio/site-tokens', { name: 'Busy' })).body;
    const { secret: calm } = (await owner.json<TokenAnswer>('POST', '/api/portfolio/site-tokens', { name: 'Calm' })).body;
    let limited: Response | undefined;
    for (let index = 0; index < 700 && !limited; index++) {
      const answer = await site(server, '/portfolios', secret);
      if (answer.status === 429) limited = answer;
      else await answer.arrayBuffer();
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await site(server, '/portfolios', calm)).status).toBe(200);
  }, 120_000);
});
