import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { createLab, signedInLab } from '../../test/labs.ts';
import { photo } from '../../test/images.ts';
import { signedInMember } from '../../test/teams.ts';
import { uploaded } from '../../test/vault.ts';
import type { StudioRole } from '../db/tables.ts';
import { roleAllows, rolePermissions, studioPermissions, type StudioPermission } from './permissions.ts';
import type { CatalogedRoute } from './route-rules.ts';

/**
 * Walks every registered API route and proves the door is locked: anonymous callers get 401
 * on every route that is not public, photographers get 403 on every admin route, and an
 * admin who has not enrolled TOTP gets 403 everywhere but enrollment. The two kinds of
 * session never stand in for each other: a signed-in print lab gets 401 on every route that
 * is not public or a lab route (the vault, deliveries, the admin…), and photographers and
 * admins get 401 on every lab route. A new route is covered the moment it is registered; a
 * route without a declared access level cannot be registered.
 *
 * Studio roles (http/permissions.ts): every studio-scoped route declares the permission it
 * needs, and for each role — owner, editor, viewer, the last two as invited members of someone
 * else's studio — the walk proves the door answers 403 `studio_role_forbidden` on exactly the
 * routes whose permission the role lacks, and lets it through on every other one.
 */

/** The signed-in routes that act for the person, not in a studio: they declare no studio permission. */
const personalRoutes = [
  'getCurrentUser',
  'signOut',
  'listSessions',
  'revokeSession',
  'revokeOtherSessions',
  'setPassword',
  'startTotpEnrollment',
  'confirmTotpEnrollment',
  'disableTotp',
  'regenerateRecoveryCodes',
  'requestReauthenticationCode',
  'reauthenticate',
  'listMyStudios',
  'switchStudio',
  // An admin sees every event; a member their studio's, when their role grants `audit` (admin/console.ts).
  'listAuditEvents',
  'exportAuditEvents',
  // A photographer's own portfolio analytics, or every portfolio for an admin (portfolio/reports.ts).
  'getAnalytics',
  'exportAnalytics',
];

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
    // An invitation's link works without a session: its token is the authorization.
    const publicRoutes = routes.filter((route) => route.access === 'public').map((route) => route.operationId);
    expect(publicRoutes).toEqual(expect.arrayContaining(['acceptStudioInvitation', 'lookUpStudioInvitation']));
    const adminRoutes = routes.filter((route) => route.access === 'admin').map((route) => route.operationId);
    expect(adminRoutes).toEqual(expect.arrayContaining(['listUsers', 'createUser', 'updateUser', 'revokeUserSessions', 'resetUserSecondFactor', 'listPortfolioDomains', 'mapPortfolioDomain', 'unmapPortfolioDomain']));
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

  it('has every studio-scoped route declare a studio permission', () => {
    const signedIn = routes.filter((route) => route.access === 'signed-in');
    const undeclared = signedIn.filter((route) => route.permission === undefined).map((route) => route.operationId);
    expect(undeclared.sort()).toEqual([...personalRoutes].sort());
    for (const route of signedIn.filter((candidate) => candidate.permission !== undefined)) {
      expect(studioPermissions, `${route.method} ${route.url}`).toContain(route.permission);
    }
    for (const route of routes.filter((candidate) => /^\/api\/(vault|deliveries|images|print-orders|print-labs|studio)\b/.test(candidate.url) && candidate.access === 'signed-in')) {
      expect(route.permission, `${route.method} ${route.url}`).toBeDefined();
    }
  });

  it.each<StudioRole>(['owner', 'editor', 'viewer'])('lets a studio %s through exactly the routes its role allows', async (role) => {
    const { client: owner } = await signedInClient(server, 'photographer', 'matrix-owner');
    const client = role === 'owner' ? owner : (await signedInMember(server, owner, role)).client;
    const studioRoutes = routes.filter((route) => route.permission !== undefined);
    expect(studioRoutes.length).toBeGreaterThan(40);
    for (const route of studioRoutes) {
      // Leaving would end the walk's membership (teams.test.ts proves it for every role).
      if (route.operationId === 'leaveStudio') continue;
      const response = await client.request(route.method, concretePath(route), route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
      const text = await response.text();
      const code = response.status === 403 ? (JSON.parse(text) as { error: { code: string } }).error.code : undefined;
      const allowed = roleAllows(role, route.permission as StudioPermission);
      if (allowed) expect(code, `${role}: ${route.method} ${route.url}`).not.toBe('studio_role_forbidden');
      else expect([response.status, code], `${role}: ${route.method} ${route.url}`).toEqual([403, 'studio_role_forbidden']);
      expect(response.status, `${role}: ${route.method} ${route.url}`).toBeLessThan(500);
    }
  });

  it('holds the role table of issue 17: an editor everything except members and deletion, a viewer the library only', () => {
    expect(rolePermissions.owner).toEqual(studioPermissions);
    expect([...rolePermissions.editor].sort()).toEqual(studioPermissions.filter((permission) => permission !== 'members' && permission !== 'delete').sort());
    expect(rolePermissions.viewer).toEqual(['library.view']);
    const refused = (role: StudioRole) =>
      routes
        .filter((route) => route.permission !== undefined && !roleAllows(role, route.permission as StudioPermission))
        .map((route) => route.operationId)
        .sort();
    // Pinned by name, so a route changing its permission shows here as a diff to review.
    expect(refused('editor')).toEqual(
      [
        'listStudioMembers',
        'inviteStudioMember',
        'updateStudioMember',
        'removeStudioMember',
        'revokeStudioInvitation',
        'deleteFile',
        'listFileUses',
        'emptyTrash',
        'deleteAlbum',
        'deleteDeliverySet',
        'deleteCollection',
        'unpublishPortfolio',
        'deleteImageProject',
      ].sort(),
    );
    const viewable = routes.filter((route) => route.permission !== undefined && roleAllows('viewer', route.permission as StudioPermission)).map((route) => route.operationId);
    expect(viewable.sort()).toEqual(
      ['listFiles', 'getFile', 'createFileDownloadUrl', 'listAlbums', 'getVaultUsage', 'getStudioBranding', 'getStudioLogo', 'leaveStudio'].sort(),
    );
  });

  it('lets an editor upload and restore a file but not trash it or empty the trash; the owner trashes it, a viewer cannot restore it', async () => {
    const { client: owner } = await signedInClient(server, 'photographer', 'trash-owner');
    const { client: editor } = await signedInMember(server, owner, 'editor');
    const { client: viewer } = await signedInMember(server, owner, 'viewer');
    const file = await uploaded(editor, await photo('jpeg'));
    const trash = await editor.json<{ error: { code: string } }>('DELETE', `/api/vault/files/${file.id}`);
    expect([trash.status, trash.body.error.code]).toEqual([403, 'studio_role_forbidden']);
    const empty = await editor.json<{ error: { code: string } }>('POST', '/api/vault/trash/empty', {});
    expect([empty.status, empty.body.error.code]).toEqual([403, 'studio_role_forbidden']);
    expect((await editor.json<{ file: { id: string } }>('GET', `/api/vault/files/${file.id}`)).status).toBe(200);
    expect((await owner.request('DELETE', `/api/vault/files/${file.id}`)).status).toBe(204);
    const viewerRestore = await viewer.json<{ error: { code: string } }>('POST', `/api/vault/files/${file.id}/restore`, {});
    expect([viewerRestore.status, viewerRestore.body.error.code]).toEqual([403, 'studio_role_forbidden']);
    expect((await editor.json('POST', `/api/vault/files/${file.id}/restore`, {})).status).toBe(200);
  });

  it('refuses a viewer an original, but not a preview, and an editor nothing of the two', async () => {
    const { client: owner } = await signedInClient(server, 'photographer', 'originals-owner');
    const { client: viewer } = await signedInMember(server, owner, 'viewer');
    const { client: editor } = await signedInMember(server, owner, 'editor');
    const id = '00000000-0000-4000-8000-000000000000';
    const original = await viewer.json<{ error: { code: string } }>('POST', `/api/vault/files/${id}/download-url`, { variant: 'original' });
    expect([original.status, original.body.error.code]).toEqual([403, 'studio_role_forbidden']);
    expect((await viewer.json('POST', `/api/vault/files/${id}/download-url`, { variant: 'preview' })).status).toBe(404);
    expect((await editor.json('POST', `/api/vault/files/${id}/download-url`, { variant: 'original' })).status).toBe(404);
    const audit = await viewer.json<{ error: { code: string } }>('GET', '/api/audit/events');
    expect([audit.status, audit.body.error.code]).toEqual([403, 'studio_role_forbidden']);
    expect((await editor.json('GET', '/api/audit/events')).status).toBe(200);
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
