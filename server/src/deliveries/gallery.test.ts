import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type DeliveryView, createDelivery, listEvents, openedVisitor, outcome, outcomeOf, readZip, setDeliveryRow } from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { createLab, signedInLab } from '../../test/labs.ts';
import { signedInMember } from '../../test/teams.ts';
import { type UploadedFile, fetchSigned, readFully, settled, uploaded } from '../../test/vault.ts';
import type { ClientDeliveryView, ClientFileView, ClientSetView } from './client-files.ts';
import { byCaptureTime, captureInstant } from './capture-order.ts';
import type { DeliverySetView } from './gallery.ts';

/**
 * The gallery a delivery becomes (docs/deliveries.md, "The gallery"): live edits the client
 * sees, the order by hand or by real capture time, sets, the cover, web-size downloads with a
 * watermark, and "view only" once the download limit is used up.
 */

interface Gallery {
  delivery: DeliveryView;
  files: Array<{ id: string; name: string }>;
  sets: DeliverySetView[];
}

interface ClientGallery {
  delivery: ClientDeliveryView;
  files: ClientFileView[];
  sets: ClientSetView[];
}

/** A JPEG taken at `at` (camera wall clock), with the camera's offset when given. */
async function takenAt(at: string, offset: string | null, shade: number): Promise<Buffer> {
  return sharp({ create: { width: 300, height: 200, channels: 3, background: { r: shade, g: 120, b: 200 - shade } } })
    .withExif({ IFD2: { DateTimeOriginal: at, ...(offset ? { OffsetTimeOriginal: offset } : {}) } })
    .jpeg()
    .toBuffer();
}

describe('capture order', () => {
  it('applies the camera’s offset, takes a wall clock without one as it stands, and falls back to the upload time', () => {
    expect(captureInstant('2024-06-01T14:00:00+02:00')).toBe(Date.UTC(2024, 5, 1, 12));
    expect(captureInstant('2024-06-01T14:00:00-05:30')).toBe(Date.UTC(2024, 5, 1, 19, 30));
    expect(captureInstant('2024-06-01T14:00:00')).toBe(Date.UTC(2024, 5, 1, 14));
    expect(captureInstant('not a time')).toBeNull();
    const files = [
      { id: 'c', name: 'c.jpg', capturedAt: '2024-06-01T15:00:00+02:00', uploadedAt: 0 },
      { id: 'a', name: 'a.jpg', capturedAt: '2024-06-01T08:30:00-05:00', uploadedAt: 0 },
      { id: 'b', name: 'b.jpg', capturedAt: null, uploadedAt: Date.UTC(2024, 5, 1, 12) },
    ];
    // 13:00Z, 13:30Z, 12:00Z.
    expect([...files].sort(byCaptureTime).map((file) => file.id)).toEqual(['b', 'c', 'a']);
  });
});

