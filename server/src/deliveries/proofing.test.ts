import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import { TestClient, waitForMail } from '../../test/client.ts';
import { createDelivery, openedVisitor, outcome } from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { signedInMember } from '../../test/teams.ts';
import { type UploadedFile, uploaded } from '../../test/vault.ts';
import { csvCell, filterTerm } from './proofing.ts';

/**
 * Proofing (deliveries/proofing.ts): the limit, lists kept apart by their own tokens, lists and
 * deliveries kept apart, submission (with its email), reopening, the album, the filter string
 * and CSV — and the authorization walk and bad input on every proofing route.
 */

type ClientList = { id: string; name: string; status: string; favourites: string[]; comments: Array<{ fileId: string; comment: string }> };
type Selection = { id: string; name: string; status: string; favouriteCount: number; items: Array<{ fileId: string; name: string; favourite: boolean; comment: string | null }>; filter: string; csv: string };

const LIST = 'x-proofing-list';

describe('proofing helpers', () => {
  it('makes filter terms without extension and defuses CSV formulas', () => {
    expect(filterTerm('DSC_0012.NEF')).toBe('DSC_0012');
    expect(filterTerm('archive.tar.gz')).toBe('archive.tar');
    expect(filterTerm('.hidden')).toBe('.hidden');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('plain')).toBe('plain');
  });
});

