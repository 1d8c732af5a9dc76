import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { createCollection, createPortfolio, publishNew, uniquePortfolioSlug } from '../../test/portfolio.ts';
import { uploaded } from '../../test/vault.ts';
import { photo } from '../../test/images.ts';
import type { CatalogedRoute } from '../http/route-rules.ts';

/**
 * The photographer's portfolio API: profile, collections, publishing. Every management route is
 * walked as a stranger (401), as another studio's photographer (404 or their own empty
 * portfolio), as an admin without a studio (403), and with bad input (400 with a stable code).
 * The studio's portfolios of other members (unpublishPortfolio) are auth/membership-consequences.test.ts.
 */

const managementOperations = [
  'getPortfolioProfile',
  'updatePortfolioProfile',
  'createCollection',
  'listCollections',
  'updateCollection',
  'deleteCollection',
  'publishPhotos',
  'unpublishPhotos',
  'reorderCollection',
  'listStudioPortfolios',
  'unpublishPortfolio',
];

const zeroUuid = '00000000-0000-4000-8000-000000000000';

describe.each(databaseKinds())('portfolio management on %s', (database) => {
  let server: TestServer;
  let owner: TestClient;
  let intruder: TestClient;
  let routes: CatalogedRoute[];
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    owner = (await signedInClient(server, 'photographer', 'owner')).client;
    intruder = (await signedInClient(server, 'photographer', 'intruder')).client;
    routes = server.app.routeCatalog.filter((route) => managementOperations.includes(route.operationId) && route.method !== 'HEAD');
  }, 60_000);
  afterAll(async () => server?.close());

  it('registers every named operation, signed-in only', () => {
    expect(routes.map((route) => route.operationId).sort()).toEqual([...managementOperations].sort());
    for (const route of routes) expect(route.access, route.operationId).toBe('signed-in');
  });

  it('creates a profile, refuses a taken slug and unsafe links', async () => {
    expect((await owner.json<{ profile: null }>('GET', '/api/portfolio/profile')).body.profile).toBeNull();
    const { slug } = await createPortfolio(owner);
    const fetched = await owner.json<{ profile: { slug: string; url: string; socialLinks: unknown[]; contactUrl: string } }>('GET', '/api/portfolio/profile');
    expect(fetched.body.profile).toMatchObject({ slug, url: `${server.url}/p/${slug}`, contactUrl: 'mailto:ana@example.com' });
    const taken = await intruder.json<{ error: { code: string } }>('PUT', '/api/portfolio/profile', { slug, displayName: 'Other' });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('slug_taken');
    for (const url of ['javascript:alert(1)', 'data:text/html,x', 'not a url', 'https://user:pw@example.com/']) {
      const refused = await owner.json<{ error: { code: string } }>('PUT', '/api/portfolio/profile', { slug, displayName: 'Ana', socialLinks: [{ label: 'x', url }] });
      expect(refused.status, url).toBe(400);
      expect(refused.body.error.code).toBe('invalid_url');
    }
    const contact = await owner.json<{ error: { code: string } }>('PUT', '/api/portfolio/profile', { slug, displayName: 'Ana', contactUrl: 'javascript:alert(1)' });
    expect(contact.body.error.code).toBe('invalid_url');
  });

  it('creates collections, publishes, reorders, sets a cover, unpublishes and deletes', async () => {
    const collection = await createCollection(owner, 'Summer Weddings');
    expect(collection.slug).toBe('summer-weddings');
    const again = await createCollection(owner, 'Summer Weddings');
    expect(again.slug).toBe('summer-weddings-2');
    const published = await publishNew(owner, collection.id, 3);
    expect(published.photos).toHaveLength(3);
    const [a, b, c] = published.photos.map((entry) => entry.id) as [string, string, string];
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // Publishing the same file again adds nothing.
    const twice = await owner.json<{ collection: { photos: unknown[] } }>('POST', `/api/portfolio/collections/${collection.id}/photos`, { fileIds: [published.photos[0]!.fileId] });
    expect(twice.body.collection.photos).toHaveLength(3);

    const reordered = await owner.json<{ collection: { photos: Array<{ id: string }> } }>('PUT', `/api/portfolio/collections/${collection.id}/order`, { photoIds: [c, a, b] });
    expect(reordered.status).toBe(200);
    expect(reordered.body.collection.photos.map((entry) => entry.id)).toEqual([c, a, b]);
    const partial = await owner.json<{ error: { code: string } }>('PUT', `/api/portfolio/collections/${collection.id}/order`, { photoIds: [c, a] });
    expect(partial.status).toBe(400);
    expect(partial.body.error.code).toBe('order_mismatch');

    const covered = await owner.json<{ collection: { coverPhotoId: string } }>('PATCH', `/api/portfolio/collections/${collection.id}`, { coverPhotoId: b, description: 'June' });
    expect(covered.body.collection.coverPhotoId).toBe(b);
    const foreignCover = await owner.json<{ error: { code: string } }>('PATCH', `/api/portfolio/collections/${again.id}`, { coverPhotoId: b });
    expect(foreignCover.status).toBe(404);

    const unpublished = await owner.json<{ unpublished: number }>('POST', `/api/portfolio/collections/${collection.id}/photos/unpublish`, { photoIds: [b] });
    expect(unpublished.body.unpublished).toBe(1);
    const listed = await owner.json<{ collections: Array<{ id: string; coverPhotoId: string | null; photos: Array<{ id: string }> }> }>('GET', '/api/portfolio/collections');
    const after = listed.body.collections.find((entry) => entry.id === collection.id)!;
    expect(after.photos.map((entry) => entry.id)).toEqual([c, a]);
    expect(after.coverPhotoId).toBeNull();

    expect((await owner.request('DELETE', `/api/portfolio/collections/${again.id}`)).status).toBe(204);
    expect((await owner.request('DELETE', `/api/portfolio/collections/${again.id}`)).status).toBe(404);
  });

  it('answers 404 to another studio on every collection route, and refuses its files', async () => {
    const collection = await createCollection(owner, 'Private');
    await publishNew(owner, collection.id, 1);
    await createPortfolio(intruder);
    const calls: Array<[string, string, unknown]> = [
      ['PATCH', `/api/portfolio/collections/${collection.id}`, { title: 'Mine' }],
      ['DELETE', `/api/portfolio/collections/${collection.id}`, undefined],
      ['POST', `/api/portfolio/collections/${collection.id}/photos`, { fileIds: [zeroUuid] }],
      ['POST', `/api/portfolio/collections/${collection.id}/photos/unpublish`, { photoIds: ['A'.repeat(22)] }],
      ['PUT', `/api/portfolio/collections/${collection.id}/order`, { photoIds: [] }],
    ];
    for (const [method, path, body] of calls) {
      const answer = await intruder.json<{ error: { code: string } }>(method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.error.code).toBe('collection_not_found');
    }
    const listed = await intruder.json<{ collections: Array<{ id: string }> }>('GET', '/api/portfolio/collections');
    expect(listed.body.collections.map((entry) => entry.id)).not.toContain(collection.id);
    // Another studio's file cannot be published into one's own collection.
    const ownFile = await uploaded(owner, await photo('jpeg', { width: 64, height: 48 }));
    const mine = await createCollection(intruder, 'Mine');
    const stolen = await intruder.json<{ error: { code: string } }>('POST', `/api/portfolio/collections/${mine.id}/photos`, { fileIds: [ownFile.id] });
    expect(stolen.status).toBe(404);
    expect(stolen.body.error.code).toBe('file_not_found');
  });

  it('needs a profile before collections, and a studio (403 for an admin)', async () => {
    const fresh = (await signedInClient(server, 'photographer', 'fresh')).client;
    const missing = await fresh.json<{ error: { code: string } }>('POST', '/api/portfolio/collections', { title: 'x' });
    expect(missing.status).toBe(409);
    expect(missing.body.error.code).toBe('portfolio_required');
    const { client: admin } = await signedInAdmin(server);
    for (const route of routes) {
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
      const status = (await admin.request(route.method, route.url.replace(':collectionId', zeroUuid), body)).status;
      expect([400, 403], route.operationId).toContain(status);
    }
    expect((await admin.json<{ error: { code: string } }>('GET', '/api/portfolio/profile')).body.error.code).toBe('studio_required');
    const anonymous = new TestClient(server);
    expect((await anonymous.request('GET', '/api/portfolio/collections')).status).toBe(401);
  });

  it('answers bad input with 400 and a stable code, never 5xx', async () => {
    const collection = await createCollection(owner, 'Bad input');
    const bad: Array<[string, string, unknown]> = [
      ['PUT', '/api/portfolio/profile', { slug: 'Has Spaces', displayName: 'x' }],
      ['PUT', '/api/portfolio/profile', { slug: uniquePortfolioSlug(), displayName: '' }],
      ['PUT', '/api/portfolio/profile', { slug: uniquePortfolioSlug(), displayName: 'x', extra: 1 }],
      ['PUT', '/api/portfolio/profile', { slug: '-x-', displayName: 'x' }],
      ['POST', '/api/portfolio/collections', { title: '' }],
      ['POST', '/api/portfolio/collections', { title: 'x', slug: '../etc' }],
      ['PATCH', '/api/portfolio/collections/not-a-uuid', { title: 'x' }],
      ['PATCH', `/api/portfolio/collections/${collection.id}`, { position: -1 }],
      ['PATCH', `/api/portfolio/collections/${collection.id}`, { coverPhotoId: 'short' }],
      ['POST', `/api/portfolio/collections/${collection.id}/photos`, { fileIds: [] }],
      ['POST', `/api/portfolio/collections/${collection.id}/photos`, { fileIds: ['nope'] }],
      ['POST', `/api/portfolio/collections/${collection.id}/photos`, { fileIds: [zeroUuid, zeroUuid] }],
      ['POST', `/api/portfolio/collections/${collection.id}/photos/unpublish`, { photoIds: ['x'] }],
      ['PUT', `/api/portfolio/collections/${collection.id}/order`, { photoIds: 'x' }],
      ['DELETE', '/api/portfolio/studio-portfolios/not-a-uuid', undefined],
    ];
    for (const [method, path, body] of bad) {
      const answer = await owner.json<{ error: { code: string } }>(method, path, body);
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.error.code, `${method} ${path}`).toMatch(/^[a-z_]+$/);
    }
    const missingFile = await owner.json<{ error: { code: string } }>('POST', `/api/portfolio/collections/${collection.id}/photos`, { fileIds: [zeroUuid] });
    expect(missingFile.status).toBe(404);
  });
});
