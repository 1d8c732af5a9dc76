import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, uniqueEmail } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import type { ErrorBody } from '../http/errors.ts';
import {
  type DeliveryView,
  clientDownloadUrl,
  clientFor,
  createDelivery,
  getDelivery,
  listEvents,
  listFiles,
  mailsTo,
  openWithCode,
  openedVisitor,
  outcome,
  outcomeOf,
  setDeliveryRow,
  tokenOf,
  waitForMails,
} from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { type UploadedFile, fetchSigned, readFully, uploaded } from '../../test/vault.ts';

/**
 * The photographer's side of deliveries (docs/deliveries.md): making one from files or an
 * album, what is refused, the list, edits, revoking, a new code, resending, the activity log,
 * and the emails that carry the link and the code apart.
 */

const DAY_MS = 24 * 60 * 60_000;

describe.each(databaseKinds())('delivery lifecycle on %s', (database) => {
  let server: TestServer;
  let photographer: TestClient;
  let photographerEmail: string;
  let other: TestClient;
  let jpeg: Buffer;
  let files: UploadedFile[];
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    const signedIn = await signedInClient(server, 'photographer', 'deliverer');
    photographer = signedIn.client;
    photographerEmail = signedIn.user.email;
    other = (await signedInClient(server, 'photographer', 'other-studio')).client;
    jpeg = await photo('jpeg', { width: 320, height: 240 });
    files = [];
    for (const name of ['first.jpg', 'second.jpg', 'third.jpg']) files.push(await uploaded(photographer, jpeg, { name }));
  });
  afterAll(async () => server?.close());

  const ids = (list: Array<{ id: string }>) => list.map((item) => item.id);
  const first = () => files[0] as UploadedFile;
  const second = () => files[1] as UploadedFile;
  const third = () => files[2] as UploadedFile;

  it('creates a delivery from files, in the order given, and shows link and code once', async () => {
    const before = Date.now();
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Wedding', fileIds: [third().id, first().id, third().id] });
    expect(access.url).toBe(`${server.url}/d/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(access.code).toMatch(/^[0-9]{8}$/);
    expect(delivery).toMatchObject({
      title: 'Wedding',
      message: '',
      recipients: [],
      status: 'active',
      revokedAt: null,
      lockedUntil: null,
      downloadLimit: null,
      downloadCount: 0,
      viewCount: 0,
      allowOriginals: true,
      allowZip: true,
      fileCount: 2,
      totalBytes: third().size + first().size,
      lastActivityAt: null,
    });
    const lifetime = Date.parse(delivery.expiresAt) - before;
    expect(lifetime).toBeGreaterThan(30 * DAY_MS - 60_000);
    expect(lifetime).toBeLessThanOrEqual(30 * DAY_MS + 60_000);

    const got = await getDelivery(photographer, delivery.id);
    expect(ids(got.files)).toEqual([third().id, first().id]);
    expect(got.delivery).toEqual(delivery);
    // Neither is shown again.
    expect(JSON.stringify(got)).not.toContain(token);
    expect(JSON.stringify(got)).not.toContain(access.code);

    const visitor = await openedVisitor(server, access);
    const listed = await listFiles(visitor, token);
    expect(listed.status).toBe(200);
    expect(ids(listed.body.files)).toEqual([third().id, first().id]);
    expect(listed.body.delivery).toMatchObject({ title: 'Wedding', fileCount: 2, totalBytes: third().size + first().size, downloadsLeft: null });
  });

  it('creates a delivery from an album: its files in upload order, not the trashed ones', async () => {
    const album = await photographer.json<{ album: { id: string } }>('POST', '/api/vault/albums', { name: 'Ceremony' });
    const albumId = album.body.album.id;
    const inAlbum: UploadedFile[] = [];
    for (const name of ['z-first.jpg', 'a-second.jpg', 'm-third.jpg', 'trashed.jpg']) inAlbum.push(await uploaded(photographer, jpeg, { name, albumId }));
    const trashed = inAlbum.pop() as UploadedFile;
    expect((await photographer.request('DELETE', `/api/vault/files/${trashed.id}`)).status).toBe(204);

    const { delivery } = await createDelivery(photographer, { title: 'Ceremony', albumId });
    expect(delivery.fileCount).toBe(3);
    expect(ids((await getDelivery(photographer, delivery.id)).files)).toEqual(ids(inAlbum));
    // A file added to the album later is not in the delivery.
    await uploaded(photographer, jpeg, { name: 'later.jpg', albumId });
    expect((await getDelivery(photographer, delivery.id)).delivery.fileCount).toBe(3);
  });

  it('refuses what it cannot deliver, with a stable code', async () => {
    const emptyAlbum = (await photographer.json<{ album: { id: string } }>('POST', '/api/vault/albums', { name: 'Empty' })).body.album.id;
    const theirs = await uploaded(other, jpeg, { name: 'theirs.jpg' });
    const theirAlbum = (await other.json<{ album: { id: string } }>('POST', '/api/vault/albums', { name: 'Theirs' })).body.album.id;
    const trashed = await uploaded(photographer, jpeg, { name: 'bin.jpg' });
    expect((await photographer.request('DELETE', `/api/vault/files/${trashed.id}`)).status).toBe(204);
    const now = Date.now();
    const fileIds = [first().id];
    const cases: Array<[body: Record<string, unknown>, expected: string]> = [
      [{ title: 'Both', fileIds, albumId: emptyAlbum }, '400 files_required'],
      [{ title: 'Neither' }, '400 files_required'],
      [{ title: 'Unknown', fileIds, password: 'x' }, '400 validation_failed'],
      [{ title: 'Bad email', fileIds, recipients: ['not-an-email'] }, '400 validation_failed'],
      [{ title: 'No files', fileIds: [] }, '400 validation_failed'],
      [{ title: 'Not an id', fileIds: ['nope'] }, '400 validation_failed'],
      [{ title: '', fileIds }, '400 validation_failed'],
      [{ title: '  \u202e  ', fileIds }, '400 title_required'],
      [{ title: 'Zero limit', fileIds, downloadLimit: 0 }, '400 validation_failed'],
      [{ title: 'Not a date', fileIds, expiresAt: 'tomorrow' }, '400 validation_failed'],
      [{ title: 'Past', fileIds, expiresAt: new Date(now - DAY_MS).toISOString() }, '400 invalid_expiry'],
      [{ title: 'Now', fileIds, expiresAt: new Date(now + 5_000).toISOString() }, '400 invalid_expiry'],
      [{ title: 'Too far', fileIds, expiresAt: new Date(now + 366 * DAY_MS).toISOString() }, '400 invalid_expiry'],
      [{ title: 'Trashed', fileIds: [first().id, trashed.id] }, '404 file_not_found'],
      [{ title: 'Theirs', fileIds: [first().id, theirs.id] }, '404 file_not_found'],
      [{ title: 'Unknown id', fileIds: ['00000000-0000-4000-8000-000000000000'] }, '404 file_not_found'],
      [{ title: 'Empty', albumId: emptyAlbum }, '400 album_empty'],
      [{ title: 'Their album', albumId: theirAlbum }, '404 album_not_found'],
    ];
    const before = (await photographer.json<{ deliveries: DeliveryView[] }>('GET', '/api/deliveries')).body.deliveries.length;
    for (const [body, expected] of cases) {
      expect(outcomeOf(await photographer.json('POST', '/api/deliveries', body)), JSON.stringify(body)).toBe(expected);
    }
    expect((await photographer.json<{ deliveries: DeliveryView[] }>('GET', '/api/deliveries')).body.deliveries).toHaveLength(before);
    // At the edge: just under a year ahead is fine, and kept to the millisecond.
    const yearAhead = new Date(Date.now() + 364 * DAY_MS).toISOString();
    expect((await createDelivery(photographer, { title: 'A year', fileIds, expiresAt: yearAhead })).delivery.expiresAt).toBe(yearAhead);
  });

  it('lists the studio’s deliveries newest first, with status, file count and bytes', async () => {
    const older = await createDelivery(photographer, { title: 'Older', fileIds: [first().id] });
    const newer = await createDelivery(photographer, { title: 'Newer', fileIds: [first().id, second().id], downloadLimit: 3, allowZip: false });
    const list = (await photographer.json<{ deliveries: DeliveryView[] }>('GET', '/api/deliveries')).body.deliveries;
    expect(ids(list).indexOf(newer.delivery.id)).toBeLessThan(ids(list).indexOf(older.delivery.id));
    expect(list[0]).toEqual(newer.delivery);
    expect(list.find((item) => item.id === newer.delivery.id)).toMatchObject({
      status: 'active',
      fileCount: 2,
      totalBytes: first().size + second().size,
      downloadLimit: 3,
      allowZip: false,
      allowOriginals: true,
    });
    for (let index = 1; index < list.length; index++) {
      expect(Date.parse((list[index - 1] as DeliveryView).createdAt)).toBeGreaterThanOrEqual(Date.parse((list[index] as DeliveryView).createdAt));
    }
    // Trashing a file takes it out of the delivery's count, and out of the client's view.
    const spare = await uploaded(photographer, jpeg, { name: 'spare.jpg' });
    const withSpare = await createDelivery(photographer, { title: 'With spare', fileIds: [first().id, spare.id] });
    const visitor = await openedVisitor(server, withSpare.access);
    // The vault learns from the deliveries where the file is shown, and refuses until the photographer confirms.
    const uses = await photographer.json<{ uses: Array<{ kind: string; id: string; title: string; fileIds: string[] }> }>('POST', '/api/vault/files/uses', {
      fileIds: [spare.id, crypto.randomUUID()],
    });
    expect(uses.status).toBe(200);
    expect(uses.body.uses).toEqual([{ kind: 'delivery', id: withSpare.delivery.id, title: 'With spare', fileIds: [spare.id] }]);
    const refused = await photographer.json<ErrorBody>('DELETE', `/api/vault/files/${spare.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('file_in_live_delivery');
    expect(refused.body.error.message).toContain('“With spare”');
    expect(ids((await listFiles(visitor, withSpare.token)).body.files)).toEqual([first().id, spare.id]);
    expect(outcomeOf(await photographer.json('DELETE', `/api/vault/files/${spare.id}?confirm=yes`))).toBe('400 validation_failed');
    expect((await photographer.request('DELETE', `/api/vault/files/${spare.id}?confirm=true`)).status).toBe(204);
    // In the trash it is shown nowhere any more.
    expect((await photographer.json<{ uses: unknown[] }>('POST', '/api/vault/files/uses', { fileIds: [spare.id] })).body.uses).toEqual([]);
    expect((await getDelivery(photographer, withSpare.delivery.id)).delivery).toMatchObject({ fileCount: 1, totalBytes: first().size });
    expect(ids((await listFiles(visitor, withSpare.token)).body.files)).toEqual([first().id]);
    expect(outcomeOf(await visitor.json('POST', `/api/d/${withSpare.token}/files/${spare.id}/download-url`, {}))).toBe('404 file_not_found');
  });

  it('edits title, message (newlines kept), recipients, limit and offers; extending an expired delivery revives it', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Draft', message: 'Hi', fileIds: [first().id] });
    const patched = await photographer.json<{ delivery: DeliveryView }>('PATCH', `/api/deliveries/${delivery.id}`, {
      title: '  Final \u202eselection ',
      message: 'Dear Ann,\r\n\r\nHere they are.\nBest,\u0007 Jo',
      recipients: ['Ann@Example.com', 'ann@example.com', 'BOB@example.com'],
      downloadLimit: 10,
      allowZip: false,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.delivery).toMatchObject({
      id: delivery.id,
      title: 'Final selection',
      message: 'Dear Ann,\n\nHere they are.\nBest, Jo',
      recipients: ['ann@example.com', 'bob@example.com'],
      downloadLimit: 10,
      allowZip: false,
      allowOriginals: true,
      expiresAt: delivery.expiresAt,
      status: 'active',
    });
    expect((await getDelivery(photographer, delivery.id)).delivery).toEqual(patched.body.delivery);
    const visitor = await openedVisitor(server, access);
    expect((await listFiles(visitor, token)).body.delivery).toMatchObject({ title: 'Final selection', message: 'Dear Ann,\n\nHere they are.\nBest, Jo', downloadsLeft: 10, allowZip: false });
    expect(outcomeOf(await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, {}))).toBe('400 validation_failed');
    expect(outcomeOf(await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { fileIds: [second().id] }))).toBe('400 validation_failed');
    expect(outcomeOf(await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { expiresAt: new Date(Date.now() - 1000).toISOString() }))).toBe(
      '400 invalid_expiry',
    );

    await setDeliveryRow(server, delivery.id, { expires_at: Date.now() - 1000 });
    expect((await getDelivery(photographer, delivery.id)).delivery.status).toBe('expired');
    expect(outcomeOf(await listFiles(visitor, token))).toBe('410 delivery_expired');
    expect(outcomeOf(await openWithCode(clientFor(server), token, access.code))).toBe('410 delivery_expired');

    const until = new Date(Date.now() + 10 * DAY_MS).toISOString();
    const extended = await photographer.json<{ delivery: DeliveryView }>('PATCH', `/api/deliveries/${delivery.id}`, { expiresAt: until });
    expect(extended.status).toBe(200);
    expect(extended.body.delivery).toMatchObject({ status: 'active', expiresAt: until });
    expect((await openedVisitor(server, access)).cookies.size).toBe(1);
    expect((await listEvents(photographer, delivery.id)).filter((event) => event.kind === 'updated')).toHaveLength(2);
  });

  it('revokes: the client is shut out at once, and a revoked delivery cannot be changed', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'To revoke', fileIds: [first().id], recipients: [uniqueEmail('revoked')] });
    const visitor = await openedVisitor(server, access);
    const url = await clientDownloadUrl(visitor, token, first().id);
    const revoked = await photographer.json<{ delivery: DeliveryView }>('POST', `/api/deliveries/${delivery.id}/revoke`, {});
    expect(revoked.status).toBe(200);
    expect(revoked.body.delivery.status).toBe('revoked');
    expect(Date.parse(revoked.body.delivery.revokedAt as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(outcomeOf(await listFiles(visitor, token))).toBe('410 delivery_revoked');
    expect(await outcome(await fetchSigned(server, url))).toBe('410 delivery_revoked');
    expect(outcomeOf(await openWithCode(clientFor(server), token, access.code))).toBe('410 delivery_revoked');

    // Again: nothing changes.
    const again = await photographer.json<{ delivery: DeliveryView }>('POST', `/api/deliveries/${delivery.id}/revoke`, {});
    expect(again.body.delivery).toEqual(revoked.body.delivery);
    expect(outcomeOf(await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { title: 'Back' }))).toBe('409 delivery_revoked');
    expect(outcomeOf(await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { expiresAt: new Date(Date.now() + DAY_MS).toISOString() }))).toBe(
      '409 delivery_revoked',
    );
    expect(outcomeOf(await photographer.json('POST', `/api/deliveries/${delivery.id}/code`, {}))).toBe('409 delivery_revoked');
    expect(outcomeOf(await photographer.json('POST', `/api/deliveries/${delivery.id}/resend`, {}))).toBe('409 delivery_revoked');
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ status: 'revoked', title: 'To revoke' });
    expect((await listEvents(photographer, delivery.id)).filter((event) => event.kind === 'revoked')).toHaveLength(1);
  });

  it('issues a new code: the old one and every client session stop working', async () => {
    const recipient = uniqueEmail('regen');
    const { delivery, access, token } = await createDelivery(photographer, { title: 'New code', fileIds: [first().id], recipients: [recipient] });
    await waitForMails(server, recipient, /Your code/, 1);
    const visitor = await openedVisitor(server, access);
    expect((await listFiles(visitor, token)).status).toBe(200);

    const regenerated = await photographer.json<{ delivery: DeliveryView; code: string }>('POST', `/api/deliveries/${delivery.id}/code`, {});
    expect(regenerated.status).toBe(200);
    const { code } = regenerated.body;
    expect(code).toMatch(/^[0-9]{8}$/);
    expect(code).not.toBe(access.code);
    expect(outcomeOf(await listFiles(visitor, token))).toBe('401 delivery_code_required');
    expect(outcomeOf(await visitor.json('POST', `/api/d/${token}/files/${first().id}/download-url`, {}))).toBe('401 delivery_code_required');
    expect(outcomeOf(await openWithCode(clientFor(server), token, access.code))).toBe('401 delivery_code_incorrect');
    const reopened = await openedVisitor(server, { url: access.url, code });
    expect((await listFiles(reopened, token)).status).toBe(200);
    // Not emailed unless asked.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await mailsTo(server, recipient)).filter((mail) => mail.text.includes(code))).toHaveLength(0);

    const sent = await photographer.json<{ code: string }>('POST', `/api/deliveries/${delivery.id}/code`, { sendToRecipients: true });
    expect(sent.status).toBe(200);
    const mails = await waitForMails(server, recipient, new RegExp(sent.body.code));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.text).not.toContain(token);
    expect(outcomeOf(await photographer.json('POST', `/api/deliveries/${delivery.id}/code`, { other: true }))).toBe('400 validation_failed');
  });

  it('resends the same link and code by email: the family’s link keeps working, nobody is signed out', async () => {
    const bare = await createDelivery(photographer, { title: 'Nobody', fileIds: [first().id] });
    expect(outcomeOf(await photographer.json('POST', `/api/deliveries/${bare.delivery.id}/resend`, {}))).toBe('400 no_recipients');

    const [ann, bob] = [uniqueEmail('ann'), uniqueEmail('bob')];
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Resent', fileIds: [first().id], recipients: [ann, bob] });
    const oldVisitor = await openedVisitor(server, access);
    for (const to of [ann, bob]) await waitForMails(server, to, /Your code/, 1);

    const resent = await photographer.json<{ delivery: DeliveryView; access: { url: string; code: string } }>('POST', `/api/deliveries/${delivery.id}/resend`, {});
    expect(resent.status).toBe(200);
    expect(resent.body.access).toEqual(access);
    expect((await listFiles(oldVisitor, token)).status).toBe(200);
    expect((await listFiles(await openedVisitor(server, access), token)).body.files).toHaveLength(1);

    for (const to of [ann, bob]) {
      const links = await waitForMails(server, to, new RegExp(token), 2);
      const codes = await waitForMails(server, to, new RegExp(`\\b${access.code}\\b`), 2);
      expect(links).toHaveLength(2);
      expect(codes).toHaveLength(2);
      for (const mail of links) expect(`${mail.text}${mail.html}`).not.toContain(access.code);
      for (const mail of codes) expect(`${mail.text}${mail.html}`).not.toContain(token);
      expect((await mailsTo(server, to)).length).toBe(4);
    }
    expect((await listEvents(photographer, delivery.id)).map((event) => event.kind)).toContain('resent');
  });

  it('resends a delivery made before links were kept with a new link and code, the old link dead', async () => {
    const ann = uniqueEmail('legacy');
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Legacy', fileIds: [first().id], recipients: [ann] });
    await server.runtime.database.db.updateTable('deliveries').set({ access_sealed: null }).where('id', '=', delivery.id).execute();
    const resent = await photographer.json<{ access: { url: string; code: string } }>('POST', `/api/deliveries/${delivery.id}/resend`, {});
    expect(resent.status).toBe(200);
    const newToken = tokenOf(resent.body.access.url);
    expect(newToken).not.toBe(token);
    expect(outcomeOf(await openWithCode(clientFor(server), token, access.code))).toBe('404 delivery_not_found');
    expect((await listFiles(await openedVisitor(server, resent.body.access), newToken)).status).toBe(200);
    // From now on, both are kept.
    const shown = await photographer.json<{ access: { url: string; code: string } }>('GET', `/api/deliveries/${delivery.id}/access`);
    expect(shown.body.access).toEqual(resent.body.access);
  });

  it('accepts the body-less POSTs the web app sends (revoke, new code, resend, download link)', async () => {
    // web/src/api/client.ts: "endpoints that take no input get no body at all" (no Content-Type either).
    const { delivery, access, token } = await createDelivery(photographer, { title: 'No body', fileIds: [first().id], recipients: [uniqueEmail('nobody')] });
    const visitor = await openedVisitor(server, access);
    expect(outcomeOf(await visitor.json('POST', `/api/d/${token}/files/${first().id}/download-url`))).toBe('200');
    expect(outcomeOf(await photographer.json('POST', `/api/deliveries/${delivery.id}/code`))).toBe('200');
    expect(outcomeOf(await photographer.json('POST', `/api/deliveries/${delivery.id}/resend`))).toBe('200');
    expect(outcomeOf(await photographer.json('POST', `/api/deliveries/${delivery.id}/revoke`))).toBe('200');
  });

  it('sends link and code in two separate emails, neither secret in a subject', async () => {
    const [ann, bob] = [uniqueEmail('client-ann'), uniqueEmail('client-bob')];
    const { access, token } = await createDelivery(photographer, { title: 'Portraits', message: 'Enjoy!', fileIds: [first().id], recipients: [ann, bob] });
    for (const to of [ann, bob]) {
      const [link] = await waitForMails(server, to, new RegExp(token));
      const [code] = await waitForMails(server, to, new RegExp(`\\b${access.code}\\b`));
      expect((await mailsTo(server, to)).length).toBe(2);
      expect(link?.text).toContain(access.url);
      expect(link?.text).toContain('Enjoy!');
      expect(link?.text).not.toContain(access.code);
      expect(code?.text).not.toContain(token);
      for (const mail of [link, code]) {
        expect(mail?.subject).toBeTruthy();
        expect(mail?.subject).not.toContain(token);
        expect(mail?.subject).not.toContain(access.code);
      }
      expect(link?.subject).not.toBe(code?.subject);
    }
  });

  it('tells the photographer of the first download only — when its link is made — and of a lockout', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Notify me', fileIds: [first().id, second().id] });
    const visitor = await openedVisitor(server, access);
    const downloaded = /“Notify me” was downloaded/;
    // The first link made is the first download, fetched or not.
    const urls = [await clientDownloadUrl(visitor, token, first().id)];
    await waitForMails(server, photographerEmail, downloaded, 1);
    for (const file of [second(), first()]) urls.push(await clientDownloadUrl(visitor, token, file.id));
    for (const url of [...urls, ...urls]) {
      const response = await fetchSigned(server, url);
      expect(response.status).toBe(200);
      expect((await readFully(response)).complete).toBe(true);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await mailsTo(server, photographerEmail)).filter((mail) => downloaded.test(mail.subject))).toHaveLength(1);
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(3);

    // One network locked out tells nobody; the delivery locked for everyone (the ceiling) does.
    const wrongCode = access.code === '00000000' ? '11111111' : '00000000';
    for (let network = 0; network < 10; network++) {
      const guesser = clientFor(server);
      for (let attempt = 0; attempt < 5; attempt++) await openWithCode(guesser, token, wrongCode);
    }
    const [lockMail] = await waitForMails(server, photographerEmail, /“Notify me” was locked/, 1);
    expect(lockMail?.text).toContain(`/deliveries/${delivery.id}`);
    expect(lockMail?.text).not.toContain(access.code);
    expect(lockMail?.text).not.toContain(token);
  });

  it('logs what happened, newest first: the client’s device and network, never for the photographer’s own acts', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Activity', fileIds: [first().id, second().id] });
    const visitor = clientFor(server, '203.0.113.57');
    expect(outcomeOf(await openWithCode(visitor, token, access.code === '12345678' ? '87654321' : '12345678'))).toBe('401 delivery_code_incorrect');
    expect((await openWithCode(visitor, token, access.code)).status).toBe(200);
    // Through the visitor, so the download carries its address and browser.
    const file = await visitor.request('GET', await clientDownloadUrl(visitor, token, second().id));
    expect(file.status).toBe(200);
    await file.arrayBuffer();
    const zip = await visitor.request('GET', `/api/d/${token}/zip`);
    expect(zip.status).toBe(200);
    await zip.arrayBuffer();
    await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { title: 'Activity (edited)' });

    const events = await listEvents(photographer, delivery.id);
    expect(events.map((event) => event.kind).sort()).toEqual(['code_failed', 'created', 'file_downloaded', 'opened', 'updated', 'zip_downloaded']);
    expect(events[0]?.kind).toBe('updated');
    expect(events.at(-1)?.kind).toBe('created');
    for (let index = 1; index < events.length; index++) {
      expect(Date.parse((events[index - 1] as { at: string }).at)).toBeGreaterThanOrEqual(Date.parse((events[index] as { at: string }).at));
    }
    const byKind = Object.fromEntries(events.map((event) => [event.kind, event]));
    for (const kind of ['opened', 'code_failed', 'file_downloaded', 'zip_downloaded']) {
      expect(byKind[kind]?.client, kind).toEqual({ device: expect.stringContaining('Chrome'), place: 'Network 203.0.113.x' });
    }
    for (const kind of ['created', 'updated']) expect(byKind[kind]?.client, kind).toBeNull();
    expect(byKind.file_downloaded).toMatchObject({ fileId: second().id, fileName: 'second.jpg' });
    expect(byKind.zip_downloaded).toMatchObject({ fileId: null, fileName: null });
    expect(byKind.opened).toMatchObject({ fileId: null, fileName: null });

    const after = (await getDelivery(photographer, delivery.id)).delivery;
    expect(after).toMatchObject({ viewCount: 1, downloadCount: 2 });
    expect(Date.parse(after.lastActivityAt as string)).toBeGreaterThan(Date.parse(after.createdAt));
  });
});
