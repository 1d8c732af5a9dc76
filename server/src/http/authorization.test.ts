import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { createLab, signedInLab } from '../../test/labs.ts';
import type { CatalogedRoute } from './route-rules.ts';

/**
 * Walks every registered API route and proves the door is locked: anonymous callers get 401
 * on every route that is not public, photographers get 403 on every admin route, and an
 * admin who has not enrolled TOTP gets 403 everywhere but enrollment. The two kinds of
 * session never stand in for each other: a signed-in print lab gets 401 on every route that
 * is not public or a lab route (the vault, deliveries, the admin…), and photographers and
 * admins get 401 on every lab route. A new route is covered the moment it is registered; a
 * route without a declared access level cannot be registered.
 */

function concretePath(route: CatalogedRoute): string {
  return route.url.replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000');
}

async function callAs(client: TestClient, route: CatalogedRoute): Promise<number> {
  const body = route.method === 'GET' || route.method === 'HEAD' || route.method === 'DELETE' ? undefined : {};
  return (await client.request(route.method, concretePath(route), body)).status;
}

describe('authorization on every route', () => {
  let server: TestServer;
  let routes: CatalogedRoute[];
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite', env: { TRUST_PROXY: 'true' } });
    routes = server.app.routeCatalog.filter((route) => route.method !== 'HEAD');
  });
  afterAll(async () => server?.close());

  it('knows every route and its access level', () => {
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) expect(['public', 'signed-in', 'admin', 'lab'], `${route.method} ${route.url}`).toContain(route.access);
    const labRoutes = routes.filter((route) => route.access === 'lab').map((route) => route.operationId);
    expect(labRoutes).toEqual(expect.arrayContaining(['labSignOut', 'listLabOrders', 'getLabOrder', 'createLabOrderDownloadUrl', 'downloadLabOrderZip', 'updateLabOrderStatus']));
    const adminRoutes = routes.filter((route) => route.access === 'admin').map((route) => route.operationId);
    expect(adminRoutes).toEqual(expect.arrayContaining(['listUsers', 'createUser', 'updateUser', 'revokeUserSessions', 'resetUserSecondFactor']));
  });

  it('answers 401 to anonymous callers on every non-public route', async () => {
    const anonymous = new TestClient(server, { ip: '10.200.0.1' });
    for (const route of routes.filter((candidate) => candidate.access !== 'public')) {
      expect(await callAs(anonymous, route), `${route.method} ${route.url}`).toBe(401);
    }
  });

  it('answers 403 to photographers on every admin route', async () => {
    const { client } = await signedInClient(server, 'photographer');
    for (const route of routes.filter((candidate) => candidate.access === 'admin')) {
      expect(await callAs(client, route), `${route.method} ${route.url}`).toBe(403);
    }
  });

  it('answers 401 to photographers and admins on every lab route', async () => {
    const { client: photographer } = await signedInClient(server, 'photographer');
    const { client: admin } = await signedInAdmin(server);
    for (const route of routes.filter((candidate) => candidate.access === 'lab')) {
      expect(await callAs(photographer, route), `photographer: ${route.method} ${route.url}`).toBe(401);
      expect(await callAs(admin, route), `admin: ${route.method} ${route.url}`).toBe(401);
    }
  });

  it('answers 401 to a signed-in lab on every route that is not public or a lab route', async () => {
    const { client: admin } = await signedInAdmin(server);
    const { lab, pin } = await createLab(admin);
    const labClient = await signedInLab(server, lab, pin, '10.200.0.2');
    for (const route of routes.filter((candidate) => candidate.access === 'signed-in' || candidate.access === 'admin')) {
      expect(await callAs(labClient, route), `${route.method} ${route.url}`).toBe(401);
    }
    expect((await labClient.request('GET', '/api/lab/orders')).status).toBe(200);
  });

  it('keeps an admin without TOTP out of everything but enrollment', async () => {
    const { client } = await signedInClient(server, 'admin');
    const allowed = ['getCurrentUser', 'signOut', 'startTotpEnrollment', 'confirmTotpEnrollment', 'requestReauthenticationCode', 'reauthenticate'];
    // (Lab routes answer 401 to every user session: the test above.)
    for (const route of routes.filter((candidate) => candidate.access !== 'public' && candidate.access !== 'lab' && !allowed.includes(candidate.operationId))) {
      expect(await callAs(client, route), `${route.method} ${route.url}`).toBe(403);
    }
    expect((await client.request('GET', '/api/me')).status).toBe(200);
  });

  it('lets an enrolled admin through', async () => {
    const { client } = await signedInAdmin(server);
    expect((await client.request('GET', '/api/admin/users')).status).toBe(200);
  });

  it('refuses to register a route without a declared access level', async () => {
    const { buildApp } = await import('../app.ts');
    const unguarded = {
      name: 'unguarded',
      async routes(app: import('./app-type.ts').App) {
        app.get('/api/unguarded', { schema: { operationId: 'unguarded' } }, async () => ({}));
      },
    };
    await expect(buildApp(server.runtime, [unguarded])).rejects.toThrow(/config\.access/);
  });
});
