import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import {
  type DeliveryView,
  clientDownloadUrl,
  clientFor,
  createDelivery,
  getDelivery,
  listEvents,
  openWithCode,
  openedVisitor,
  outcome,
  readZip,
} from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { type UploadedFile, uploaded } from '../../test/vault.ts';
import type { CatalogedRoute } from '../http/route-rules.ts';

/**
 * The authorization walk for deliveries, like http/authorization.test.ts and the vault's
 * isolation walk: every registered delivery route, called by a stranger, by another studio's
 * photographer, by the client of another delivery, and with bad input. The list of routes is
 * checked first, so a new route fails here until it is added to the walk.
 */

const operations = [
  'createDelivery',
  'listDeliveries',
  'getDelivery',
  'updateDelivery',
  'revokeDelivery',
  'regenerateDeliveryCode',
  'resendDelivery',
  'listDeliveryEvents',
  'addDeliveryFiles',
  'removeDeliveryFiles',
  'reorderDeliveryFiles',
  'createDeliverySet',
  'updateDeliverySet',
  'deleteDeliverySet',
  'openDelivery',
  'listDeliveryFiles',
  'createDeliveryDownloadUrl',
  'downloadDeliveryZip',
  'downloadDeliveryFile',
] as const;

type Operation = (typeof operations)[number];

const photographerOperations: readonly Operation[] = operations.slice(0, operations.indexOf('openDelivery'));

interface Target {
  id: string;
  deliveryId: string;
  token: string;
  fileId: string;
  variant: string;
  setId: string;
}

function pathOf(route: CatalogedRoute, target: Target): string {
  return route.url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = target[name as keyof Target];
    if (value === undefined) throw new Error(`no value for :${name} in ${route.url}`);
    return value;
  });
}

