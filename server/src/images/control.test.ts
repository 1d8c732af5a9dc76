import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { createKey, createProject, publish, uniqueSlug } from '../../test/image-service.ts';
import { photo } from '../../test/images.ts';
import { uploaded } from '../../test/vault.ts';
import { listAuditEvents } from '../audit/audit-log.ts';
import type { CatalogedRoute } from '../http/route-rules.ts';

/**
 * The image service's control plane: projects, keys and published files, the studio's own only.
 * Every control route is walked as a stranger (401), as another studio's photographer (404) and
 * with bad input (400 with a stable code).
 */

const controlOperations = [
  'listWebFiles',
  'createImageProject',
  'listImageProjects',
  'getImageProject',
  'updateImageProject',
  'deleteImageProject',
  'createImageKey',
  'listImageKeys',
  'updateImageKey',
  'rotateImageKey',
  'revokeImageKey',
  'getImageUsage',
  'setFileWebUsage',
];

describe.each(databaseKinds())('image projects and keys on %s', (database) => {
  let server: TestServer;
  let owner: TestClient;
  let intruder: TestClient;
  let ownerUserId: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    const signedIn = await signedInClient(server, 'photographer', 'owner');
    owner = signedIn.client;
    ownerUserId = signedIn.user.id;
    intruder = (await signedInClient(server, 'photographer', 'intruder')).client;
  });
  afterAll(async () => server?.close());

  it('creates, lists, edits and deletes a project; slugs are unique per studio', async () => {
    const slug = uniqueSlug();
    const { project } = await createProject(owner, { slug, referers: ['Example.COM.', '*.bücher.example'], sources: ['cdn.example.com'], requireExpiry: true, maxLifetimeSeconds: 3600 });
    expect(project).toMatchObject({ slug, referers: ['example.com', '*.xn--bcher-kva.example'], sources: ['cdn.example.com'], requireExpiry: true, maxLifetimeSeconds: 3600, allowOriginal: false, imgproxy: { enabled: false } });
    expect((await owner.json('POST', '/api/images/projects', { name: 'Again', slug })).status).toBe(409);
    // Another studio may use the same slug.
    await createProject(intruder, { slug });
    const listed = await owner.json<{ projects: Array<{ id: string }> }>('GET', '/api/images/projects');
    expect(listed.body.projects.map((entry) => entry.id)).toContain(project.id);
    const updated = await owner.json<{ project: { name: string }; imgproxyCredentials: { key: string; salt: string } }>('PATCH', `/api/images/projects/${project.id}`, { name: 'Portfolio', imgproxy: {} });
    expect(updated.status).toBe(200);
    expect(updated.body.project.name).toBe('Portfolio');
    expect(updated.body.imgproxyCredentials.key).toMatch(/^[0-9a-f]{64}$/);
    const fetched = await owner.json<{ project: Record<string, unknown> }>('GET', `/api/images/projects/${project.id}`);
    expect(fetched.body.project).toMatchObject({ name: 'Portfolio', imgproxy: { enabled: true, signatureSize: 32 } });
    expect(JSON.stringify(fetched.body)).not.toContain(updated.body.imgproxyCredentials.key);
    expect((await owner.request('DELETE', `/api/images/projects/${project.id}`)).status).toBe(204);
    expect((await owner.json('GET', `/api/images/projects/${project.id}`)).status).toBe(404);
  });

  it('makes keys with the secret shown once, rotates them with a grace period and revokes them, audited', async () => {
    const { project } = await createProject(owner);
    const created = await createKey(owner, project.id, { perMinute: 30 });
    expect(created.key.publicKey).toMatch(/^pk_[A-Za-z0-9_-]{22}$/);
    expect(created.secretKey).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
    expect(created.key).toMatchObject({ status: 'active', perMinute: 30, perDay: 10_000, referers: null, sources: null });
    const listed = await owner.json<{ keys: unknown[] }>('GET', `/api/images/projects/${project.id}/keys`);
    expect(listed.body.keys).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(created.secretKey);
    const stored = JSON.stringify(await server.runtime.database.db.selectFrom('image_keys').selectAll().execute());
    expect(stored).not.toContain(created.secretKey.slice(3));

    const soon = new Date(Date.now() + 2 * 24 * 3600_000).toISOString();
    const updated = await owner.json<{ key: { status: string; sources: string[] } }>('PATCH', `/api/images/projects/${project.id}/keys/${created.key.id}`, { expiresAt: soon, sources: ['cdn.example.com'] });
    expect(updated.body.key).toMatchObject({ status: 'expiring', sources: ['cdn.example.com'] });

    const rotated = await owner.json<{ key: { previousSecretValidUntil: string | null; rotatedAt: string }; secretKey: string }>('POST', `/api/images/projects/${project.id}/keys/${created.key.id}/rotate`, { graceDays: 2 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secretKey).not.toBe(created.secretKey);
    expect(Date.parse(rotated.body.key.previousSecretValidUntil!)).toBeGreaterThan(Date.now() + 47 * 3600_000);
    const noGrace = await owner.json<{ key: { previousSecretValidUntil: string | null } }>('POST', `/api/images/projects/${project.id}/keys/${created.key.id}/rotate`, { graceDays: 0 });
    expect(noGrace.body.key.previousSecretValidUntil).toBeNull();

    const revoked = await owner.json<{ key: { status: string } }>('POST', `/api/images/projects/${project.id}/keys/${created.key.id}/revoke`);
    expect(revoked.body.key.status).toBe('revoked');
    expect((await owner.json<{ error: { code: string } }>('POST', `/api/images/projects/${project.id}/keys/${created.key.id}/rotate`, {})).body.error.code).toBe('image_key_revoked');

    const actions = (await listAuditEvents(server.runtime.database.db, { subjectUserId: ownerUserId, limit: 100 })).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['images.key_created', 'images.key_rotated', 'images.key_revoked']));
  });

  it('publishes a vault file under an opaque id, and unpublishes it', async () => {
    const file = await uploaded(owner, await photo('jpeg', { width: 64, height: 48 }), { name: 'secret-client-name.jpg' });
    const first = await publish(owner, file.id);
    expect(first.publicId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(first.source).toBe(`vault:${first.publicId}`);
    expect(first.publicId).not.toContain(file.id);
    expect(await publish(owner, file.id)).toEqual(first);
    // The URL builder's list: the file by its library name, with the source to put in a URL.
    type Listed = { files: Array<{ fileId: string; name: string; publicId: string; source: string }>; truncated: boolean };
    const listed = await owner.json<Listed>('GET', '/api/images/web-files');
    expect(listed.status).toBe(200);
    expect(listed.body.files).toContainEqual(expect.objectContaining({ fileId: file.id, name: 'secret-client-name.jpg', publicId: first.publicId, source: first.source }));
    expect(listed.body.truncated).toBe(false);
    expect((await intruder.json<Listed>('GET', '/api/images/web-files')).body.files.map((entry) => entry.fileId)).not.toContain(file.id);
    const off = await owner.json('PUT', `/api/images/web-files/${file.id}`, { published: false });
    expect(off.body).toEqual({ publicId: null, source: null });
    expect((await owner.json<Listed>('GET', '/api/images/web-files')).body.files.map((entry) => entry.fileId)).not.toContain(file.id);
    // A published file in the trash is not offered (its URLs answer 404 meanwhile).
    const trashed = await uploaded(owner, await photo('jpeg', { width: 32, height: 24 }), { name: 'trashed.jpg' });
    await publish(owner, trashed.id);
    expect((await owner.request('DELETE', `/api/vault/files/${trashed.id}`)).status).toBeLessThan(300);
    expect((await owner.json<Listed>('GET', '/api/images/web-files')).body.files.map((entry) => entry.fileId)).not.toContain(trashed.id);
    expect((await publish(owner, file.id)).publicId).not.toBe(first.publicId);
  });

  it('refuses bad input with stable codes', async () => {
    const { project } = await createProject(owner);
    const { key } = await createKey(owner, project.id);
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/images/projects', { name: 'X', slug: 'Bad Slug' }, 400, 'validation_failed'],
      ['POST', '/api/images/projects', { name: 'X', slug: uniqueSlug(), extra: 1 }, 400, 'validation_failed'],
      ['POST', '/api/images/projects', { name: 'X', slug: uniqueSlug(), sources: ['https://cdn.example.com/'] }, 400, 'allowlist_entry_invalid'],
      ['POST', '/api/images/projects', { name: 'X', slug: uniqueSlug(), sources: ['example.com@evil.test'] }, 400, 'allowlist_entry_invalid'],
      ['POST', '/api/images/projects', { name: 'X', slug: uniqueSlug(), sources: ['127.0.0.1'] }, 400, 'allowlist_entry_invalid'],
      ['POST', '/api/images/projects', { name: 'X', slug: uniqueSlug(), referers: ['[::1]'] }, 400, 'allowlist_entry_invalid'],
      ['POST', '/api/images/projects', { name: 'X', slug: uniqueSlug(), imgproxy: { key: 'zz' } }, 400, 'validation_failed'],
      ['PATCH', `/api/images/projects/${project.id}`, {}, 400, 'validation_failed'],
      ['POST', `/api/images/projects/${project.id}/keys`, { name: 'K', perMinute: 0 }, 400, 'validation_failed'],
      ['POST', `/api/images/projects/${project.id}/keys`, { name: 'K', perMinute: 100, perDay: 50 }, 400, 'image_key_limits_invalid'],
      ['POST', `/api/images/projects/${project.id}/keys`, { name: 'K', expiresAt: '2001-01-01T00:00:00Z' }, 400, 'image_key_expiry_invalid'],
      ['POST', `/api/images/projects/${project.id}/keys/${key.id}/rotate`, { graceDays: 8 }, 400, 'validation_failed'],
      ['GET', `/api/images/projects/not-a-uuid`, undefined, 400, 'validation_failed'],
      ['PUT', `/api/images/web-files/00000000-0000-4000-8000-000000000000`, { published: true }, 404, 'file_not_found'],
      ['GET', '/api/images/web-files?name=x', undefined, 400, 'validation_failed'],
    ];
    for (const [method, path, body, status, code] of cases) {
      const answer = await owner.json<{ error: { code: string } }>(method, path, body);
      expect([answer.status, answer.body.error.code], `${method} ${path} ${JSON.stringify(body)}`).toEqual([status, code]);
    }
  });

  it('walks every control route: strangers 401, another studio 404', async () => {
    const routes: CatalogedRoute[] = server.app.routeCatalog.filter((route) => route.method !== 'HEAD' && route.url.startsWith('/api/images/'));
    expect(routes.map((route) => route.operationId).sort()).toEqual([...controlOperations].sort());
    const { project } = await createProject(owner);
    const { key } = await createKey(owner, project.id);
    const file = await uploaded(owner, await photo('jpeg', { width: 32, height: 32 }));
    const bodies: Record<string, unknown> = {
      createImageProject: { name: 'Mine', slug: uniqueSlug() },
      updateImageProject: { name: 'Taken' },
      createImageKey: { name: 'Mine' },
      updateImageKey: { name: 'Taken' },
      rotateImageKey: { graceDays: 0 },
      revokeImageKey: {},
      setFileWebUsage: { published: true },
    };
    const concrete = (route: CatalogedRoute) =>
      route.url.replace(':projectId', project.id).replace(':keyId', key.id).replace(':fileId', file.id);
    const stranger = new TestClient(server, { ip: '10.250.0.9' });
    for (const route of routes) {
      const response = await stranger.request(route.method, concrete(route), bodies[route.operationId]);
      expect(response.status, route.operationId).toBe(401);
    }
    const collective = ['createImageProject', 'listImageProjects', 'listWebFiles'];
    for (const route of routes.filter((candidate) => !collective.includes(candidate.operationId))) {
      const response = await intruder.request(route.method, concrete(route), bodies[route.operationId]);
      expect(response.status, route.operationId).toBe(404);
    }
    const theirs = await intruder.json<{ projects: Array<{ id: string }> }>('GET', '/api/images/projects');
    expect(theirs.body.projects.map((entry) => entry.id)).not.toContain(project.id);
    // Nothing of the owner's changed.
    const keys = await owner.json<{ keys: Array<{ name: string; status: string }> }>('GET', `/api/images/projects/${project.id}/keys`);
    expect(keys.body.keys).toEqual([expect.objectContaining({ name: 'Production', status: 'active' })]);
  });

  it('reports usage per minute and per day', async () => {
    const { project } = await createProject(owner);
    const usage = await owner.json<{ perMinute: unknown[]; perDay: unknown[] }>('GET', `/api/images/projects/${project.id}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.body.perMinute).toHaveLength(60);
    expect(usage.body.perDay).toHaveLength(30);
  });
});