describe.each(databaseKinds())('the delivery gallery on %s', (database) => {
  let server: TestServer;
  let photographer: TestClient;
  let getting: UploadedFile;
  let ceremony: UploadedFile;
  let reception: UploadedFile;
  let late: UploadedFile;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    photographer = (await signedInClient(server, 'photographer', 'gallery')).client;
    // Uploaded out of order; the second camera ran on another zone's clock, with its offset recorded.
    reception = await settled(photographer, (await uploaded(photographer, await takenAt('2024:06:01 20:00:00', '+02:00', 30), { name: 'reception.jpg' })).id);
    getting = await settled(photographer, (await uploaded(photographer, await takenAt('2024:06:01 04:00:00', '-05:00', 90), { name: 'getting-ready.jpg' })).id);
    ceremony = await settled(photographer, (await uploaded(photographer, await takenAt('2024:06:01 15:00:00', '+02:00', 150), { name: 'ceremony.jpg' })).id);
    late = await settled(photographer, (await uploaded(photographer, await photo('jpeg', { width: 400, height: 600 }), { name: 'late.jpg' })).id);
  });
  afterAll(async () => server?.close());

  const edit = (method: string, path: string, body?: unknown) => photographer.json<Gallery>(method, path, body);
  const clientGallery = async (visitor: TestClient, token: string): Promise<ClientGallery> => {
    const answer = await visitor.json<ClientGallery>('GET', `/api/d/${token}/files`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };

  it('orders an album-like selection by real capture time, then by hand, by name, and back', async () => {
    const { delivery } = await createDelivery(photographer, { title: 'Order', fileIds: [reception.id, getting.id, ceremony.id], order: 'capturedAt' });
    const id = delivery.id;
    // 04:00-05:00 is 09:00Z; 15:00+02:00 is 13:00Z; 20:00+02:00 is 18:00Z.
    const first = await photographer.json<Gallery>('GET', `/api/deliveries/${id}`);
    expect(first.body.files.map((file) => file.name)).toEqual(['getting-ready.jpg', 'ceremony.jpg', 'reception.jpg']);

    const byHand = await edit('PUT', `/api/deliveries/${id}/order`, { fileIds: [reception.id, getting.id] });
    expect(byHand.status, JSON.stringify(byHand.body)).toBe(200);
    expect(byHand.body.files.map((file) => file.name)).toEqual(['reception.jpg', 'getting-ready.jpg', 'ceremony.jpg']);
    const byName = await edit('PUT', `/api/deliveries/${id}/order`, { sortBy: 'name' });
    expect(byName.body.files.map((file) => file.name)).toEqual(['ceremony.jpg', 'getting-ready.jpg', 'reception.jpg']);
    const byTime = await edit('PUT', `/api/deliveries/${id}/order`, { sortBy: 'capturedAt' });
    expect(byTime.body.files.map((file) => file.name)).toEqual(['getting-ready.jpg', 'ceremony.jpg', 'reception.jpg']);
    expect(outcomeOf(await edit('PUT', `/api/deliveries/${id}/order`, { fileIds: [late.id] }))).toBe('404 file_not_found');
    expect((await listEvents(photographer, id)).filter((event) => event.kind === 'reordered')).toHaveLength(3);
    // Files given by id keep the order given unless asked otherwise.
    const given = await createDelivery(photographer, { title: 'Given', fileIds: [reception.id, getting.id] });
    expect((await photographer.json<Gallery>('GET', `/api/deliveries/${given.delivery.id}`)).body.files.map((file) => file.id)).toEqual([reception.id, getting.id]);
  });

  it('adds a late photo to a live delivery and takes one out: the client sees both, the events name the files', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Live', fileIds: [getting.id, ceremony.id] });
    const visitor = await openedVisitor(server, access);
    expect((await clientGallery(visitor, token)).files.map((file) => file.id)).toEqual([getting.id, ceremony.id]);

    const added = await edit('POST', `/api/deliveries/${delivery.id}/files`, { fileIds: [late.id, ceremony.id] });
    expect(added.status, JSON.stringify(added.body)).toBe(200);
    expect(added.body.files.map((file) => file.id)).toEqual([getting.id, ceremony.id, late.id]);
    expect(added.body.delivery.fileCount).toBe(3);
    const seen = await clientGallery(visitor, token);
    expect(seen.files.map((file) => file.id)).toEqual([getting.id, ceremony.id, late.id]);
    expect(seen.delivery.fileCount).toBe(3);

    // A link the client holds stops working when its file leaves the delivery.
    const previewUrl = seen.files.find((file) => file.id === getting.id)?.previewUrl as string;
    expect((await fetchSigned(server, previewUrl)).status).toBe(200);
    const removed = await edit('POST', `/api/deliveries/${delivery.id}/files/remove`, { fileIds: [getting.id] });
    expect(removed.body.files.map((file) => file.id)).toEqual([ceremony.id, late.id]);
    expect((await clientGallery(visitor, token)).files.map((file) => file.id)).toEqual([ceremony.id, late.id]);
    expect(await outcome(await fetchSigned(server, previewUrl))).toBe('404 file_not_found');
    expect(outcomeOf(await edit('POST', `/api/deliveries/${delivery.id}/files/remove`, { fileIds: [getting.id] }))).toBe('404 file_not_found');

    const events = await listEvents(photographer, delivery.id);
    expect(events.filter((event) => event.kind === 'file_added').map((event) => event.fileName)).toEqual(['late.jpg']);
    expect(events.filter((event) => event.kind === 'file_removed').map((event) => event.fileName)).toEqual(['getting-ready.jpg']);
    // The photographer's edits carry no client.
    expect(events.filter((event) => event.kind.startsWith('file_a') || event.kind.startsWith('file_r')).every((event) => event.client === null)).toBe(true);

    // A trashed file cannot be added; a revoked delivery takes no edits.
    const trashed = await uploaded(photographer, await photo('jpeg', { width: 120, height: 90 }), { name: 'trashed.jpg' });
    expect((await photographer.request('DELETE', `/api/vault/files/${trashed.id}`)).status).toBeLessThan(300);
    expect(outcomeOf(await edit('POST', `/api/deliveries/${delivery.id}/files`, { fileIds: [trashed.id] }))).toBe('404 file_not_found');
    expect((await photographer.json('POST', `/api/deliveries/${delivery.id}/revoke`, {})).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', `/api/deliveries/${delivery.id}/files`, { fileIds: [getting.id] }],
      ['POST', `/api/deliveries/${delivery.id}/files/remove`, { fileIds: [late.id] }],
      ['PUT', `/api/deliveries/${delivery.id}/order`, { sortBy: 'name' }],
      ['POST', `/api/deliveries/${delivery.id}/sets`, { name: 'After' }],
    ] as const) {
      expect(outcomeOf(await edit(method, path, body)), path).toBe('409 delivery_revoked');
    }
  });

  it('keeps sets: created with files, renamed, moved, filled and emptied, deleted without losing a file; the client sees sections', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Sets', fileIds: [getting.id, ceremony.id, reception.id, late.id] });
    const id = delivery.id;
    const first = await edit('POST', `/api/deliveries/${id}/sets`, { name: 'Getting ready', fileIds: [getting.id] });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const second = await edit('POST', `/api/deliveries/${id}/sets`, { name: 'Ceremony & vows', fileIds: [ceremony.id, late.id] });
    const [gettingSet, ceremonySet] = second.body.sets as [DeliverySetView, DeliverySetView];
    expect(second.body.sets.map((set) => [set.name, set.fileIds])).toEqual([
      ['Getting ready', [getting.id]],
      ['Ceremony & vows', [ceremony.id, late.id]],
    ]);
    // A file is in one set at most: moving it takes it out of the other.
    const moved = await edit('PATCH', `/api/deliveries/${id}/sets/${gettingSet.id}`, { name: 'Preparations', fileIds: [late.id] });
    expect(moved.body.sets.map((set) => [set.name, set.fileIds])).toEqual([
      ['Preparations', [getting.id, late.id]],
      ['Ceremony & vows', [ceremony.id]],
    ]);
    const reordered = await edit('PATCH', `/api/deliveries/${id}/sets/${ceremonySet.id}`, { position: 0 });
    expect(reordered.body.sets.map((set) => set.name)).toEqual(['Ceremony & vows', 'Preparations']);
    const emptied = await edit('PATCH', `/api/deliveries/${id}/sets/${gettingSet.id}`, { removeFileIds: [late.id] });
    expect(emptied.body.sets.find((set) => set.id === gettingSet.id)?.fileIds).toEqual([getting.id]);
    expect(outcomeOf(await edit('PATCH', `/api/deliveries/${id}/sets/${gettingSet.id}`, { removeFileIds: [ceremony.id] }))).toBe('400 file_not_in_set');

    const visitor = await openedVisitor(server, access);
    const seen = await clientGallery(visitor, token);
    expect(seen.sets.map((set) => set.name)).toEqual(['Ceremony & vows', 'Preparations']);
    expect(Object.fromEntries(seen.files.map((file) => [file.name, file.setId]))).toEqual({
      'getting-ready.jpg': gettingSet.id,
      'ceremony.jpg': ceremonySet.id,
      'reception.jpg': null,
      'late.jpg': null,
    });

    const deleted = await edit('DELETE', `/api/deliveries/${id}/sets/${gettingSet.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.sets.map((set) => set.name)).toEqual(['Ceremony & vows']);
    expect(deleted.body.files).toHaveLength(4);
    expect((await clientGallery(visitor, token)).files.find((file) => file.id === getting.id)?.setId).toBeNull();
    expect(outcomeOf(await edit('DELETE', `/api/deliveries/${id}/sets/${gettingSet.id}`))).toBe('404 set_not_found');
    expect(outcomeOf(await edit('POST', `/api/deliveries/${id}/sets`, { name: 'Elsewhere', fileIds: [crypto.randomUUID()] }))).toBe('404 file_not_found');
    expect((await listEvents(photographer, id)).filter((event) => event.kind === 'sets_changed').length).toBe(6);
    // The set's name is sealed, not stored as written.
    const rows = await server.runtime.database.db.selectFrom('delivery_sets').select('name_sealed').where('delivery_id', '=', id).execute();
    expect(rows.every((row) => !row.name_sealed.includes('Ceremony'))).toBe(true);
  });

  it('opens on the chosen cover, with thumbhash placeholders and capture times', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Cover', fileIds: [getting.id, ceremony.id] });
    const visitor = await openedVisitor(server, access);
    expect((await clientGallery(visitor, token)).delivery.coverFileId).toBeNull();
    const patched = await photographer.json<{ delivery: DeliveryView }>('PATCH', `/api/deliveries/${delivery.id}`, { coverFileId: ceremony.id });
    expect(patched.body.delivery.coverFileId).toBe(ceremony.id);
    const seen = await clientGallery(visitor, token);
    expect(seen.delivery).toMatchObject({ coverFileId: ceremony.id, title: 'Cover', viewOnly: false, watermarked: false });
    expect(seen.delivery.createdAt).toBe(delivery.createdAt);
    for (const file of seen.files) {
      expect(Buffer.from(file.thumbhash as string, 'base64').length).toBeGreaterThan(5);
    }
    expect(seen.files.find((file) => file.id === ceremony.id)?.capturedAt).toBe('2024-06-01T15:00:00+02:00');
    // Taking the cover out of the delivery drops it.
    await edit('POST', `/api/deliveries/${delivery.id}/files/remove`, { fileIds: [ceremony.id] });
    expect((await clientGallery(visitor, token)).delivery.coverFileId).toBeNull();
    expect(outcomeOf(await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { coverFileId: ceremony.id }))).toBe('400 cover_not_in_delivery');
  });

  it('gives a web-size JPEG on request, watermarked with the previews when the delivery says so, never the original', async () => {
    const big = await settled(photographer, (await uploaded(photographer, await photo('jpeg', { width: 3000, height: 2000 }), { name: 'wide.jpg' })).id);
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Web', fileIds: [big.id] });
    const visitor = await openedVisitor(server, access);
    const link = async (size: string | undefined) => visitor.json<{ url: string }>('POST', `/api/d/${token}/files/${big.id}/download-url`, size ? { size } : {});
    const web = await link('web');
    expect(web.status, JSON.stringify(web.body)).toBe(200);
    expect(web.body.url).toContain(`/${big.id}/web?as=download&`);
    const response = await fetchSigned(server, web.body.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-disposition')).toContain('attachment; filename="wide-web.jpg"');
    const plain = (await readFully(response)).bytes;
    expect(await sharp(plain).metadata()).toMatchObject({ format: 'jpeg', width: 2048, height: 1365 });
    expect((await sharp(plain).metadata()).exif).toBeUndefined();
    const original = await link('original');
    expect(original.body.url).toContain('/original?');
    expect((await photographer.json<Gallery>('GET', `/api/deliveries/${delivery.id}`)).body.delivery.downloadCount).toBe(2);
    // The web link cannot be bent to the original.
    expect(await outcome(await fetchSigned(server, web.body.url.replace('/web?', '/original?')))).toBe('403 signature_invalid');

    const watermark = { text: 'Studio Lumière', position: 'bottom-right', opacity: 0.6 };
    const marked = await photographer.json<{ delivery: DeliveryView }>('PATCH', `/api/deliveries/${delivery.id}`, { watermark });
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect(marked.body.delivery.watermark).toEqual(watermark);
    const again = (await readFully(await fetchSigned(server, (await link('web')).body.url))).bytes;
    expect(again.equals(plain)).toBe(false);
    const meta = await sharp(again).metadata();
    expect([meta.width, meta.height]).toEqual([2048, 1365]);
    // The watermark is in the bottom-right corner: the top-left is as before.
    const region = async (bytes: Buffer, left: number, top: number) => sharp(bytes).extract({ left, top, width: 400, height: 120 }).raw().toBuffer();
    const largestChange = async (left: number, top: number) => {
      const [a, b] = [await region(plain, left, top), await region(again, left, top)];
      return a.reduce((largest, value, index) => Math.max(largest, Math.abs(value - (b[index] as number))), 0);
    };
    expect(await largestChange(1600, 1200)).toBeGreaterThan(80);
    expect(await largestChange(0, 0)).toBeLessThan(40);
    // The gallery's preview carries it too; the original never does.
    const seen = await clientGallery(visitor, token);
    expect(seen.delivery.watermarked).toBe(true);
    const preview = await fetchSigned(server, seen.files[0]?.previewUrl as string);
    expect(preview.headers.get('content-type')).toBe('image/webp');
    expect(preview.headers.get('content-disposition')).toContain('inline');
    const originalBytes = (await readFully(await fetchSigned(server, (await link('original')).body.url))).bytes;
    expect(originalBytes.length).toBe(big.size);

    // Without originals, "original" is refused and web size still given.
    await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { allowOriginals: false, watermark: null });
    expect(outcomeOf(await link('original'))).toBe('403 originals_not_offered');
    expect((await link('web')).status).toBe(200);
  });

  it('never zips the unwatermarked previews of a watermarked delivery: its "download all" is refused, like every path that would bypass the mark', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Proofs', fileIds: [getting.id, ceremony.id], allowOriginals: false });
    const visitor = await openedVisitor(server, access);
    // Before the watermark: the ZIP holds the stored previews.
    const plainZip = await readFully(await visitor.request('GET', `/api/d/${token}/zip`));
    expect(plainZip.complete).toBe(true);
    const plainPreviews = (await readZip(plainZip.bytes)).filter((entry) => entry.name.endsWith('.webp'));
    expect(plainPreviews).toHaveLength(2);

    await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { watermark: { text: 'PROOF', position: 'center', opacity: 1 } });
    const downloadsBefore = (await edit('GET', `/api/deliveries/${delivery.id}`)).body.delivery.downloadCount;
    // The single download is the watermarked preview, not the stored one...
    const link = await visitor.json<{ url: string }>('POST', `/api/d/${token}/files/${getting.id}/download-url`, {});
    const single = (await readFully(await fetchSigned(server, link.body.url))).bytes;
    expect(plainPreviews.some((entry) => entry.bytes.equals(single))).toBe(false);
    // ...so there is no ZIP of the stored ones: refused (HEAD too), not counted, and not offered in the gallery.
    expect((await clientGallery(visitor, token)).delivery).toMatchObject({ watermarked: true, allowZip: false });
    expect(await outcome(await visitor.request('GET', `/api/d/${token}/zip`))).toBe('403 zip_not_offered_watermarked');
    expect((await visitor.request('HEAD', `/api/d/${token}/zip`)).status).toBe(403);
    expect((await edit('GET', `/api/deliveries/${delivery.id}`)).body.delivery.downloadCount).toBe(downloadsBefore + 1);

    // With originals offered the downloads are the originals (never watermarked), one by one and zipped alike.
    await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { allowOriginals: true });
    expect((await clientGallery(visitor, token)).delivery.allowZip).toBe(true);
    const originals = await readFully(await visitor.request('GET', `/api/d/${token}/zip`));
    expect(originals.complete).toBe(true);
    expect((await readZip(originals.bytes)).map((entry) => entry.name)).toEqual(['getting-ready.jpg', 'ceremony.jpg', 'SHA256SUMS.txt']);
  });

  it('stays viewable once the download limit is used up: view only, no more downloads', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Limited', fileIds: [getting.id, ceremony.id], downloadLimit: 1 });
    const visitor = await openedVisitor(server, access);
    expect((await visitor.json('POST', `/api/d/${token}/files/${getting.id}/download-url`, { size: 'web' })).status).toBe(200);
    const seen = await clientGallery(visitor, token);
    expect(seen.delivery).toMatchObject({ downloadsLeft: 0, viewOnly: true });
    expect(seen.files).toHaveLength(2);
    expect((await fetchSigned(server, seen.files[1]?.previewUrl as string)).status).toBe(200);
    expect((await fetchSigned(server, seen.files[1]?.thumbnailUrl as string)).status).toBe(200);
    expect(outcomeOf(await visitor.json('POST', `/api/d/${token}/files/${ceremony.id}/download-url`, { size: 'web' }))).toBe('410 delivery_exhausted');
    expect(await outcome(await visitor.request('GET', `/api/d/${token}/zip`))).toBe('410 delivery_exhausted');
    // A new visitor with the code gets in too, to view.
    const another = await openedVisitor(server, access);
    expect((await clientGallery(another, token)).delivery.viewOnly).toBe(true);
    // Expiry still ends it.
    await setDeliveryRow(server, delivery.id, { expires_at: Date.now() - 1000 });
    expect(outcomeOf(await visitor.json('GET', `/api/d/${token}/files`))).toBe('410 delivery_expired');
  });

  it('lets no one else edit a gallery: anonymous, another studio, a viewer, an account without a studio, a lab, a client of this or another delivery; an editor may', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Guarded', fileIds: [getting.id] });
    const set = (await edit('POST', `/api/deliveries/${delivery.id}/sets`, { name: 'Mine', fileIds: [getting.id] })).body.sets[0] as DeliverySetView;
    const other = await signedInClient(server, 'photographer', 'other-gallery');
    const otherFile = await uploaded(other.client, await photo('jpeg', { width: 100, height: 80 }), { name: 'other.jpg' });
    const otherDelivery = await createDelivery(other.client, { title: 'Other', fileIds: [otherFile.id] });
    const { client: admin } = await signedInAdmin(server);
    const { lab, pin } = await createLab(admin);
    const callers: Record<string, [TestClient, string]> = {
      anonymous: [new TestClient(server, { ip: '203.0.113.40' }), '401 not_signed_in'],
      'other studio': [other.client, '404 delivery_not_found'],
      'no studio': [admin, '403 studio_required'],
      'viewer of this studio': [(await signedInMember(server, photographer, 'viewer')).client, '403 studio_role_forbidden'],
      lab: [await signedInLab(server, lab, pin), '401 not_signed_in'],
      'this delivery’s client': [await openedVisitor(server, access), '401 not_signed_in'],
      'another delivery’s client': [await openedVisitor(server, otherDelivery.access), '401 not_signed_in'],
    };
    const calls: Array<[string, string, unknown]> = [
      ['POST', `/api/deliveries/${delivery.id}/files`, { fileIds: [late.id] }],
      ['POST', `/api/deliveries/${delivery.id}/files/remove`, { fileIds: [getting.id] }],
      ['PUT', `/api/deliveries/${delivery.id}/order`, { sortBy: 'name' }],
      ['POST', `/api/deliveries/${delivery.id}/sets`, { name: 'Theirs' }],
      ['PATCH', `/api/deliveries/${delivery.id}/sets/${set.id}`, { name: 'Theirs' }],
      ['DELETE', `/api/deliveries/${delivery.id}/sets/${set.id}`, undefined],
    ];
    const seen: string[] = [];
    for (const [who, [caller, expected]] of Object.entries(callers)) {
      for (const [method, path, body] of calls) {
        const got = await outcome(await caller.request(method, path, body));
        if (got !== expected) seen.push(`${who}: ${method} ${path} → ${got} (expected ${expected})`);
      }
    }
    expect(seen).toEqual([]);
    // Nothing changed.
    const after = (await photographer.json<Gallery>('GET', `/api/deliveries/${delivery.id}`)).body;
    expect(after.files.map((file) => file.id)).toEqual([getting.id]);
    expect(after.sets.map((each) => [each.name, each.fileIds])).toEqual([['Mine', [getting.id]]]);
    // An editor of the studio may.
    const { client: editor } = await signedInMember(server, photographer, 'editor');
    expect(outcomeOf(await editor.json('PUT', `/api/deliveries/${delivery.id}/order`, { sortBy: 'name' }))).toBe('200');
    // The other studio cannot add its own file to this delivery, nor this studio's file to its own.
    expect(outcomeOf(await other.client.json('POST', `/api/deliveries/${otherDelivery.delivery.id}/files`, { fileIds: [late.id] }))).toBe('404 file_not_found');
    // A client asking for a file of another delivery through this one's session.
    const visitor = callers['this delivery’s client']?.[0] as TestClient;
    expect(outcomeOf(await visitor.json('POST', `/api/d/${token}/files/${otherFile.id}/download-url`, { size: 'web' }))).toBe('404 file_not_found');
  });
});