describe.each(databaseKinds())('delivery isolation on %s', (database) => {
  let server: TestServer;
  let routes: CatalogedRoute[];
  let owner: TestClient;
  let intruder: TestClient;
  let ownFile: UploadedFile;
  let theirFile: UploadedFile;
  let ours: Awaited<ReturnType<typeof createDelivery>>;
  let theirs: Awaited<ReturnType<typeof createDelivery>>;
  let target: Target;
  let bodies: Record<Operation, unknown>;
  let otherFile: UploadedFile;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    // The proofing routes have their own walk (proofing.test.ts).
    routes = server.app.routeCatalog.filter(
      (route) =>
        route.method !== 'HEAD' &&
        !route.url.includes('/proofing') &&
        (route.url.startsWith('/api/deliveries') || route.url.startsWith('/api/d/') || route.url.startsWith('/api/delivery-files/')),
    );
    owner = (await signedInClient(server, 'photographer', 'owner')).client;
    intruder = (await signedInClient(server, 'photographer', 'intruder')).client;
    const jpeg = await photo('jpeg', { width: 200, height: 150 });
    ownFile = await uploaded(owner, jpeg, { name: 'ours.jpg' });
    theirFile = await uploaded(intruder, jpeg, { name: 'theirs.jpg' });
    otherFile = await uploaded(owner, await photo('jpeg', { width: 210, height: 150 }), { name: 'late.jpg' });
    ours = await createDelivery(owner, { title: 'Ours', message: 'Private', fileIds: [ownFile.id], recipients: ['client@example.com'] });
    const set = await owner.json<{ sets: Array<{ id: string }> }>('POST', `/api/deliveries/${ours.delivery.id}/sets`, { name: 'Ceremony', fileIds: [ownFile.id] });
    theirs = await createDelivery(intruder, { title: 'Theirs', fileIds: [theirFile.id] });
    target = { id: ours.delivery.id, deliveryId: ours.delivery.id, token: ours.token, fileId: ownFile.id, variant: 'original', setId: set.body.sets[0]?.id as string };
    // A valid body per operation, so each call reaches the check under test rather than validation.
    bodies = {
      createDelivery: { title: 'Taken', fileIds: [ownFile.id] },
      listDeliveries: undefined,
      getDelivery: undefined,
      updateDelivery: { title: 'Taken over', downloadLimit: 1 },
      revokeDelivery: {},
      regenerateDeliveryCode: { sendToRecipients: true },
      resendDelivery: {},
      listDeliveryEvents: undefined,
      addDeliveryFiles: { fileIds: [otherFile.id] },
      removeDeliveryFiles: { fileIds: [ownFile.id] },
      reorderDeliveryFiles: { sortBy: 'name' },
      createDeliverySet: { name: 'Taken' },
      updateDeliverySet: { name: 'Taken over' },
      deleteDeliverySet: undefined,
      openDelivery: { code: ours.access.code === '00000000' ? '11111111' : '00000000' },
      listDeliveryFiles: undefined,
      createDeliveryDownloadUrl: {},
      downloadDeliveryZip: undefined,
      downloadDeliveryFile: undefined,
    };
  });
  afterAll(async () => server?.close());

  /** Calls every delivery route as `caller` and compares the outcomes, all at once. */
  async function walk(caller: TestClient, expected: Record<Operation, string>, paths: Partial<Record<Operation, string>> = {}): Promise<void> {
    const seen: Record<string, string> = {};
    for (const route of routes) {
      const operation = route.operationId as Operation;
      const response = await caller.request(route.method, paths[operation] ?? pathOf(route, target), bodies[operation]);
      seen[operation] = await outcome(response);
    }
    expect(seen).toEqual(expected);
  }

  /**
   * What a caller without this delivery's session meets: `photographerOutcome` on the
   * photographer's routes (but for `exceptions`), and at the client's door a wrong code, no
   * session, no signature.
   */
  const outcomes = (photographerOutcome: string, exceptions: Partial<Record<Operation, string>> = {}): Record<Operation, string> => ({
    ...(Object.fromEntries(photographerOperations.map((operation) => [operation, photographerOutcome])) as Record<Operation, string>),
    openDelivery: '401 delivery_code_incorrect',
    listDeliveryFiles: '401 delivery_code_required',
    createDeliveryDownloadUrl: '401 delivery_code_required',
    downloadDeliveryZip: '401 delivery_code_required',
    downloadDeliveryFile: '403 signature_invalid',
    ...exceptions,
  });

  it('walks every delivery route: the list is complete', () => {
    expect(routes.map((route) => route.operationId).sort()).toEqual([...operations].sort());
    for (const route of routes) {
      const expected = photographerOperations.includes(route.operationId as Operation) ? 'signed-in' : 'public';
      expect(route.access, route.operationId).toBe(expected);
    }
  });

  it('shuts out a stranger: 401 at the photographer’s door, the code or a signature at the client’s', async () => {
    await walk(new TestClient(server, { ip: '203.0.113.10' }), outcomes('401 not_signed_in'));
  });

  it('answers 404 to another studio’s photographer on every route with the delivery’s id, and changes nothing', async () => {
    // Signed links are made afresh on every read; everything else must stay as it was.
    const unsigned = async () => {
      const { delivery, files } = await getDelivery(owner, ours.delivery.id);
      return { delivery, files: files.map(({ id, name }) => ({ id, name })) };
    };
    const before = await unsigned();
    // A photographer's session is no delivery session.
    await walk(intruder, outcomes('404 delivery_not_found', { createDelivery: '404 file_not_found', listDeliveries: '200' }));
    // Not even with the intruder's own delivery and another studio's set or file.
    expect(await outcome(await intruder.request('PATCH', `/api/deliveries/${theirs.delivery.id}/sets/${target.setId}`, { name: 'x' }))).toBe('404 set_not_found');
    expect(await outcome(await intruder.request('DELETE', `/api/deliveries/${theirs.delivery.id}/sets/${target.setId}`))).toBe('404 set_not_found');
    expect(await outcome(await intruder.request('POST', `/api/deliveries/${theirs.delivery.id}/files`, { fileIds: [otherFile.id] }))).toBe('404 file_not_found');
    const listed = await intruder.json<{ deliveries: DeliveryView[] }>('GET', '/api/deliveries');
    expect(listed.body.deliveries.map((delivery) => delivery.id)).toEqual([theirs.delivery.id]);
    expect(await unsigned()).toEqual(before);
    const kinds = (await listEvents(owner, ours.delivery.id)).map((event) => event.kind);
    for (const kind of ['updated', 'revoked', 'code_regenerated', 'resent', 'file_added', 'file_removed', 'reordered']) expect(kinds).not.toContain(kind);
    // The code was neither changed nor sent anywhere: it still opens the delivery.
    expect((await openedVisitor(server, ours.access)).cookies.size).toBe(1);
  });

  it('keeps another delivery’s client out: no session here, no file from here, no link bent to here, no vault, no account', async () => {
    const visitor = await openedVisitor(server, theirs.access);
    const theirUrl = await clientDownloadUrl(visitor, theirs.token, theirFile.id);
    const bent = theirUrl.replace(theirs.delivery.id, ours.delivery.id).replace(theirFile.id, ownFile.id);
    await walk(visitor, outcomes('401 not_signed_in'), { downloadDeliveryFile: bent });
    // Moved to the other delivery only, the file kept: still bound to its delivery.
    expect(await outcome(await visitor.request('GET', theirUrl.replace(theirs.delivery.id, ours.delivery.id)))).toBe('403 signature_invalid');
    // Another delivery's file, asked for through this delivery's own session.
    expect(await outcome(await visitor.request('POST', `/api/d/${theirs.token}/files/${ownFile.id}/download-url`, {}))).toBe('404 file_not_found');
    const listed = await visitor.json<{ files: Array<{ id: string }> }>('GET', `/api/d/${theirs.token}/files`);
    expect(listed.body.files.map((file) => file.id)).toEqual([theirFile.id]);
    // The delivery cookie is no account session.
    for (const path of ['/api/vault/files', `/api/vault/files/${theirFile.id}`, '/api/vault/albums', '/api/me', '/api/deliveries', `/api/deliveries/${theirs.delivery.id}`]) {
      expect(await outcome(await visitor.request('GET', path)), path).toBe('401 not_signed_in');
    }
  });

  it('never reaches another studio’s file through a delivery row that names it', async () => {
    // A link row no service would write (a bug, a hand-edited database): every read of the
    // delivery's files still asks the vault with the delivery's own studio.
    const { delivery, access, token } = await createDelivery(owner, { title: 'Foreign row', fileIds: [ownFile.id] });
    await server.runtime.database.db.insertInto('delivery_files').values({ delivery_id: delivery.id, file_id: theirFile.id, position: 1 }).execute();
    expect((await getDelivery(owner, delivery.id)).delivery).toMatchObject({ fileCount: 1, totalBytes: ownFile.size });
    const visitor = await openedVisitor(server, access);
    const listed = await visitor.json<{ files: Array<{ id: string }> }>('GET', `/api/d/${token}/files`);
    expect(listed.body.files.map((file) => file.id)).toEqual([ownFile.id]);
    expect(await outcome(await visitor.request('POST', `/api/d/${token}/files/${theirFile.id}/download-url`, {}))).toBe('404 file_not_found');
    const zip = await visitor.request('GET', `/api/d/${token}/zip`);
    const names = (await readZip(Buffer.from(await zip.arrayBuffer()))).map((entry) => entry.name);
    expect(names.some((name) => name.includes('theirs'))).toBe(false);
    expect(names.some((name) => name.includes('ours'))).toBe(true);
  });

  it('gives an account without a studio no deliveries', async () => {
    const { client: admin } = await signedInAdmin(server);
    await walk(admin, outcomes('403 studio_required'));
  });

  it('answers 400 to bad ids, unknown fields and malformed JSON on every route, never 500', async () => {
    const visitor = await openedVisitor(server, theirs.access);
    const callerOf = (operation: Operation) => (photographerOperations.includes(operation) ? owner : visitor);
    const bad: Array<[what: string, caller: TestClient, method: string, path: string, body: unknown, expected: string]> = [];
    for (const route of routes) {
      const operation = route.operationId as Operation;
      const caller = callerOf(operation);
      for (const name of ['id', 'deliveryId', 'fileId', 'setId']) {
        if (!route.url.includes(`:${name}`)) continue;
        for (const value of ['not-a-uuid', '1', `${ownFile.id}x`]) {
          bad.push([`:${name}=${value}`, caller, route.method, pathOf(route, { ...target, token: theirs.token, [name]: value }), bodies[operation], '400 validation_failed']);
        }
      }
      if (route.url.includes(':variant')) bad.push(['bad variant', caller, route.method, pathOf(route, { ...target, variant: 'raw' }), undefined, '400 validation_failed']);
      if (route.method === 'POST' || route.method === 'PATCH' || route.method === 'PUT') {
        const path = pathOf(route, { ...target, token: theirs.token });
        const body = bodies[operation] as Record<string, unknown>;
        bad.push(['unknown field', caller, route.method, path, { ...body, isAdmin: true }, '400 validation_failed']);
        bad.push(['not an object', caller, route.method, path, ['x'], '400 validation_failed']);
        bad.push(['malformed JSON', caller, route.method, path, 'malformed', '400 malformed_json']);
      }
    }
    const fileRoute = routes.find((route) => route.operationId === 'downloadDeliveryFile') as CatalogedRoute;
    bad.push(['unknown query', visitor, 'GET', `${pathOf(fileRoute, target)}?as=download&admin=1`, undefined, '400 validation_failed']);
    bad.push(['unknown use', visitor, 'GET', `${pathOf(fileRoute, target)}?as=steal`, undefined, '400 validation_failed']);
    bad.push(['huge code', visitor, 'POST', `/api/d/${theirs.token}/open`, { code: '1'.repeat(33) }, '400 validation_failed']);
    bad.push(['numeric code', visitor, 'POST', `/api/d/${theirs.token}/open`, { code: 12345678 }, '400 validation_failed']);
    bad.push(['recipients not a list', owner, 'PATCH', `/api/deliveries/${ours.delivery.id}`, { recipients: 'a@example.com' }, '400 validation_failed']);
    const id = ours.delivery.id;
    bad.push(['no file ids', owner, 'POST', `/api/deliveries/${id}/files`, { fileIds: [] }, '400 validation_failed']);
    bad.push(['file id not a uuid', owner, 'POST', `/api/deliveries/${id}/files/remove`, { fileIds: ['x'] }, '400 validation_failed']);
    bad.push(['unknown sort', owner, 'PUT', `/api/deliveries/${id}/order`, { sortBy: 'random' }, '400 validation_failed']);
    bad.push(['order and sort', owner, 'PUT', `/api/deliveries/${id}/order`, { sortBy: 'name', fileIds: [ownFile.id] }, '400 validation_failed']);
    bad.push(['empty set name', owner, 'POST', `/api/deliveries/${id}/sets`, { name: '' }, '400 validation_failed']);
    bad.push(['invisible set name', owner, 'POST', `/api/deliveries/${id}/sets`, { name: ' \u202e\u2066 ' }, '400 set_name_invalid']);
    bad.push(['no set change', owner, 'PATCH', `/api/deliveries/${id}/sets/${target.setId}`, {}, '400 validation_failed']);
    bad.push(['negative position', owner, 'PATCH', `/api/deliveries/${id}/sets/${target.setId}`, { position: -1 }, '400 validation_failed']);
    bad.push(['file twice', owner, 'PUT', `/api/deliveries/${id}/order`, { fileIds: [ownFile.id, ownFile.id] }, '400 duplicate_files']);
    bad.push(['cover elsewhere', owner, 'PATCH', `/api/deliveries/${id}`, { coverFileId: otherFile.id }, '400 cover_not_in_delivery']);
    bad.push(['watermark opacity', owner, 'PATCH', `/api/deliveries/${id}`, { watermark: { text: 'x', position: 'center', opacity: 2 } }, '400 validation_failed']);
    bad.push(['watermark position', owner, 'PATCH', `/api/deliveries/${id}`, { watermark: { text: 'x', position: 'middle', opacity: 0.5 } }, '400 validation_failed']);
    bad.push(['unknown size', visitor, 'POST', `/api/d/${theirs.token}/files/${theirFile.id}/download-url`, { size: 'huge' }, '400 validation_failed']);
    bad.push(['too many recipients', owner, 'PATCH', `/api/deliveries/${ours.delivery.id}`, { recipients: Array.from({ length: 21 }, (_, i) => `r${i}@example.com`) }, '400 validation_failed']);

    const seen: string[] = [];
    for (const [what, caller, method, path, body, expected] of bad) {
      const response =
        body === 'malformed'
          ? await caller.request(method, path, new TextEncoder().encode('{"title": "x",'), { 'content-type': 'application/json' })
          : await caller.request(method, path, body);
      const got = await outcome(response);
      if (got !== expected) seen.push(`${what}: ${method} ${path} → ${got} (expected ${expected})`);
    }
    expect(seen).toEqual([]);
    expect(bad.length).toBeGreaterThan(30);
    // Nothing was changed by any of it.
    expect((await getDelivery(owner, ours.delivery.id)).delivery).toMatchObject({ title: 'Ours', status: 'active', downloadLimit: null, recipients: ['client@example.com'] });
    expect((await openWithCode(clientFor(server), theirs.token, theirs.access.code)).status).toBe(200);
  });
});
