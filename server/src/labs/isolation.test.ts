import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { outcome } from '../../test/deliveries.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { createLab, setStudioLabs, shipping, signedInLab } from '../../test/labs.ts';
import { uploaded } from '../../test/vault.ts';
import type { CatalogedRoute } from '../http/route-rules.ts';

/**
 * The bad-input walk for the lab portal, like deliveries/isolation.test.ts: every registered
 * lab-portal route, called by the caller it is for, with a malformed id, an unknown field and
 * an unknown id, answers a 4xx with a stable code — never a 5xx. The list of routes is checked
 * first, so a new route fails here until it is added to the walk.
 */

const operations = [
  'createLab',
  'listLabs',
  'getLab',
  'updateLab',
  'resetLabPin',
  'deleteLab',
  'listLabPortalStudios',
  'setStudioLabs',
  'listAvailableLabs',
  'createPrintOrder',
  'listPrintOrders',
  'getPrintOrder',
  'updatePrintOrder',
  'submitPrintOrder',
  'cancelPrintOrder',
  'labSignIn',
  'labSignOut',
  'listLabOrders',
  'getLabOrder',
  'createLabOrderDownloadUrl',
  'downloadLabOrderFile',
  'downloadLabOrderZip',
  'updateLabOrderStatus',
] as const;

const unknownId = '00000000-0000-4000-8000-000000000000';

/** Bodies that pass validation, so that an unknown id is what the route answers about. */
const validBodies: Record<string, Record<string, unknown>> = {
  updateLab: { name: 'Renamed' },
  setStudioLabs: { portalEnabled: true, labIds: [] },
  updatePrintOrder: { notes: 'x' },
  updateLabOrderStatus: { status: 'accepted' },
};

function pathWith(route: CatalogedRoute, value: string): string {
  return route.url.replace(/:[A-Za-z]+/g, value);
}

/** A body the route would accept but for one unknown field. */
function bodyWithUnknownField(route: CatalogedRoute): Record<string, unknown> | undefined {
  if (route.method === 'GET' || route.method === 'DELETE') return undefined;
  return { unexpected: true };
}

describe('the lab portal refuses bad input on every route with a stable code', () => {
  let server: TestServer;
  let routes: CatalogedRoute[];
  let callers: Record<'admin' | 'signed-in' | 'lab' | 'public', TestClient>;
  let orderId: string;
  let fileId: string;
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite', env: { TRUST_PROXY: 'true' } });
    routes = server.app.routeCatalog.filter((route) => route.method !== 'HEAD' && (operations as readonly string[]).includes(route.operationId));
    const admin = (await signedInAdmin(server)).client;
    const { client: photographer, user } = await signedInClient(server, 'photographer', 'bad-input');
    const { lab, pin } = await createLab(admin);
    await setStudioLabs(admin, user.studioId as string, [lab.id]);
    fileId = (await uploaded(photographer, await photo('jpeg'))).id;
    const created = await photographer.json<{ order: { id: string } }>('POST', '/api/print-orders', {
      labId: lab.id,
      lines: [{ fileId, sku: 'PRINT-8x10', finish: 'lustre', quantity: 1 }],
      shipping,
    });
    orderId = created.body.order.id;
    await photographer.json('POST', `/api/print-orders/${orderId}/submit`);
    callers = { admin, 'signed-in': photographer, lab: await signedInLab(server, lab, pin), public: photographer };
  });
  afterAll(async () => server?.close());

  it('knows every lab-portal route', () => {
    expect(routes.map((route) => route.operationId).sort()).toEqual([...operations].sort());
  });

  it('answers 400 validation_failed to a malformed id and to an unknown field', async () => {
    for (const route of routes) {
      const caller = callers[route.access as keyof typeof callers];
      if (route.url.includes(':')) {
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : {};
        expect(await outcome(await caller.request(route.method, pathWith(route, 'not-an-id'), body)), `${route.method} ${route.url}`).toBe('400 validation_failed');
      }
      const body = bodyWithUnknownField(route);
      if (body !== undefined) {
        const path = route.url.replace(':fileId', fileId).replace(/:[A-Za-z]+/g, orderId);
        expect(await outcome(await caller.request(route.method, path, body)), `${route.method} ${route.url}`).toBe('400 validation_failed');
      }
    }
  });

  it('answers 404 with a stable code, never a 5xx, to an unknown id', async () => {
    for (const route of routes.filter((candidate) => candidate.url.includes(':'))) {
      const caller = callers[route.access as keyof typeof callers];
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : (validBodies[route.operationId] ?? {});
      const answer = await outcome(await caller.request(route.method, pathWith(route, unknownId), body));
      // A file link without a signature is refused before anything is looked up.
      expect(answer, `${route.method} ${route.url}`).toMatch(route.operationId === 'downloadLabOrderFile' ? /^403 signature_invalid$/ : /^404 [a-z_]+_not_found$/);
    }
  });
});
