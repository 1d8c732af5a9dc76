import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, uniqueEmail } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import {
  DELIVERY_COOKIE,
  clientDownloadUrl,
  clientFor,
  createDelivery,
  deliveryRow,
  getDelivery,
  listEvents,
  listFiles,
  openWithCode,
  openedVisitor,
  outcome,
  outcomeOf,
  setDeliveryRow,
} from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { type UploadedFile, fetchSigned, readFully, settled, sha256, uploaded } from '../../test/vault.ts';

/**
 * The client's way in and what keeps it shut: the code and its lockout, the per-network
 * limit, secrets kept only as hashes, the session cookie, and a delivery that ends (revoked,
 * expired, its downloads spent) ending every way in at once, links already handed out included.
 */

/** A code that is not this one. */
const wrong = (code: string) => (code === '11111111' ? '22222222' : '11111111');

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe.each(databaseKinds())('delivery client access on %s', (database) => {
  let server: TestServer;
  let photographer: TestClient;
  let jpeg: Buffer;
  let files: UploadedFile[];
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    photographer = (await signedInClient(server, 'photographer', 'access')).client;
    jpeg = await photo('jpeg', { width: 400, height: 300 });
    files = [];
    for (const name of ['one.jpg', 'two.jpg']) {
      const file = await uploaded(photographer, jpeg, { name });
      files.push(await settled(photographer, file.id));
    }
  });
  afterAll(async () => server?.close());

  const fileIds = () => files.map((file) => file.id);
  const file = (index: number) => files[index] as UploadedFile;
  const retryAfter = (headers: Headers) => Number(headers.get('retry-after'));

  it('locks after five wrong codes, for 15 minutes, refusing even the right code; the lockout grows, and the right code resets it', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Locked', fileIds: fileIds() });
    const guesser = clientFor(server);
    for (let attempt = 1; attempt <= 4; attempt++) {
      const answer = await openWithCode(guesser, token, wrong(access.code));
      expect(outcomeOf(answer)).toBe('401 delivery_code_incorrect');
      expect(answer.body.error?.message).toContain(`${5 - attempt} attempt${attempt === 4 ? '' : 's'} left`);
      expect(guesser.cookies.has(DELIVERY_COOKIE)).toBe(false);
    }
    const locked = await openWithCode(guesser, token, wrong(access.code));
    expect(outcomeOf(locked)).toBe('423 delivery_locked');
    expect(retryAfter(locked.headers)).toBeGreaterThanOrEqual(895);
    expect(retryAfter(locked.headers)).toBeLessThanOrEqual(900);

    // The right code, from anywhere, waits too.
    const right = await openWithCode(clientFor(server), token, access.code);
    expect(outcomeOf(right)).toBe('423 delivery_locked');
    expect(retryAfter(right.headers)).toBeGreaterThan(880);
    expect(retryAfter(right.headers)).toBeLessThanOrEqual(900);
    const view = (await getDelivery(photographer, delivery.id)).delivery;
    expect(view.status).toBe('locked');
    expect(Date.parse(view.lockedUntil as string) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect((await listEvents(photographer, delivery.id)).filter((event) => event.kind === 'locked')).toHaveLength(1);

    // The lockout ends (moved into the past); five more wrong codes lock it for twice as long.
    await setDeliveryRow(server, delivery.id, { locked_until: Date.now() - 1000 });
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ status: 'active', lockedUntil: null });
    const second = clientFor(server);
    for (let attempt = 1; attempt <= 4; attempt++) expect(outcomeOf(await openWithCode(second, token, wrong(access.code)))).toBe('401 delivery_code_incorrect');
    const longer = await openWithCode(second, token, wrong(access.code));
    expect(outcomeOf(longer)).toBe('423 delivery_locked');
    expect(retryAfter(longer.headers)).toBeGreaterThanOrEqual(1795);
    expect(retryAfter(longer.headers)).toBeLessThanOrEqual(1800);
    expect((await deliveryRow(server, delivery.id)).lockouts).toBe(2);

    // Once it ends, the right code (as grouped in an email) opens it and forgets the history.
    await setDeliveryRow(server, delivery.id, { locked_until: Date.now() - 1000 });
    const client = clientFor(server);
    const opened = await openWithCode(client, token, `${access.code.slice(0, 4)} ${access.code.slice(4)}`);
    expect(outcomeOf(opened)).toBe('200');
    expect((await listFiles(client, token)).status).toBe(200);
    expect(await deliveryRow(server, delivery.id)).toMatchObject({ lockouts: 0, failed_attempts: 0 });
    const third = clientFor(server);
    for (let attempt = 1; attempt <= 4; attempt++) expect(outcomeOf(await openWithCode(third, token, wrong(access.code)))).toBe('401 delivery_code_incorrect');
    const again = await openWithCode(third, token, wrong(access.code));
    expect(outcomeOf(again)).toBe('423 delivery_locked');
    expect(retryAfter(again.headers)).toBeGreaterThanOrEqual(895);
    expect(retryAfter(again.headers)).toBeLessThanOrEqual(900);
    // A session started before the lockout is not ended by it.
    expect((await listFiles(client, token)).status).toBe(200);
  });

  it('lifts a lockout with a new code', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Unlock', fileIds: fileIds() });
    const guesser = clientFor(server);
    for (let attempt = 1; attempt <= 5; attempt++) await openWithCode(guesser, token, wrong(access.code));
    expect(outcomeOf(await openWithCode(clientFor(server), token, access.code))).toBe('423 delivery_locked');
    const regenerated = await photographer.json<{ code: string; delivery: { status: string; lockedUntil: string | null } }>('POST', `/api/deliveries/${delivery.id}/code`, {});
    expect(regenerated.body.delivery).toMatchObject({ status: 'active', lockedUntil: null });
    expect(outcomeOf(await openWithCode(clientFor(server), token, regenerated.body.code))).toBe('200');
  });

  it('lets the fifth attempt still be the right code', async () => {
    const { access, token } = await createDelivery(photographer, { title: 'Fifth', fileIds: fileIds() });
    const client = clientFor(server);
    for (let attempt = 1; attempt <= 4; attempt++) expect(outcomeOf(await openWithCode(client, token, wrong(access.code)))).toBe('401 delivery_code_incorrect');
    expect(outcomeOf(await openWithCode(client, token, `${access.code.slice(0, 4)}-${access.code.slice(4)}`))).toBe('200');
    expect((await listFiles(client, token)).status).toBe(200);
  });

  it('locks once for a burst of wrong codes in parallel', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Burst', fileIds: fileIds() });
    const answers = await Promise.all(Array.from({ length: 9 }, () => openWithCode(clientFor(server), token, wrong(access.code))));
    const outcomes = answers.map(outcomeOf).sort();
    expect(outcomes).toEqual([...Array(4).fill('401 delivery_code_incorrect'), ...Array(5).fill('423 delivery_locked')]);
    expect((await listEvents(photographer, delivery.id)).filter((event) => event.kind === 'locked')).toHaveLength(1);
    expect((await deliveryRow(server, delivery.id)).lockouts).toBe(1);
  });

  it('limits code attempts per network across deliveries (429 with Retry-After), and no other network', async () => {
    const deliveries = [];
    for (let index = 0; index < 5; index++) deliveries.push(await createDelivery(photographer, { title: `Spread ${index}`, fileIds: [file(0).id] }));
    const guesser = clientFor(server);
    for (const { token, access } of deliveries) {
      for (let attempt = 0; attempt < 4; attempt++) expect(outcomeOf(await openWithCode(guesser, token, wrong(access.code)))).toBe('401 delivery_code_incorrect');
    }
    const [target] = deliveries;
    if (!target) throw new Error('no delivery');
    const limited = await openWithCode(guesser, target.token, target.access.code);
    expect(outcomeOf(limited)).toBe('429 rate_limited');
    expect(retryAfter(limited.headers)).toBeGreaterThan(0);
    expect(retryAfter(limited.headers)).toBeLessThanOrEqual(900);
    // Unknown links cost the same budget: no probing for tokens either.
    expect(outcomeOf(await openWithCode(guesser, 'A'.repeat(43), '12345678'))).toBe('429 rate_limited');
    expect(guesser.cookies.has(DELIVERY_COOKIE)).toBe(false);
    expect(outcomeOf(await openWithCode(clientFor(server), target.token, target.access.code))).toBe('200');
  });

  it('stores neither the link token, the code nor the session token in clear', async () => {
    const recipient = uniqueEmail('secret-recipient');
    const title = `Secret title ${Math.random().toString(36).slice(2)}`;
    const { delivery, access, token } = await createDelivery(photographer, { title, message: 'A private message', fileIds: fileIds(), recipients: [recipient] });
    const visitor = clientFor(server);
    expect(outcomeOf(await openWithCode(visitor, token, wrong(access.code)))).toBe('401 delivery_code_incorrect');
    expect(outcomeOf(await openWithCode(visitor, token, access.code))).toBe('200');
    const session = visitor.cookies.get(DELIVERY_COOKIE) as string;
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const download = await visitor.request('GET', await clientDownloadUrl(visitor, token, file(0).id));
    expect(download.status).toBe(200);
    await download.arrayBuffer();
    await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { message: 'Edited' });

    const db = server.runtime.database.db;
    const row = await deliveryRow(server, delivery.id);
    expect(row.token_hash).toBe(sha256Hex(token));
    const sessions = await db.selectFrom('delivery_sessions').selectAll().where('delivery_id', '=', delivery.id).execute();
    expect(sessions.map((candidate) => candidate.token_hash)).toEqual([sha256Hex(session)]);

    const secrets = { token, code: access.code, session, title, recipient, message: 'A private message' };
    const tables = ['deliveries', 'delivery_files', 'delivery_sessions', 'delivery_events', 'audit_events'] as const;
    let scanned = 0;
    for (const table of tables) {
      const rows = (await db.selectFrom(table).selectAll().execute()) as Array<Record<string, unknown>>;
      for (const stored of rows) {
        for (const [column, value] of Object.entries(stored)) {
          if (typeof value !== 'string') continue;
          scanned += 1;
          for (const [name, secret] of Object.entries(secrets)) {
            if (table !== 'deliveries' && (name === 'title' || name === 'recipient' || name === 'message')) continue;
            expect(value.includes(secret), `${name} in ${table}.${column}`).toBe(false);
          }
        }
      }
    }
    expect(scanned).toBeGreaterThan(20);
  });

  it('answers 404 delivery_not_found for unknown and malformed tokens on every client route', async () => {
    const { token } = await createDelivery(photographer, { title: 'Real', fileIds: fileIds() });
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const tokens = [flipped, token.slice(0, -1), `${token}A`, 'A'.repeat(43), 'nope', '%E2%80%AE%00', 'a'.repeat(100), encodeURIComponent('tok en/../x'), `${token.slice(0, 42)}=`];
    for (const candidate of tokens) {
      const visitor = clientFor(server);
      const routes: Array<[string, string, unknown]> = [
        ['POST', `/api/d/${candidate}/open`, { code: '12345678' }],
        ['GET', `/api/d/${candidate}/files`, undefined],
        ['POST', `/api/d/${candidate}/files/${file(0).id}/download-url`, {}],
        ['GET', `/api/d/${candidate}/zip`, undefined],
      ];
      for (const [method, path, body] of routes) {
        expect(await outcome(await visitor.request(method, path, body)), `${method} ${path}`).toBe('404 delivery_not_found');
      }
    }
  });

  it('sets an HttpOnly, SameSite=Strict session cookie scoped to this delivery’s API, lasting the session', async () => {
    const { access, token } = await createDelivery(photographer, { title: 'Cookie', fileIds: fileIds() });
    const response = await clientFor(server).request('POST', `/api/d/${token}/open`, { code: access.code });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const cookies = response.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const [cookie = ''] = cookies;
    const attributes = cookie.split(';').map((part) => part.trim().toLowerCase());
    expect(cookie).toMatch(new RegExp(`^${DELIVERY_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain(`path=/api/d/${token}`.toLowerCase());
    expect(cookie).toContain(`Path=/api/d/${token}`);
    expect(attributes).toContain('max-age=3600');
    expect(attributes.some((attribute) => attribute.startsWith('domain='))).toBe(false);
    expect(cookie).not.toContain(access.code);
  });

  it('ends the session cookie no later than the delivery', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Short', fileIds: fileIds() });
    await setDeliveryRow(server, delivery.id, { expires_at: Date.now() + 10 * 60_000 });
    const response = await clientFor(server).request('POST', `/api/d/${token}/open`, { code: access.code });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const maxAge = Number(/max-age=(\d+)/i.exec(response.headers.getSetCookie()[0] ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(590);
    expect(maxAge).toBeLessThanOrEqual(600);
  });

  it('keeps a session to its own delivery: another delivery’s cookie opens nothing', async () => {
    const a = await createDelivery(photographer, { title: 'A', fileIds: [file(0).id] });
    const b = await createDelivery(photographer, { title: 'B', fileIds: [file(1).id] });
    const visitor = await openedVisitor(server, a.access);
    expect((await listFiles(visitor, a.token)).status).toBe(200);
    const listed = await listFiles(visitor, b.token);
    expect(outcomeOf(listed)).toBe('401 delivery_code_required');
    expect(JSON.stringify(listed.body)).not.toContain(file(1).id);
    expect(outcomeOf(await visitor.json('POST', `/api/d/${b.token}/files/${file(1).id}/download-url`, {}))).toBe('401 delivery_code_required');
    expect(await outcome(await visitor.request('GET', `/api/d/${b.token}/zip`))).toBe('401 delivery_code_required');
    // A made-up cookie is no session either.
    const forger = clientFor(server);
    forger.cookies.set(DELIVERY_COOKIE, 'A'.repeat(43));
    expect(outcomeOf(await listFiles(forger, a.token))).toBe('401 delivery_code_required');
    forger.cookies.set(DELIVERY_COOKIE, 'x'.repeat(5000));
    expect(outcomeOf(await listFiles(forger, a.token))).toBe('401 delivery_code_required');
  });

  for (const ending of ['revoked', 'expired'] as const) {
    it(`ends every way in at once when the delivery is ${ending}, links already handed out included`, async () => {
      const { delivery, access, token } = await createDelivery(photographer, { title: `Soon ${ending}`, fileIds: fileIds() });
      const visitor = await openedVisitor(server, access);
      const listed = await listFiles(visitor, token);
      expect(listed.status).toBe(200);
      const [listedFile] = listed.body.files;
      expect(listedFile?.thumbnailUrl).toBeTruthy();
      expect(listedFile?.previewUrl).toBeTruthy();
      const downloadUrl = await clientDownloadUrl(visitor, token, file(0).id);
      const thumbnail = await fetchSigned(server, listedFile?.thumbnailUrl as string);
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get('content-type')).toBe('image/webp');
      await thumbnail.arrayBuffer();

      if (ending === 'revoked') expect((await photographer.json('POST', `/api/deliveries/${delivery.id}/revoke`, {})).status).toBe(200);
      else await setDeliveryRow(server, delivery.id, { expires_at: Date.now() - 1000 });

      const expected = `410 delivery_${ending}`;
      expect(outcomeOf(await listFiles(visitor, token))).toBe(expected);
      expect(outcomeOf(await visitor.json('POST', `/api/d/${token}/files/${file(0).id}/download-url`, {}))).toBe(expected);
      expect(await outcome(await visitor.request('GET', `/api/d/${token}/zip`))).toBe(expected);
      expect(await outcome(await fetchSigned(server, downloadUrl))).toBe(expected);
      expect(await outcome(await fetchSigned(server, downloadUrl, { range: 'bytes=100-' }))).toBe(expected);
      expect(await outcome(await fetchSigned(server, listedFile?.thumbnailUrl as string))).toBe(expected);
      expect(await outcome(await fetchSigned(server, listedFile?.previewUrl as string))).toBe(expected);
      expect(outcomeOf(await openWithCode(clientFor(server), token, access.code))).toBe(expected);
      expect((await getDelivery(photographer, delivery.id)).delivery.status).toBe(ending);
    });
  }

  it('counts downloads against the limit: a resumed range is not a new one, the third is refused', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Twice', fileIds: fileIds(), downloadLimit: 2 });
    const visitor = await openedVisitor(server, access);
    const firstUrl = await clientDownloadUrl(visitor, token, file(0).id);
    const whole = await fetchSigned(server, firstUrl);
    expect(whole.status).toBe(200);
    expect(sha256((await readFully(whole)).bytes)).toBe(sha256(jpeg));
    const resumed = await fetchSigned(server, firstUrl, { range: 'bytes=100-' });
    expect(resumed.status).toBe(206);
    expect(Buffer.from(await resumed.arrayBuffer()).equals(jpeg.subarray(100))).toBe(true);
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ downloadCount: 1, status: 'active' });
    expect((await listFiles(visitor, token)).body.delivery?.downloadsLeft).toBe(1);

    const second = await fetchSigned(server, await clientDownloadUrl(visitor, token, file(1).id));
    expect(second.status).toBe(200);
    await second.arrayBuffer();
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ downloadCount: 2, status: 'exhausted' });
    expect(await outcome(await fetchSigned(server, firstUrl))).toBe('410 delivery_exhausted');
    expect(outcomeOf(await visitor.json('POST', `/api/d/${token}/files/${file(0).id}/download-url`, {}))).toBe('410 delivery_exhausted');
    expect(outcomeOf(await listFiles(visitor, token))).toBe('410 delivery_exhausted');
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(2);

    // Raising the limit gives downloads back.
    await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { downloadLimit: 3 });
    expect((await fetchSigned(server, firstUrl)).status).toBe(200);
  });

  it('lets only one of parallel downloads take the last one left', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Last one', fileIds: fileIds(), downloadLimit: 1 });
    const visitor = await openedVisitor(server, access);
    const url = await clientDownloadUrl(visitor, token, file(0).id);
    const outcomes = await Promise.all(Array.from({ length: 4 }, async () => outcome(await fetchSigned(server, url))));
    expect(outcomes.sort()).toEqual(['200', '410 delivery_exhausted', '410 delivery_exhausted', '410 delivery_exhausted']);
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ downloadCount: 1, status: 'exhausted' });
    expect((await listEvents(photographer, delivery.id)).filter((event) => event.kind === 'file_downloaded')).toHaveLength(1);
  });

  it('counts a ZIP as one download', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Zipped', fileIds: fileIds(), downloadLimit: 2 });
    const visitor = await openedVisitor(server, access);
    const zip = await visitor.request('GET', `/api/d/${token}/zip`);
    expect(zip.status).toBe(200);
    expect((await readFully(zip)).complete).toBe(true);
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(1);
    const file0 = await fetchSigned(server, await clientDownloadUrl(visitor, token, file(0).id));
    expect(file0.status).toBe(200);
    await file0.arrayBuffer();
    expect(await outcome(await visitor.request('GET', `/api/d/${token}/zip`))).toBe('410 delivery_exhausted');
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ downloadCount: 2, status: 'exhausted' });
  });

  it('counts every answer that gives the file from its first byte, whatever the Range header said', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Tricks', fileIds: fileIds(), downloadLimit: 100 });
    const visitor = await openedVisitor(server, access);
    const url = await clientDownloadUrl(visitor, token, file(0).id);
    const tricks: Array<Record<string, string>> = [
      { range: `bytes=-${jpeg.length * 10}` },
      { range: 'items=0-' },
      { range: 'bytes=5-1' },
      { range: 'bytes=500-', 'if-range': '"stale"' },
    ];
    const counted: Record<string, number> = {};
    for (const headers of tricks) {
      const before = (await getDelivery(photographer, delivery.id)).delivery.downloadCount;
      const response = await fetchSigned(server, url, headers);
      expect((await readFully(response)).bytes.equals(jpeg), JSON.stringify(headers)).toBe(true);
      counted[JSON.stringify(headers)] = (await getDelivery(photographer, delivery.id)).delivery.downloadCount - before;
    }
    expect(counted).toEqual(Object.fromEntries(tricks.map((headers) => [JSON.stringify(headers), 1])));
  });
});
