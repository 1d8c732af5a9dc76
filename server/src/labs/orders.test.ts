import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { type TestClient, waitForMail } from '../../test/client.ts';
import { outcome, outcomeOf, readZip } from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { createLab, setStudioLabs, shipping, signedInLab } from '../../test/labs.ts';
import { type UploadedFile, readFully, sha256, uploaded } from '../../test/vault.ts';
import { createUrlSigner, signedQuery } from '../crypto/signed-urls.ts';
import type { LabView } from './admin.ts';
import type { LabOrderView } from './lab-orders.ts';
import type { PrintOrderView } from './orders.ts';

/**
 * Print orders end to end: a photographer orders from the labs an admin enabled for the studio,
 * the shipping details are sealed at rest, the lab sees only what was sent to it, fetches the
 * originals byte-exact (one by one through short-lived signed links, or as a ZIP) while it
 * works on the order, and moves it through the workflow, which refuses impossible steps.
 */

const missing = '00000000-0000-4000-8000-000000000000';

describe.each(databaseKinds())('print orders on %s', (database) => {
  let server: TestServer;
  let admin: TestClient;
  let photographer: TestClient;
  let studioId: string;
  let photographerEmail: string;
  let other: TestClient;
  let otherStudioId: string;
  let lab: LabView;
  let pin: string;
  let otherLab: { lab: LabView; pin: string };
  let jpeg: Buffer;
  let second: Buffer;
  let files: UploadedFile[];
  let otherFile: UploadedFile;

  const line = (file: UploadedFile, extra: Record<string, unknown> = {}) => ({ fileId: file.id, sku: 'PRINT-8x10', finish: 'lustre', quantity: 2, ...extra });

  async function draft(client: TestClient = photographer, body: Record<string, unknown> = {}): Promise<PrintOrderView> {
    const answer = await client.json<{ order: PrintOrderView }>('POST', '/api/print-orders', {
      labId: lab.id,
      lines: files.map((file) => line(file)),
      shipping,
      dueDate: '2027-03-01',
      notes: 'Warm tones, please.',
      ...body,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.order;
  }

  async function submitted(): Promise<PrintOrderView> {
    const order = await draft();
    const answer = await photographer.json<{ order: PrintOrderView }>('POST', `/api/print-orders/${order.id}/submit`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body.order;
  }

  async function setStatus(client: TestClient, orderId: string, body: Record<string, unknown>): Promise<string> {
    return outcomeOf(await client.json('POST', `/api/lab/orders/${orderId}/status`, body));
  }

  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    admin = (await signedInAdmin(server)).client;
    const mine = await signedInClient(server, 'photographer', 'orders');
    photographer = mine.client;
    studioId = mine.user.studioId as string;
    photographerEmail = mine.user.email;
    const theirs = await signedInClient(server, 'photographer', 'others');
    other = theirs.client;
    otherStudioId = theirs.user.studioId as string;
    ({ lab, pin } = await createLab(admin, { name: 'Fine Prints' }));
    otherLab = await createLab(admin, { name: 'Other Prints' });
    await setStudioLabs(admin, studioId, [lab.id]);
    await setStudioLabs(admin, otherStudioId, [lab.id, otherLab.lab.id]);
    jpeg = await photo('jpeg', { width: 320, height: 240 });
    second = await photo('png', { width: 200, height: 100 });
    files = [await uploaded(photographer, jpeg, { name: 'bride.jpg' }), await uploaded(photographer, second, { name: 'groom.png' })];
    otherFile = await uploaded(other, jpeg, { name: 'theirs.jpg' });
  });
  afterAll(async () => server?.close());

  it('offers the studio only the labs an admin enabled for it', async () => {
    const answer = await photographer.json<{ labs: Array<{ id: string; catalogue: unknown[] }> }>('GET', '/api/print-labs');
    expect(answer.body.labs.map((entry) => entry.id)).toEqual([lab.id]);
    expect(answer.body.labs[0]?.catalogue).toHaveLength(2);
    expect(outcomeOf(await photographer.json('POST', '/api/print-orders', { labId: otherLab.lab.id, lines: [line(files[0] as UploadedFile)], shipping }))).toBe('404 lab_not_found');
    const studios = await admin.json<{ studios: Array<{ studioId: string; portalEnabled: boolean; labIds: string[] }> }>('GET', '/api/admin/lab-portal/studios');
    expect(studios.body.studios.find((entry) => entry.studioId === studioId)).toMatchObject({ portalEnabled: true, labIds: [lab.id] });
    expect(studios.body.studios.find((entry) => entry.studioId === otherStudioId)?.labIds.sort()).toEqual([lab.id, otherLab.lab.id].sort());
  });

  it('drafts an order with its lines and seals the shipping details at rest', async () => {
    const order = await draft();
    expect(order).toMatchObject({ status: 'draft', lineCount: 2, dueDate: '2027-03-01', notes: 'Warm tones, please.', shipping });
    expect(order.lines.map((entry) => [entry.fileName, entry.productName, entry.finish, entry.quantity])).toEqual([
      ['bride.jpg', 'Lustre print', 'lustre', 2],
      ['groom.png', 'Lustre print', 'lustre', 2],
    ]);
    const row = await server.runtime.database.db.selectFrom('print_orders').selectAll().where('id', '=', order.id).executeTakeFirstOrThrow();
    // Under the studio's key, so crypto-erasing the studio erases the address too.
    expect(row.details_sealed).toMatch(/^ss1\./);
    expect(JSON.stringify(row)).not.toContain('Lovelace');
    expect(JSON.stringify(row)).not.toContain('SW1Y');
    const listed = await photographer.json<{ orders: Array<{ id: string }> }>('GET', '/api/print-orders');
    expect(listed.body.orders.map((entry) => entry.id)).toContain(order.id);
  });

  it('makes a line of every file of an album', async () => {
    const album = await photographer.json<{ album: { id: string } }>('POST', '/api/vault/albums', { name: 'Wedding' });
    const inAlbum = await uploaded(photographer, jpeg, { name: 'album.jpg', albumId: album.body.album.id });
    const order = await draft(photographer, { lines: undefined, albumId: album.body.album.id, albumLine: { sku: 'CANVAS-16x20', quantity: 1 } });
    expect(order.lines.map((entry) => [entry.fileId, entry.sku])).toEqual([[inAlbum.id, 'CANVAS-16x20']]);
  });

  it('takes an address without a second line, region, postal code or phone, and answers them empty', async () => {
    const { line2: _line2, region: _region, postalCode: _postalCode, phone: _phone, ...required } = shipping;
    const drafted = await photographer.json<{ order: { id: string; shipping: Record<string, string> } }>('POST', '/api/print-orders', { labId: lab.id, lines: [line(files[0] as UploadedFile)], shipping: required });
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(201);
    expect(drafted.body.order.shipping).toEqual({ ...required, line2: '', region: '', postalCode: '', phone: '' });
    const changed = await photographer.json<{ order: { shipping: Record<string, string> } }>('PATCH', `/api/print-orders/${drafted.body.order.id}`, { shipping: { ...required, region: 'Tyrol' } });
    expect([changed.status, changed.body.order.shipping.region]).toEqual([200, 'Tyrol']);
  });

  it('refuses bad orders with stable codes', async () => {
    const first = files[0] as UploadedFile;
    const post = (body: Record<string, unknown>) => photographer.json('POST', '/api/print-orders', { labId: lab.id, lines: [line(first)], shipping, ...body });
    expect(outcomeOf(await post({ lines: [line(first, { sku: 'NOPE' })] }))).toBe('400 product_not_offered');
    expect(outcomeOf(await post({ lines: [line(first, { finish: 'glossy' })] }))).toBe('400 finish_not_offered');
    expect(outcomeOf(await post({ lines: [line(first, { finish: null })] }))).toBe('400 finish_not_offered');
    expect(outcomeOf(await post({ lines: [line(first, { quantity: 0 })] }))).toBe('400 validation_failed');
    expect(outcomeOf(await post({ lines: [] }))).toBe('400 validation_failed');
    expect(outcomeOf(await post({ lines: [line(otherFile)] }))).toBe('404 file_not_found');
    expect(outcomeOf(await post({ lines: [line(first, { fileId: missing })] }))).toBe('404 file_not_found');
    expect(outcomeOf(await post({ dueDate: '2027-02-30' }))).toBe('400 due_date_invalid');
    expect(outcomeOf(await post({ shipping: { ...shipping, recipientName: ' ' } }))).toBe('400 shipping_incomplete');
    expect(outcomeOf(await post({ extra: true }))).toBe('400 validation_failed');
    expect(outcomeOf(await post({ albumId: missing }))).toBe('400 order_selection_invalid');
    expect(outcomeOf(await post({ lines: undefined, albumId: missing, albumLine: { sku: 'CANVAS-16x20', quantity: 1 } }))).toBe('404 album_not_found');
    expect(outcomeOf(await photographer.json('GET', '/api/print-orders/not-an-id'))).toBe('400 validation_failed');
    expect(outcomeOf(await photographer.json('GET', `/api/print-orders/${missing}`))).toBe('404 order_not_found');
  });

  it('lets only drafts change, and keeps other studios out', async () => {
    const order = await draft();
    const changed = await photographer.json<{ order: PrintOrderView }>('PATCH', `/api/print-orders/${order.id}`, { lines: [line(files[1] as UploadedFile, { quantity: 5 })], notes: 'Matte after all' });
    expect(changed.status).toBe(200);
    expect(changed.body.order).toMatchObject({ lineCount: 1, notes: 'Matte after all', shipping });
    for (const [method, path] of [
      ['GET', `/api/print-orders/${order.id}`],
      ['PATCH', `/api/print-orders/${order.id}`],
      ['POST', `/api/print-orders/${order.id}/submit`],
      ['POST', `/api/print-orders/${order.id}/cancel`],
    ] as const) {
      expect(outcomeOf(await other.json(method, path, method === 'PATCH' ? { notes: 'x' } : method === 'POST' ? {} : undefined)), `${method} ${path}`).toBe('404 order_not_found');
    }
    expect((await photographer.json('POST', `/api/print-orders/${order.id}/submit`)).status).toBe(200);
    expect(outcomeOf(await photographer.json('PATCH', `/api/print-orders/${order.id}`, { notes: 'late' }))).toBe('409 order_not_draft');
    expect(outcomeOf(await photographer.json('POST', `/api/print-orders/${order.id}/submit`))).toBe('409 order_not_draft');
  });

  it('sends a submitted order to the lab, which downloads its originals byte-exact and moves it to completed', async () => {
    const mails = (await server.outbox()).length;
    const order = await submitted();
    await waitForMail(server, lab.contactEmails[0] as string, /has sent Fine Prints a print order with 2 lines, due 2027-03-01/, { after: mails });
    const labClient = await signedInLab(server, lab, pin);

    const queue = await labClient.json<{ lab: { labId: string }; orders: Array<{ id: string; status: string }> }>('GET', '/api/lab/orders');
    expect(queue.body.lab.labId).toBe(lab.labId);
    expect(queue.body.orders.find((entry) => entry.id === order.id)?.status).toBe('submitted');
    const opened = await labClient.json<{ order: LabOrderView }>('GET', `/api/lab/orders/${order.id}`);
    expect(opened.status).toBe(200);
    expect(opened.body.order).toMatchObject({ filesAvailable: true, shipping, notes: 'Warm tones, please.' });
    expect(opened.body.order.files.map((file) => [file.name, file.sha256])).toEqual([
      ['bride.jpg', sha256(jpeg)],
      ['groom.png', sha256(second)],
    ]);

    const link = await labClient.json<{ url: string; expiresAt: string }>('POST', `/api/lab/orders/${order.id}/files/${files[0]?.id}/download-url`);
    expect(link.status).toBe(200);
    expect(link.body.url).toMatch(new RegExp(`^/api/lab/files/${order.id}/${files[0]?.id}\\?exp=\\d+&kv=[a-z0-9_-]+&sig=[A-Za-z0-9_-]{43}$`));
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000 + 1000);
    const download = await labClient.request('GET', link.body.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('bride.jpg');
    expect(sha256((await readFully(download)).bytes)).toBe(sha256(jpeg));
    const ranged = await labClient.request('GET', link.body.url, undefined, { range: 'bytes=0-9' });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer())).toEqual(jpeg.subarray(0, 10));

    const zip = await labClient.request('GET', `/api/lab/orders/${order.id}/zip`);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-type')).toBe('application/zip');
    const zipBytes = (await readFully(zip)).bytes;
    expect(zip.headers.get('content-length')).toBe(String(zipBytes.length));
    const entries = await readZip(zipBytes);
    expect(entries.map((entry) => entry.name)).toEqual(['bride.jpg', 'groom.png', 'SHA256SUMS.txt']);
    expect(entries[0]?.bytes.equals(jpeg)).toBe(true);
    expect(entries[1]?.bytes.equals(second)).toBe(true);
    expect(entries[2]?.bytes.toString()).toBe(`${sha256(jpeg)}  bride.jpg\n${sha256(second)}  groom.png\n`);

    expect(await setStatus(labClient, order.id, { status: 'shipped', carrier: 'DHL', trackingNumber: 'X1' })).toBe('409 order_status_transition_invalid');
    expect(await setStatus(labClient, order.id, { status: 'accepted' })).toBe('200');
    expect(await setStatus(labClient, order.id, { status: 'accepted' })).toBe('409 order_status_transition_invalid');
    expect(await setStatus(labClient, order.id, { status: 'in_production' })).toBe('200');
    expect(await setStatus(labClient, order.id, { status: 'shipped' })).toBe('400 tracking_required');
    expect(await setStatus(labClient, order.id, { status: 'submitted' })).toBe('400 validation_failed');
    const photographerMails = (await server.outbox()).length;
    expect(await setStatus(labClient, order.id, { status: 'shipped', carrier: 'DHL', trackingNumber: 'JD0146000' })).toBe('200');
    await waitForMail(server, photographerEmail, /has shipped your print order\.\s+DHL JD0146000/, { after: photographerMails });
    expect(outcomeOf(await photographer.json('POST', `/api/print-orders/${order.id}/cancel`))).toBe('409 order_status_transition_invalid');
    expect(await setStatus(labClient, order.id, { status: 'completed' })).toBe('200');
    expect(await setStatus(labClient, order.id, { status: 'accepted' })).toBe('409 order_status_transition_invalid');

    // The photographer sees the timeline, with the lab's actions.
    const seen = await photographer.json<{ order: PrintOrderView }>('GET', `/api/print-orders/${order.id}`);
    expect(seen.body.order).toMatchObject({ status: 'completed', carrier: 'DHL', trackingNumber: 'JD0146000' });
    expect(seen.body.order.events.map((event) => [event.kind, event.byLab])).toEqual([
      ['created', false],
      ['submitted', false],
      ['opened', true],
      ['file_downloaded', true],
      ['zip_downloaded', true],
      ['accepted', true],
      ['in_production', true],
      ['shipped', true],
      ['completed', true],
    ]);
    expect(seen.body.order.events.find((event) => event.kind === 'file_downloaded')?.fileName).toBe('bride.jpg');
    expect(seen.body.order.events.find((event) => event.kind === 'shipped')?.note).toBe('DHL JD0146000');
    const actions = await server.runtime.database.db.selectFrom('audit_events').select('action').where('details', 'like', `%${order.id}%`).execute();
    expect(new Set(actions.map((row) => row.action))).toEqual(
      new Set(['print_order.created', 'print_order.submitted', 'lab.order_opened', 'lab.file_downloaded', 'lab.zip_downloaded', 'lab.order_status_changed']),
    );

    // Within the grace after completion the files stay; after it they are gone.
    expect((await labClient.request('GET', link.body.url)).status).toBe(200);
    await server.runtime.database.db.updateTable('print_orders').set({ closed_at: Date.now() - 25 * 60 * 60_000 }).where('id', '=', order.id).execute();
    expect(await outcome(await labClient.request('GET', link.body.url))).toBe('410 order_files_unavailable');
    expect(await outcome(await labClient.request('GET', `/api/lab/orders/${order.id}/zip`))).toBe('410 order_files_unavailable');
    expect((await labClient.json<{ order: LabOrderView }>('GET', `/api/lab/orders/${order.id}`)).body.order).toMatchObject({ filesAvailable: false, files: [] });
  });

  it('rejects with a reason, and ends the lab’s access when the photographer cancels', async () => {
    const labClient = await signedInLab(server, lab, pin);
    const rejected = await submitted();
    expect(await setStatus(labClient, rejected.id, { status: 'rejected' })).toBe('400 reason_required');
    expect(await setStatus(labClient, rejected.id, { status: 'rejected', reason: 'Files too small for canvas' })).toBe('200');
    expect((await photographer.json<{ order: PrintOrderView }>('GET', `/api/print-orders/${rejected.id}`)).body.order.rejectReason).toBe('Files too small for canvas');

    const cancelled = await submitted();
    const link = await labClient.json<{ url: string }>('POST', `/api/lab/orders/${cancelled.id}/files/${files[0]?.id}/download-url`);
    expect((await photographer.json('POST', `/api/print-orders/${cancelled.id}/cancel`)).status).toBe(200);
    expect(await outcome(await labClient.request('GET', link.body.url))).toBe('410 order_files_unavailable');
    expect(outcomeOf(await labClient.json('POST', `/api/lab/orders/${cancelled.id}/files/${files[0]?.id}/download-url`))).toBe('410 order_files_unavailable');
    expect(await setStatus(labClient, cancelled.id, { status: 'accepted' })).toBe('409 order_status_transition_invalid');
  });

  it('confines a lab to its own orders, the files in them and the studios that enabled it', async () => {
    const order = await submitted();
    const draftOrder = await draft();
    const labClient = await signedInLab(server, lab, pin);
    const stranger = await signedInLab(server, otherLab.lab, otherLab.pin);
    // Another lab: the order does not exist for it, nor do its files.
    expect(outcomeOf(await stranger.json('GET', `/api/lab/orders/${order.id}`))).toBe('404 order_not_found');
    expect(outcomeOf(await stranger.json('POST', `/api/lab/orders/${order.id}/files/${files[0]?.id}/download-url`))).toBe('404 order_not_found');
    expect(await outcome(await stranger.request('GET', `/api/lab/orders/${order.id}/zip`))).toBe('404 order_not_found');
    expect(await setStatus(stranger, order.id, { status: 'accepted' })).toBe('404 order_not_found');
    expect((await stranger.json<{ orders: Array<{ id: string }> }>('GET', '/api/lab/orders')).body.orders.map((entry) => entry.id)).not.toContain(order.id);
    // Its own lab's link does not open with another lab's session (the signature names the lab).
    const link = await labClient.json<{ url: string }>('POST', `/api/lab/orders/${order.id}/files/${files[0]?.id}/download-url`);
    expect(await outcome(await stranger.request('GET', link.body.url))).toBe('403 signature_invalid');
    // Nor without a session at all.
    expect(await outcome(await fetch(`${server.url}${link.body.url}`))).toBe('401 lab_sign_in_required');
    // A draft is not sent yet; a file outside the order and another studio's file are 404.
    expect(outcomeOf(await labClient.json('GET', `/api/lab/orders/${draftOrder.id}`))).toBe('404 order_not_found');
    expect(outcomeOf(await labClient.json('POST', `/api/lab/orders/${order.id}/files/${otherFile.id}/download-url`))).toBe('404 file_not_found');
    expect(outcomeOf(await labClient.json('POST', `/api/lab/orders/${order.id}/files/${missing}/download-url`))).toBe('404 file_not_found');
    expect(outcomeOf(await labClient.json('GET', `/api/lab/orders/${missing}`))).toBe('404 order_not_found');
    expect(outcomeOf(await labClient.json('GET', '/api/lab/orders/not-an-id'))).toBe('400 validation_failed');
    expect(outcomeOf(await labClient.json('POST', `/api/lab/orders/${order.id}/status`, { status: 'accepted', extra: 1 }))).toBe('400 validation_failed');
    // A signed link for a file outside the order (forged with the server's own key) is still refused.
    const signer = createUrlSigner(server.runtime.keys);
    const forged = await signer.sign({ scope: `lab/${lab.id}/${order.id}`, fileId: otherFile.id, variant: 'original' }, Date.now() + 60_000);
    expect(await outcome(await labClient.request('GET', `/api/lab/files/${order.id}/${otherFile.id}?${signedQuery(forged)}`))).toBe('404 file_not_found');
    // An expired link is refused; a tampered one too.
    const expired = await signer.sign({ scope: `lab/${lab.id}/${order.id}`, fileId: files[0]?.id as string, variant: 'original' }, Date.now() - 1000);
    expect(await outcome(await labClient.request('GET', `/api/lab/files/${order.id}/${files[0]?.id}?${signedQuery(expired)}`))).toBe('403 signature_expired');
    expect(await outcome(await labClient.request('GET', link.body.url.replace(/exp=(\d+)/, (_, exp: string) => `exp=${Number(exp) + 60}`)))).toBe('403 signature_invalid');

    // The lab session reaches no studio route: the vault, deliveries, the photographer's orders.
    for (const path of ['/api/vault/files', `/api/vault/files/${files[0]?.id}`, '/api/deliveries', `/api/print-orders/${order.id}`, '/api/admin/labs']) {
      expect(outcomeOf(await labClient.json('GET', path)), path).toBe('401 not_signed_in');
    }

    // The admin turns the studio's portal off: its orders leave the lab's queue.
    await setStudioLabs(admin, studioId, [lab.id], false);
    expect((await labClient.json<{ orders: Array<{ id: string }> }>('GET', '/api/lab/orders')).body.orders.map((entry) => entry.id)).not.toContain(order.id);
    expect(outcomeOf(await labClient.json('GET', `/api/lab/orders/${order.id}`))).toBe('404 order_not_found');
    expect(await outcome(await labClient.request('GET', link.body.url))).toBe('404 order_not_found');
    expect(outcomeOf(await photographer.json('POST', `/api/print-orders/${draftOrder.id}/submit`))).toBe('404 lab_not_found');
    await setStudioLabs(admin, studioId, [lab.id]);
    expect((await labClient.json('GET', `/api/lab/orders/${order.id}`)).status).toBe(200);
  });
});