describe.each(databaseKinds())('proofing on %s', (database) => {
  let server: TestServer;
  let owner: TestClient;
  let ownerEmail: string;
  let files: UploadedFile[];
  let delivery: Awaited<ReturnType<typeof createDelivery>>;
  let other: Awaited<ReturnType<typeof createDelivery>>;
  let otherFile: UploadedFile;

  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    const signed = await signedInClient(server, 'photographer', 'proofing-owner');
    owner = signed.client;
    ownerEmail = signed.user.email;
    const jpeg = await photo('jpeg', { width: 64, height: 48 });
    files = [];
    for (let index = 1; index <= 5; index += 1) files.push(await uploaded(owner, jpeg, { name: `DSC_000${index}.jpg` }));
    otherFile = await uploaded(owner, jpeg, { name: 'elsewhere.jpg' });
    delivery = await createDelivery(owner, { title: 'Wedding', fileIds: files.map((file) => file.id) });
    other = await createDelivery(owner, { title: 'Other', fileIds: [otherFile.id] });
    const enabled = await owner.json('PUT', `/api/deliveries/${delivery.delivery.id}/proofing`, { enabled: true, favouriteLimit: 3 });
    expect(enabled.body).toEqual({ proofing: { enabled: true, favouriteLimit: 3 } });
  });
  afterAll(async () => server?.close());

  async function startList(visitor: TestClient, name: string, token = delivery.token): Promise<string> {
    const answer = await visitor.json<{ list: ClientList; listToken: string }>('POST', `/api/d/${token}/proofing/lists`, { name });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.listToken;
  }

  async function heart(visitor: TestClient, listToken: string, fileId: string, body: Record<string, unknown> = { favourite: true }, token = delivery.token) {
    const response = await visitor.request('PUT', `/api/d/${token}/proofing/favourites/${fileId}`, body, { [LIST]: listToken });
    const text = await response.text();
    return { status: response.status, body: JSON.parse(text) as { list: ClientList; error?: { code: string } } };
  }

  it('keeps hearts within the photographer’s limit, and comments short', async () => {
    const visitor = await openedVisitor(server, delivery.access);
    const listToken = await startList(visitor, 'Anna');
    for (const file of files.slice(0, 3)) expect((await heart(visitor, listToken, file.id)).status).toBe(200);
    const over = await heart(visitor, listToken, files[3]!.id);
    expect([over.status, over.body.error?.code]).toEqual([409, 'proofing_limit_reached']);
    // Hearting one already hearted does not count twice; a heart taken back makes room.
    expect((await heart(visitor, listToken, files[0]!.id)).status).toBe(200);
    expect((await heart(visitor, listToken, files[2]!.id, { favourite: false })).status).toBe(200);
    const swapped = await heart(visitor, listToken, files[3]!.id, { favourite: true, comment: 'Print this one big' });
    expect(swapped.body.list.favourites.sort()).toEqual([files[0]!.id, files[1]!.id, files[3]!.id].sort());
    expect(swapped.body.list.comments).toEqual([{ fileId: files[3]!.id, comment: 'Print this one big' }]);
    const cleared = await heart(visitor, listToken, files[3]!.id, { favourite: true, comment: null });
    expect(cleared.body.list.comments).toEqual([]);
    const long = await heart(visitor, listToken, files[3]!.id, { favourite: true, comment: 'x'.repeat(501) });
    expect([long.status, long.body.error?.code]).toEqual([400, 'comment_too_long']);
    // The comment is sealed: not in the database in clear.
    const rows = await server.runtime.database.db.selectFrom('delivery_proofing_lists').select('details_sealed').execute();
    await heart(visitor, listToken, files[1]!.id, { favourite: true, comment: 'secret-comment-text' });
    const after = await server.runtime.database.db.selectFrom('delivery_proofing_lists').select('details_sealed').execute();
    expect(JSON.stringify([rows, after])).not.toMatch(/secret-comment-text|Anna/);
  });

  it('keeps several people’s lists apart, each written only with its own token', async () => {
    const first = await openedVisitor(server, delivery.access);
    const second = await openedVisitor(server, delivery.access);
    const firstToken = await startList(first, 'Carla');
    const secondToken = await startList(second, 'Dan');
    await heart(first, firstToken, files[0]!.id);
    await heart(second, secondToken, files[4]!.id, { favourite: true, comment: 'Dan’s pick' });
    const firstView = await first.request('GET', `/api/d/${delivery.token}/proofing`, undefined, { [LIST]: firstToken });
    const firstList = ((await firstView.json()) as { list: ClientList }).list;
    expect(firstList).toMatchObject({ name: 'Carla', favourites: [files[0]!.id], comments: [] });
    const noToken = await second.json<{ proofing: unknown; list: null }>('GET', `/api/d/${delivery.token}/proofing`);
    expect(noToken.body).toEqual({ proofing: { enabled: true, favouriteLimit: 3 }, list: null });
    // A name already kept here, whatever its case and spacing.
    const taken = await second.json<{ error: { code: string } }>('POST', `/api/d/${delivery.token}/proofing/lists`, { name: '  carla ' });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'proofing_name_taken']);
    // Writing without a token, or with a made-up one, writes nothing.
    expect(await outcome(await second.request('PUT', `/api/d/${delivery.token}/proofing/favourites/${files[1]!.id}`, { favourite: true }))).toBe('401 proofing_list_required');
    expect(await outcome(await second.request('PUT', `/api/d/${delivery.token}/proofing/favourites/${files[1]!.id}`, { favourite: true }, { [LIST]: 'A'.repeat(43) }))).toBe('401 proofing_list_required');
    expect(await outcome(await second.request('POST', `/api/d/${delivery.token}/proofing/submit`, {}))).toBe('401 proofing_list_required');
    const selections = await owner.json<{ lists: Selection[] }>('GET', `/api/deliveries/${delivery.delivery.id}/proofing/selections`);
    const byName = Object.fromEntries(selections.body.lists.map((list) => [list.name, list]));
    expect(byName.Carla?.items.map((item) => item.fileId)).toEqual([files[0]!.id]);
    expect(byName.Dan?.items).toEqual([{ fileId: files[4]!.id, name: 'DSC_0005.jpg', favourite: true, comment: 'Dan’s pick' }]);
  });

  it('keeps deliveries apart: a list token or a file of one delivery does nothing in another', async () => {
    await owner.json('PUT', `/api/deliveries/${other.delivery.id}/proofing`, { enabled: true });
    const visitor = await openedVisitor(server, delivery.access);
    const listToken = await startList(visitor, 'Erin');
    // A file of another delivery, through this one.
    expect((await heart(visitor, listToken, otherFile.id)).status).toBe(404);
    const elsewhere = await openedVisitor(server, other.access);
    // This delivery's list token, on the other delivery.
    const bent = await heart(elsewhere, listToken, otherFile.id, { favourite: true }, other.token);
    expect([bent.status, bent.body.error?.code]).toEqual([401, 'proofing_list_required']);
    // The other delivery's session on this delivery.
    expect(await outcome(await elsewhere.request('PUT', `/api/d/${delivery.token}/proofing/favourites/${files[0]!.id}`, { favourite: true }, { [LIST]: listToken }))).toBe('401 delivery_code_required');
    const otherLists = await owner.json<{ lists: Selection[] }>('GET', `/api/deliveries/${other.delivery.id}/proofing/selections`);
    expect(otherLists.body.lists).toEqual([]);
    // Proofing off: nothing to start, the settings say so.
    await owner.json('PUT', `/api/deliveries/${other.delivery.id}/proofing`, { enabled: false });
    expect(await outcome(await elsewhere.request('POST', `/api/d/${other.token}/proofing/lists`, { name: 'Finn' }))).toBe('404 proofing_not_enabled');
    expect((await elsewhere.json('GET', `/api/d/${other.token}/proofing`)).body).toEqual({ proofing: { enabled: false, favouriteLimit: null }, list: null });
  });

  it('submits, emails the photographer, freezes the list until reopened, and gives the filter string, CSV and an album', async () => {
    const visitor = await openedVisitor(server, delivery.access);
    const listToken = await startList(visitor, 'Gwen');
    await heart(visitor, listToken, files[1]!.id, { favourite: true, comment: 'Lovely, "really"' });
    await heart(visitor, listToken, files[4]!.id);
    const before = (await server.outbox()).length;
    const submitted = await visitor.request('POST', `/api/d/${delivery.token}/proofing/submit`, {}, { [LIST]: listToken });
    expect(submitted.status).toBe(200);
    expect(((await submitted.json()) as { list: ClientList }).list.status).toBe('submitted');
    const [, count] = await waitForMail(server, ownerEmail, /Gwen submitted a selection of (\d+) photos/, { after: before });
    expect(count).toBe('2');
    const frozen = await heart(visitor, listToken, files[0]!.id);
    expect([frozen.status, frozen.body.error?.code]).toEqual([409, 'proofing_list_submitted']);
    expect(await outcome(await visitor.request('POST', `/api/d/${delivery.token}/proofing/submit`, {}, { [LIST]: listToken }))).toBe('409 proofing_list_submitted');

    const listed = await owner.json<{ lists: Selection[] }>('GET', `/api/deliveries/${delivery.delivery.id}/proofing/selections`);
    const gwen = listed.body.lists.find((list) => list.name === 'Gwen') as Selection;
    expect(gwen).toMatchObject({ status: 'submitted', favouriteCount: 2, filter: 'DSC_0002 OR DSC_0005' });
    expect(gwen.csv).toBe('file,favourite,comment\r\nDSC_0002.jpg,yes,"Lovely, ""really"""\r\nDSC_0005.jpg,yes,\r\n');

    const reopened = await owner.json<{ list: Selection }>('POST', `/api/deliveries/${delivery.delivery.id}/proofing/selections/${gwen.id}/reopen`, {});
    expect(reopened.body.list.status).toBe('open');
    expect(await outcome(await owner.request('POST', `/api/deliveries/${delivery.delivery.id}/proofing/selections/${gwen.id}/reopen`, {}))).toBe('409 proofing_list_open');
    expect((await heart(visitor, listToken, files[0]!.id)).status).toBe(200);

    const album = await owner.json<{ album: { id: string; name: string; fileCount: number } }>('POST', `/api/deliveries/${delivery.delivery.id}/proofing/selections/${gwen.id}/album`, {});
    expect(album.status).toBe(201);
    expect(album.body.album).toMatchObject({ name: 'Wedding — Gwen', fileCount: 3 });
    const inAlbum = await owner.json<{ files: Array<{ id: string }> }>('GET', `/api/vault/files?albumId=${album.body.album.id}`);
    expect(inAlbum.body.files.map((file) => file.id).sort()).toEqual([files[0]!.id, files[1]!.id, files[4]!.id].sort());
    const empty = await startList(visitor, 'Hugo');
    const hugo = (await owner.json<{ lists: Selection[] }>('GET', `/api/deliveries/${delivery.delivery.id}/proofing/selections`)).body.lists.find((list) => list.name === 'Hugo') as Selection;
    expect(empty).toBeTruthy();
    expect(await outcome(await owner.request('POST', `/api/deliveries/${delivery.delivery.id}/proofing/selections/${hugo.id}/album`, {}))).toBe('409 proofing_selection_empty');
  });

  it('walks every proofing route: stranger, other studio, viewer and editor, another delivery’s client', async () => {
    const routes = server.app.routeCatalog.filter((route) => route.url.includes('/proofing') && route.method !== 'HEAD');
    expect(routes.map((route) => route.operationId).sort()).toEqual(
      ['createAlbumFromSelection', 'createProofingList', 'getProofing', 'listProofingSelections', 'reopenProofingSelection', 'setDeliveryProofing', 'setFavourite', 'submitProofingSelection'].sort(),
    );
    const listId = (await owner.json<{ lists: Selection[] }>('GET', `/api/deliveries/${delivery.delivery.id}/proofing/selections`)).body.lists[0]!.id;
    const path = (url: string) => url.replace(':id', delivery.delivery.id).replace(':listId', listId).replace(':token', delivery.token).replace(':fileId', files[0]!.id);
    const bodies: Record<string, unknown> = {
      setDeliveryProofing: { enabled: false },
      listProofingSelections: undefined,
      reopenProofingSelection: {},
      createAlbumFromSelection: {},
      getProofing: undefined,
      createProofingList: { name: 'Intruder' },
      setFavourite: { favourite: true },
      submitProofingSelection: {},
    };
    const photographerRoutes = routes.filter((route) => route.access === 'signed-in');
    const clientRoutes = routes.filter((route) => route.access === 'public');
    expect(photographerRoutes).toHaveLength(4);
    for (const route of photographerRoutes) expect(route.permission, route.operationId).toBe('deliveries');

    const walk = async (caller: TestClient, which: typeof routes) => {
      const seen: Record<string, string> = {};
      for (const route of which) seen[route.operationId] = await outcome(await caller.request(route.method, path(route.url), bodies[route.operationId]));
      return seen;
    };
    const all = (which: typeof routes, result: string) => Object.fromEntries(which.map((route) => [route.operationId, result]));

    const stranger = new TestClient(server, { ip: '203.0.113.77' });
    expect(await walk(stranger, photographerRoutes)).toEqual(all(photographerRoutes, '401 not_signed_in'));
    expect(await walk(stranger, clientRoutes)).toEqual(all(clientRoutes, '401 delivery_code_required'));
    const { client: intruder } = await signedInClient(server, 'photographer', 'proofing-intruder');
    expect(await walk(intruder, photographerRoutes)).toEqual(all(photographerRoutes, '404 delivery_not_found'));
    expect(await walk(intruder, clientRoutes)).toEqual(all(clientRoutes, '401 delivery_code_required'));
    const { client: viewer } = await signedInMember(server, owner, 'viewer');
    expect(await walk(viewer, photographerRoutes)).toEqual(all(photographerRoutes, '403 studio_role_forbidden'));
    const otherClient = await openedVisitor(server, other.access);
    expect(await walk(otherClient, photographerRoutes)).toEqual(all(photographerRoutes, '401 not_signed_in'));
    expect(await walk(otherClient, clientRoutes)).toEqual(all(clientRoutes, '401 delivery_code_required'));
    // An editor may do everything proofing offers (the listing and reopening, here).
    const { client: editor } = await signedInMember(server, owner, 'editor');
    expect((await editor.json('GET', `/api/deliveries/${delivery.delivery.id}/proofing/selections`)).status).toBe(200);
    expect(await outcome(await editor.request('POST', `/api/deliveries/${delivery.delivery.id}/proofing/selections/${listId}/reopen`, {}))).toMatch(/^(200|409 proofing_list_open)$/);
    // Nothing changed: proofing is still on with its limit.
    expect((await owner.json<{ proofing: unknown }>('GET', `/api/deliveries/${delivery.delivery.id}/proofing/selections`)).body.proofing).toEqual({ enabled: true, favouriteLimit: 3 });
  });

  it('answers bad input on every proofing route with a stable 4xx', async () => {
    const visitor = await openedVisitor(server, delivery.access);
    const listToken = await startList(visitor, 'Ivy');
    const id = delivery.delivery.id;
    const cases: Array<[TestClient, string, string, unknown, string, Record<string, string>?]> = [
      [owner, 'PUT', `/api/deliveries/not-a-uuid/proofing`, { enabled: true }, '400 validation_failed'],
      [owner, 'PUT', `/api/deliveries/${id}/proofing`, { enabled: true, favouriteLimit: 0 }, '400 validation_failed'],
      [owner, 'PUT', `/api/deliveries/${id}/proofing`, { enabled: true, favouriteLimit: 1.5 }, '400 validation_failed'],
      [owner, 'PUT', `/api/deliveries/${id}/proofing`, { enabled: 'yes' }, '400 validation_failed'],
      [owner, 'PUT', `/api/deliveries/${id}/proofing`, { enabled: true, admin: true }, '400 validation_failed'],
      [owner, 'GET', `/api/deliveries/not-a-uuid/proofing/selections`, undefined, '400 validation_failed'],
      [owner, 'POST', `/api/deliveries/${id}/proofing/selections/nope/reopen`, {}, '400 validation_failed'],
      [owner, 'POST', `/api/deliveries/${id}/proofing/selections/${files[0]!.id}/reopen`, {}, '404 proofing_list_not_found'],
      [owner, 'POST', `/api/deliveries/${id}/proofing/selections/${files[0]!.id}/album`, { name: '' }, '400 validation_failed'],
      [owner, 'POST', `/api/deliveries/${id}/proofing/selections/${files[0]!.id}/album`, { name: 'x', extra: 1 }, '400 validation_failed'],
      [visitor, 'POST', `/api/d/${delivery.token}/proofing/lists`, { name: '' }, '400 validation_failed'],
      [visitor, 'POST', `/api/d/${delivery.token}/proofing/lists`, { name: '\u202e\u200e ' }, '400 invalid_list_name'],
      [visitor, 'POST', `/api/d/${delivery.token}/proofing/lists`, { name: 'x'.repeat(61) }, '400 invalid_list_name'],
      [visitor, 'POST', `/api/d/${delivery.token}/proofing/lists`, { name: 7 }, '400 validation_failed'],
      [visitor, 'PUT', `/api/d/${delivery.token}/proofing/favourites/not-a-uuid`, { favourite: true }, '400 validation_failed', { [LIST]: listToken }],
      [visitor, 'PUT', `/api/d/${delivery.token}/proofing/favourites/${files[0]!.id}`, { favourite: 'yes' }, '400 validation_failed', { [LIST]: listToken }],
      [visitor, 'PUT', `/api/d/${delivery.token}/proofing/favourites/${files[0]!.id}`, {}, '400 validation_failed', { [LIST]: listToken }],
      [visitor, 'PUT', `/api/d/${delivery.token}/proofing/favourites/${files[0]!.id}`, { favourite: true, comment: 'x'.repeat(1001) }, '400 validation_failed', { [LIST]: listToken }],
      [visitor, 'PUT', `/api/d/${delivery.token}/proofing/favourites/${files[0]!.id}`, { favourite: true }, '400 validation_failed', { [LIST]: 'x'.repeat(101) }],
      [visitor, 'POST', `/api/d/${delivery.token}/proofing/submit`, { now: true }, '400 validation_failed', { [LIST]: listToken }],
      [visitor, 'GET', `/api/d/${'x'.repeat(101)}/proofing`, undefined, '414 url_too_long'],
    ];
    const seen: string[] = [];
    for (const [caller, method, url, body, expected, headers] of cases) {
      const got = await outcome(await caller.request(method, url, body, headers ?? {}));
      if (got !== expected) seen.push(`${method} ${url} ${JSON.stringify(body)} → ${got} (expected ${expected})`);
    }
    expect(seen).toEqual([]);
  });
});
