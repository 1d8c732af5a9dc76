import { createHash, randomUUID } from 'node:crypto';
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
  nextIp,
  openWithCode,
  openedVisitor,
  outcome,
  outcomeOf,
  setDeliveryRow,
  tokenOf,
  waitForMails,
  withDeliveriesDeps,
} from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { type UploadedFile, fetchSigned, readFully, settled, sha256, uploaded } from '../../test/vault.ts';
import { openDelivery } from './client-access.ts';
import { ACTIVE_PEPPER_ID } from '../keys/peppers.ts';

/**
 * The client's way in and what keeps it shut: the code and its lockout, the per-network
 * limit, secrets kept only as hashes, the session cookie, and a delivery that ends (revoked,
 * expired, its downloads spent) ending every way in at once, links already handed out included
 * (a download link, counted when it was made, outlives only a spent limit).
 */

/** A code that is not this one. */
const wrong = (code: string) => (code === '11111111' ? '22222222' : '11111111');

const sha256Hex = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const HOUR_MS = 60 * 60_000;

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a refusal'),
    (error: unknown) => error,
  );
}

describe.each(databaseKinds())('delivery client access on %s', (database) => {
  let server: TestServer;
  let photographer: TestClient;
  let photographerEmail: string;
  let jpeg: Buffer;
  let files: UploadedFile[];
  const logLines: string[] = [];
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' }, logDestination: { write: (line: string) => void logLines.push(line) } });
    const signedIn = await signedInClient(server, 'photographer', 'access');
    photographer = signedIn.client;
    photographerEmail = signedIn.user.email;
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

  it('locks after five wrong codes, for 15 minutes, refusing even the right code; the lockout grows, and a right code resets the count, not the history', async () => {
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

    // Once it ends, the right code (as grouped in an email) opens it and starts the count again,
    // but the lockout history stays with the link: the next lockout lasts twice as long again.
    await setDeliveryRow(server, delivery.id, { locked_until: Date.now() - 1000 });
    const client = clientFor(server);
    const opened = await openWithCode(client, token, `${access.code.slice(0, 4)} ${access.code.slice(4)}`);
    expect(outcomeOf(opened)).toBe('200');
    expect((await listFiles(client, token)).status).toBe(200);
    expect(await deliveryRow(server, delivery.id)).toMatchObject({ lockouts: 2, failed_attempts: 0 });
    const third = clientFor(server);
    for (let attempt = 1; attempt <= 4; attempt++) {
      const answer = await openWithCode(third, token, wrong(access.code));
      expect(outcomeOf(answer)).toBe('401 delivery_code_incorrect');
      expect(answer.body.error?.message).toContain(`${5 - attempt} attempt${attempt === 4 ? '' : 's'} left`);
    }
    const again = await openWithCode(third, token, wrong(access.code));
    expect(outcomeOf(again)).toBe('423 delivery_locked');
    expect(retryAfter(again.headers)).toBeGreaterThanOrEqual(3595);
    expect(retryAfter(again.headers)).toBeLessThanOrEqual(3600);
    expect((await deliveryRow(server, delivery.id)).lockouts).toBe(3);
    // A session started before the lockout is not ended by it.
    expect((await listFiles(client, token)).status).toBe(200);
  });

  it('locks on the fifth wrong code however slowly they came, and tells the photographer', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Slow guesses', fileIds: fileIds() });
    const guesser = clientFor(server);
    for (let attempt = 1; attempt <= 4; attempt++) expect(outcomeOf(await openWithCode(guesser, token, wrong(access.code)))).toBe('401 delivery_code_incorrect');
    expect((await deliveryRow(server, delivery.id)).failed_attempts).toBe(4);
    // More than a day later (past any window a count could have had, and the longest lockout),
    // one more wrong code: the server's clock moved ahead, the row as the four left it.
    const later = Date.now() + 25 * HOUR_MS;
    const refused = await withDeliveriesDeps(server, { now: () => later }, (deps) =>
      rejection(openDelivery(deps, { token, code: wrong(access.code) }, { ip: nextIp(), userAgent: 'A patient guesser' })),
    );
    expect(refused).toMatchObject({ code: 'delivery_locked', statusCode: 423, headers: { 'retry-after': '900' } });
    expect(await deliveryRow(server, delivery.id)).toMatchObject({ lockouts: 1, failed_attempts: 0, locked_until: later + 15 * 60_000 });
    // Locked for everyone, the right code included.
    expect(outcomeOf(await openWithCode(clientFor(server), token, access.code))).toBe('423 delivery_locked');
    expect((await listEvents(photographer, delivery.id)).filter((event) => event.kind === 'locked')).toHaveLength(1);
    const [mail] = await waitForMails(server, photographerEmail, /“Slow guesses” was locked/);
    expect(mail?.text).toContain(`/deliveries/${delivery.id}`);
    expect(mail?.text).not.toContain(access.code);
    expect(mail?.text).not.toContain(token);
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

  for (const renewal of ['code', 'resend'] as const) {
    it(`keeps the lockout history through a right code, and clears it only with a new code (${renewal === 'code' ? 'new code' : 'resend'})`, async () => {
      const { delivery, access, token } = await createDelivery(photographer, { title: `History ${renewal}`, fileIds: fileIds(), recipients: [uniqueEmail('history')] });
      const lockOut = async (link: string, code: string): Promise<number> => {
        const guesser = clientFor(server);
        for (let attempt = 1; attempt <= 4; attempt++) expect(outcomeOf(await openWithCode(guesser, link, wrong(code)))).toBe('401 delivery_code_incorrect');
        const locked = await openWithCode(guesser, link, wrong(code));
        expect(outcomeOf(locked)).toBe('423 delivery_locked');
        return retryAfter(locked.headers);
      };
      expect(await lockOut(token, access.code)).toBeLessThanOrEqual(900);
      await setDeliveryRow(server, delivery.id, { locked_until: Date.now() - 1000 });
      // The right code opens it, and the next lockout still lasts twice as long.
      expect(outcomeOf(await openWithCode(clientFor(server), token, access.code))).toBe('200');
      expect(await deliveryRow(server, delivery.id)).toMatchObject({ lockouts: 1, failed_attempts: 0 });
      expect(await lockOut(token, access.code)).toBeGreaterThanOrEqual(1795);
      expect((await deliveryRow(server, delivery.id)).lockouts).toBe(2);

      // A new code (alone, or with a new link) lifts the lockout and forgets every one before it.
      const renewed = await photographer.json<{ code?: string; access?: { url: string; code: string } }>('POST', `/api/deliveries/${delivery.id}/${renewal}`, {});
      expect(renewed.status).toBe(200);
      const fresh = renewal === 'code' ? { token, code: renewed.body.code as string } : { token: tokenOf(renewed.body.access?.url as string), code: renewed.body.access?.code as string };
      expect(await deliveryRow(server, delivery.id)).toMatchObject({ lockouts: 0, failed_attempts: 0, locked_until: null });
      const first = await lockOut(fresh.token, fresh.code);
      expect(first).toBeGreaterThanOrEqual(895);
      expect(first).toBeLessThanOrEqual(900);
      expect((await deliveryRow(server, delivery.id)).lockouts).toBe(1);
    });
  }

  it('answers 409 delivery_code_unavailable, counting nothing, while the code’s pepper does not exist; a new code fixes it', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Unknown key', fileIds: fileIds() });
    await setDeliveryRow(server, delivery.id, { code_key_version: 'gone' });
    const visitor = clientFor(server);
    // More attempts than the five that would lock, right and wrong: none is a guess.
    for (const code of [access.code, wrong(access.code), wrong(access.code), access.code, wrong(access.code), wrong(access.code), wrong(access.code)]) {
      expect(outcomeOf(await openWithCode(visitor, token, code))).toBe('409 delivery_code_unavailable');
    }
    expect(visitor.cookies.has(DELIVERY_COOKIE)).toBe(false);
    expect(await deliveryRow(server, delivery.id)).toMatchObject({ failed_attempts: 0, lockouts: 0, locked_until: null, view_count: 0 });
    expect((await listEvents(photographer, delivery.id)).map((event) => event.kind)).toEqual(['created']);
    expect((await getDelivery(photographer, delivery.id)).delivery.status).toBe('active');

    const regenerated = await photographer.json<{ code: string }>('POST', `/api/deliveries/${delivery.id}/code`, {});
    expect(regenerated.status).toBe(200);
    expect((await deliveryRow(server, delivery.id)).code_key_version).toBe(ACTIVE_PEPPER_ID);
    expect(outcomeOf(await openWithCode(clientFor(server), token, wrong(regenerated.body.code)))).toBe('401 delivery_code_incorrect');
    expect(outcomeOf(await openWithCode(visitor, token, regenerated.body.code))).toBe('200');
  });

  for (const replacement of ['code', 'resend'] as const) {
    it(`refuses the right code, keeping no session, when a new ${replacement === 'code' ? 'code' : 'link and code'} is made while it is checked`, async () => {
      const { delivery, access, token } = await createDelivery(photographer, { title: `Replaced ${replacement}`, fileIds: fileIds(), recipients: [uniqueEmail('replaced')] });
      const refused = await withDeliveriesDeps(server, {}, async (deps) => {
        const pepper = {
          ...deps.pepper,
          // The photographer makes a new code while this one is being compared.
          async verify(...args: Parameters<typeof deps.pepper.verify>) {
            const right = await deps.pepper.verify(...args);
            expect((await photographer.json('POST', `/api/deliveries/${delivery.id}/${replacement}`, {})).status).toBe(200);
            return right;
          },
        };
        return rejection(openDelivery({ ...deps, pepper }, { token, code: access.code }, { ip: nextIp(), userAgent: 'Too late' }));
      });
      expect(refused).toMatchObject({ code: 'delivery_code_incorrect', statusCode: 401 });
      expect(await server.runtime.database.db.selectFrom('delivery_sessions').selectAll().where('delivery_id', '=', delivery.id).execute()).toEqual([]);
      expect(await deliveryRow(server, delivery.id)).toMatchObject({ view_count: 0 });
      expect((await listEvents(photographer, delivery.id)).map((event) => event.kind)).not.toContain('opened');
    });
  }

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

  it('keeps neither the link token, the code, the session token nor a link’s signature in clear: not in the database, not in the log', async () => {
    logLines.length = 0;
    const recipient = uniqueEmail('secret-recipient');
    const title = `Secret title ${Math.random().toString(36).slice(2)}`;
    const { delivery, access, token } = await createDelivery(photographer, { title, message: 'A private message', fileIds: fileIds(), recipients: [recipient] });
    const visitor = clientFor(server);
    expect(outcomeOf(await openWithCode(visitor, token, wrong(access.code)))).toBe('401 delivery_code_incorrect');
    expect(outcomeOf(await openWithCode(visitor, token, access.code))).toBe('200');
    const session = visitor.cookies.get(DELIVERY_COOKIE) as string;
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const downloadUrl = await clientDownloadUrl(visitor, token, file(0).id);
    const download = await visitor.request('GET', downloadUrl);
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

    // Requests are logged by route pattern: the link, the cookie and the signature stay out.
    const signature = new URL(downloadUrl, server.url).searchParams.get('sig') as string;
    const logText = logLines.join('');
    expect(logText).toContain('/api/d/:token/open');
    for (const [name, secret] of Object.entries({ token, code: access.code, session, signature })) expect(logText.includes(secret), `${name} in the log`).toBe(false);
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

  it('counts a download when its link is made: fetching it, whole or in any range, as often as it lives, counts nothing more', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Twice', fileIds: fileIds(), downloadLimit: 2 });
    const visitor = await openedVisitor(server, access);
    const [listed] = (await listFiles(visitor, token)).body.files;
    const firstUrl = await clientDownloadUrl(visitor, token, file(0).id);
    // Counted, and logged, before a byte was fetched.
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ downloadCount: 1, status: 'active' });
    expect((await listEvents(photographer, delivery.id)).filter((event) => event.kind === 'file_downloaded')).toMatchObject([{ fileId: file(0).id }]);
    for (let round = 0; round < 3; round++) {
      const whole = await fetchSigned(server, firstUrl);
      expect(whole.status).toBe(200);
      expect(sha256((await readFully(whole)).bytes)).toBe(sha256(jpeg));
      const resumed = await fetchSigned(server, firstUrl, { range: 'bytes=100-' });
      expect(resumed.status).toBe(206);
      expect(Buffer.from(await resumed.arrayBuffer()).equals(jpeg.subarray(100))).toBe(true);
    }
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ downloadCount: 1, status: 'active' });
    expect((await listFiles(visitor, token)).body.delivery?.downloadsLeft).toBe(1);

    // The second link spends the limit, whether or not it is ever fetched.
    const secondUrl = await clientDownloadUrl(visitor, token, file(1).id);
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ downloadCount: 2, status: 'exhausted' });
    // Links made before the limit was spent keep giving their file, whole or resumed.
    for (const url of [secondUrl, firstUrl, secondUrl]) {
      expect((await readFully(await fetchSigned(server, url))).bytes.equals(jpeg)).toBe(true);
      const tail = await fetchSigned(server, url, { range: 'bytes=-100' });
      expect(tail.status).toBe(206);
      expect(Buffer.from(await tail.arrayBuffer()).equals(jpeg.subarray(-100))).toBe(true);
    }
    // No more downloads: no new link, no ZIP. The gallery stays viewable ("view only").
    expect(outcomeOf(await visitor.json('POST', `/api/d/${token}/files/${file(0).id}/download-url`, {}))).toBe('410 delivery_exhausted');
    expect(await outcome(await visitor.request('GET', `/api/d/${token}/zip`))).toBe('410 delivery_exhausted');
    const viewOnly = await listFiles(visitor, token);
    expect(outcomeOf(viewOnly)).toBe('200');
    expect(viewOnly.body.delivery).toMatchObject({ downloadsLeft: 0, viewOnly: true });
    expect((await fetchSigned(server, listed?.thumbnailUrl as string)).status).toBe(200);
    expect((await fetchSigned(server, listed?.previewUrl as string)).status).toBe(200);
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(2);
    expect((await listEvents(photographer, delivery.id)).filter((event) => event.kind === 'file_downloaded')).toHaveLength(2);

    // Raising the limit gives downloads back.
    await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { downloadLimit: 3 });
    expect((await fetchSigned(server, listed?.thumbnailUrl as string)).status).toBe(200);
    expect((await readFully(await fetchSigned(server, await clientDownloadUrl(visitor, token, file(0).id)))).bytes.equals(jpeg)).toBe(true);
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ downloadCount: 3, status: 'exhausted' });
    // Revoking ends every link, counted or not.
    expect((await photographer.json('POST', `/api/deliveries/${delivery.id}/revoke`, {})).status).toBe(200);
    expect(await outcome(await fetchSigned(server, firstUrl))).toBe('410 delivery_revoked');
    expect(await outcome(await fetchSigned(server, secondUrl, { range: 'bytes=100-' }))).toBe('410 delivery_revoked');
  });

  it('lets only one of parallel download links take the last download left', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Last one', fileIds: fileIds(), downloadLimit: 1 });
    const visitor = await openedVisitor(server, access);
    const answers = await Promise.all(
      Array.from({ length: 4 }, (_, index) => visitor.json<{ url: string }>('POST', `/api/d/${token}/files/${file(index % 2).id}/download-url`, {})),
    );
    expect(answers.map(outcomeOf).sort()).toEqual(['200', '410 delivery_exhausted', '410 delivery_exhausted', '410 delivery_exhausted']);
    expect((await getDelivery(photographer, delivery.id)).delivery).toMatchObject({ downloadCount: 1, status: 'exhausted' });
    expect((await listEvents(photographer, delivery.id)).filter((event) => event.kind === 'file_downloaded')).toHaveLength(1);
    // The one link made works, as often as it is fetched.
    const made = answers.find((answer) => answer.status === 200)?.body.url as string;
    const outcomes = await Promise.all(Array.from({ length: 4 }, async () => (await readFully(await fetchSigned(server, made))).bytes.equals(jpeg)));
    expect(outcomes).toEqual([true, true, true, true]);
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(1);
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

  it('counts every download link once, whatever Range its fetches ask: no Range trick avoids the count', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Tricks', fileIds: fileIds(), downloadLimit: 100 });
    const visitor = await openedVisitor(server, access);
    const count = async () => (await getDelivery(photographer, delivery.id)).delivery.downloadCount;
    // Headers the server answers with the whole file; pieces that make the whole file between
    // them, first byte last; and pieces that never ask for the first byte at all.
    const tricks: Array<Array<Record<string, string>>> = [
      [{ range: `bytes=-${jpeg.length * 10}` }],
      [{ range: 'items=0-' }],
      [{ range: 'bytes=5-1' }],
      [{ range: 'bytes=500-', 'if-range': '"stale"' }],
      [{ range: 'bytes=100-' }, { range: 'bytes=0-99' }],
      [{ range: `bytes=${jpeg.length - 1}-` }, { range: `bytes=1-${jpeg.length - 2}` }, { range: 'bytes=0-0' }],
      [{ range: 'bytes=1-' }],
      [{ range: 'bytes=1-1' }],
      [],
    ];
    const counted: Record<string, number> = {};
    for (const requests of tricks) {
      const before = await count();
      const url = await clientDownloadUrl(visitor, token, file(0).id);
      for (const headers of requests) {
        const response = await fetchSigned(server, url, headers);
        const { bytes } = await readFully(response);
        // Each answer gives the bytes it says it gives: the whole file, or the range it names.
        if (response.status === 200) expect(bytes.equals(jpeg), JSON.stringify(headers)).toBe(true);
        else {
          expect(response.status, JSON.stringify(headers)).toBe(206);
          const start = Number(/^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1]);
          expect(bytes.equals(jpeg.subarray(start, start + bytes.length)), JSON.stringify(headers)).toBe(true);
        }
      }
      counted[JSON.stringify(requests)] = (await count()) - before;
    }
    expect(counted).toEqual(Object.fromEntries(tricks.map((requests) => [JSON.stringify(requests), 1])));
  });

  it('limits download links per delivery: 300 in 15 minutes, then 429, counting nothing more; other deliveries keep theirs', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Flood', fileIds: [file(0).id] });
    const visitor = await openedVisitor(server, access);
    // Straight into the app (no sockets), the way the browser would ask.
    const makeLink = () =>
      server.app.inject({
        method: 'POST',
        url: `/api/d/${token}/files/${file(0).id}/download-url`,
        headers: { cookie: `${DELIVERY_COOKIE}=${visitor.cookies.get(DELIVERY_COOKIE)}`, 'sec-fetch-site': 'same-origin', 'x-forwarded-for': visitor.ip ?? nextIp() },
      });
    for (let made = 0; made < 300; made += 25) {
      const answers = await Promise.all(Array.from({ length: 25 }, makeLink));
      expect(answers.map((answer) => answer.statusCode)).toEqual(Array(25).fill(200));
    }
    const limited = await makeLink();
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(900);
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(300);
    // From another network, or with another session, the same delivery stays limited.
    expect(outcomeOf(await (await openedVisitor(server, access)).json('POST', `/api/d/${token}/files/${file(0).id}/download-url`, {}))).toBe('429 rate_limited');
    // The files already linked still come, and another delivery has its own budget.
    const other = await createDelivery(photographer, { title: 'Calm', fileIds: [file(0).id] });
    const otherVisitor = await openedVisitor(server, other.access, visitor.ip);
    expect((await readFully(await fetchSigned(server, await clientDownloadUrl(otherVisitor, other.token, file(0).id)))).bytes.equals(jpeg)).toBe(true);
  });

  it('keeps opens, wrong codes and other events in the activity log however many downloads follow', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Busy', fileIds: [file(0).id] });
    const visitor = clientFor(server);
    expect(outcomeOf(await openWithCode(visitor, token, wrong(access.code)))).toBe('401 delivery_code_incorrect');
    expect(outcomeOf(await openWithCode(visitor, token, access.code))).toBe('200');
    // 1,200 downloads after them, written straight to the log.
    const start = Date.now() + 1000;
    const downloads = Array.from({ length: 1200 }, (_, index) => ({
      id: randomUUID(),
      delivery_id: delivery.id,
      kind: 'file_downloaded' as const,
      file_id: file(0).id,
      at: start + index,
      ip: visitor.ip ?? null,
      user_agent: 'A download manager',
    }));
    for (let at = 0; at < downloads.length; at += 100) {
      await server.runtime.database.db.insertInto('delivery_events').values(downloads.slice(at, at + 100)).execute();
    }
    const events = await listEvents(photographer, delivery.id);
    expect(events.filter((event) => event.kind !== 'file_downloaded').map((event) => event.kind).sort()).toEqual(['code_failed', 'created', 'opened']);
    // The newest thousand downloads, newest first, then the older events.
    const shown = events.filter((event) => event.kind === 'file_downloaded');
    expect(shown).toHaveLength(1000);
    expect(shown.map((event) => Date.parse(event.at))).toEqual(downloads.slice(200).map((event) => event.at).reverse());
    expect(events.slice(-3).map((event) => event.kind)).toEqual(expect.arrayContaining(['code_failed', 'created', 'opened']));
    for (let index = 1; index < events.length; index++) {
      expect(Date.parse((events[index - 1] as { at: string }).at)).toBeGreaterThanOrEqual(Date.parse((events[index] as { at: string }).at));
    }
  });
});
