import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import {
  DELIVERY_COOKIE,
  clientFor,
  createDelivery,
  deliveryRow,
  listFiles,
  openWithCode,
  outcome,
  outcomeOf,
  setDeliveryRow,
  withDeliveriesDeps,
} from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { type UploadedFile, uploaded } from '../../test/vault.ts';
import { resumeDelivery } from './client-access.ts';

/**
 * Access families can live with: the photographer sees the link and code again
 * (getDeliveryAccess), and "remember this device" lets a browser back in without the code
 * (resumeDelivery) — a signed, delivery-scoped cookie that tampering, another delivery, expiry,
 * a new code, a new link and revoking all end.
 */

const DEVICE_COOKIE = 'sl_delivery_device';
const DAY_MS = 24 * 60 * 60_000;

type Access = { url: string | null; code: string | null };

describe.each(databaseKinds())('family access on %s', (database) => {
  let server: TestServer;
  let photographer: TestClient;
  let file: UploadedFile;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    photographer = (await signedInClient(server, 'photographer', 'family')).client;
    file = await uploaded(photographer, await photo('jpeg', { width: 200, height: 150 }), { name: 'family.jpg' });
  });
  afterAll(async () => server?.close());

  /** A visitor who opened the delivery with "remember this device". */
  async function rememberedVisitor(token: string, code: string): Promise<TestClient> {
    const visitor = clientFor(server);
    const answer = await visitor.json('POST', `/api/d/${token}/open`, { code, remember: true });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(visitor.cookies.get(DEVICE_COOKIE)).toBeTruthy();
    return visitor;
  }

  /** The same browser after it was closed: the session cookie is gone, the remembered device stays. */
  function reopened(visitor: TestClient, value = visitor.cookies.get(DEVICE_COOKIE) as string): TestClient {
    const later = clientFor(server);
    later.cookies.set(DEVICE_COOKIE, value);
    return later;
  }

  it('shows the photographer the link and code again, at any time, kept sealed and audited', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Again', fileIds: [file.id] });
    const shown = await photographer.json<{ access: Access }>('GET', `/api/deliveries/${delivery.id}/access`);
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(shown.body.access).toEqual(access);
    const row = await deliveryRow(server, delivery.id);
    expect(row.access_sealed?.startsWith('ss1.')).toBe(true);
    expect(row.access_sealed).not.toContain(access.code);
    expect(row.access_sealed).not.toContain(token);
    const audit = await server.runtime.database.db.selectFrom('audit_events').select('action').where('action', '=', 'delivery.access_viewed').execute();
    expect(audit.length).toBeGreaterThanOrEqual(1);
    // A new code: shown from then on, with the same link.
    const regenerated = await photographer.json<{ code: string }>('POST', `/api/deliveries/${delivery.id}/code`, {});
    expect((await photographer.json<{ access: Access }>('GET', `/api/deliveries/${delivery.id}/access`)).body.access).toEqual({ url: access.url, code: regenerated.body.code });
    // Revoked: nothing to show.
    await photographer.json('POST', `/api/deliveries/${delivery.id}/revoke`, {});
    expect(outcomeOf(await photographer.json('GET', `/api/deliveries/${delivery.id}/access`))).toBe('409 delivery_revoked');
  });

  it('shows the link and code to nobody else: stranger, other studio, account without a studio, lab, client', async () => {
    const { delivery, access } = await createDelivery(photographer, { title: 'Secret', fileIds: [file.id] });
    const path = `/api/deliveries/${delivery.id}/access`;
    const other = (await signedInClient(server, 'photographer', 'family-other')).client;
    const { client: admin } = await signedInAdmin(server);
    const visitor = clientFor(server);
    expect(outcomeOf(await openWithCode(visitor, new URL(access.url).pathname.slice(3), access.code))).toBe('200');
    expect(await outcome(await new TestClient(server, { ip: '203.0.113.70' }).request('GET', path))).toBe('401 not_signed_in');
    expect(await outcome(await other.request('GET', path))).toBe('404 delivery_not_found');
    expect(await outcome(await admin.request('GET', path))).toBe('403 studio_required');
    expect(await outcome(await visitor.request('GET', path))).toBe('401 not_signed_in');
  });

  it('remembers a device for 30 days after the right code: after the browser closes, it gets back in without the code', async () => {
    const { access, token } = await createDelivery(photographer, { title: 'Remembered', fileIds: [file.id] });
    const response = await clientFor(server).request('POST', `/api/d/${token}/open`, { code: access.code, remember: true });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    const device = response.headers.getSetCookie().find((line) => line.startsWith(`${DEVICE_COOKIE}=`)) ?? '';
    const attributes = device.split(';').map((part) => part.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(device).toContain(`Path=/api/d/${token}`);
    const maxAge = Number(attributes.find((attribute) => attribute.startsWith('max-age='))?.slice(8));
    expect(maxAge).toBeGreaterThan(29 * 86_400);
    expect(maxAge).toBeLessThanOrEqual(30 * 86_400);
    expect(device).not.toContain(access.code);

    const visitor = await rememberedVisitor(token, access.code);
    const later = reopened(visitor);
    expect(outcomeOf(await listFiles(later, token))).toBe('401 delivery_code_required');
    const resumed = await later.json<{ delivery: { title: string } }>('POST', `/api/d/${token}/resume`, {});
    expect(resumed.status).toBe(200);
    expect(resumed.body.delivery.title).toBe('Remembered');
    expect(later.cookies.get(DELIVERY_COOKIE)).toBeTruthy();
    expect((await listFiles(later, token)).status).toBe(200);

    // Without "remember", no device cookie.
    const once = clientFor(server);
    expect(outcomeOf(await openWithCode(once, token, access.code))).toBe('200');
    expect(once.cookies.has(DEVICE_COOKIE)).toBe(false);
    expect(outcomeOf(await once.json('POST', `/api/d/${token}/resume`, {}))).toBe('401 delivery_code_required');
  });

  it('refuses a tampered, forged or moved device cookie, and clears it', async () => {
    const first = await createDelivery(photographer, { title: 'Tamper', fileIds: [file.id] });
    const second = await createDelivery(photographer, { title: 'Elsewhere', fileIds: [file.id] });
    const visitor = await rememberedVisitor(first.token, first.access.code);
    const value = visitor.cookies.get(DEVICE_COOKIE) as string;
    const [exp, kv, sig] = value.split('.') as [string, string, string];
    const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    const forgeries = [
      `${exp}.${kv}.${flipped}`,
      `${Number(exp) + 86_400 * 365}.${kv}.${sig}`,
      `${exp}.unknown.${sig}`,
      `${exp}.${kv}`,
      'x'.repeat(300),
      '',
    ];
    for (const forged of forgeries) {
      const later = reopened(visitor, forged);
      const answer = await later.request('POST', `/api/d/${first.token}/resume`, {});
      expect(await outcome(answer), forged).toBe('401 delivery_code_required');
      expect(later.cookies.has(DEVICE_COOKIE)).toBe(false);
      expect(later.cookies.has(DELIVERY_COOKIE)).toBe(false);
    }
    // The real cookie, brought to another delivery.
    expect(await outcome(await reopened(visitor).request('POST', `/api/d/${second.token}/resume`, {}))).toBe('401 delivery_code_required');
    // And the real one still works where it belongs.
    expect((await reopened(visitor).json('POST', `/api/d/${first.token}/resume`, {})).status).toBe(200);
  });

  it('ends a remembered device with expiry of the 30 days, a new code, a new link, revoking and expiry of the delivery', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Ends', fileIds: [file.id], recipients: ['fam@example.com'] });
    const visitor = await rememberedVisitor(token, access.code);
    const value = visitor.cookies.get(DEVICE_COOKIE) as string;
    // 31 days later (the delivery extended past it): the cookie is spent.
    await setDeliveryRow(server, delivery.id, { expires_at: Date.now() + 60 * DAY_MS });
    const later = Date.now() + 31 * DAY_MS;
    const refused = await withDeliveriesDeps(server, { now: () => later }, (deps) => resumeDelivery(deps, { token, deviceValue: value }, { ip: '198.51.100.9', userAgent: 'later' }));
    expect('refused' in refused && refused.refused.code).toBe('delivery_code_required');
    const soon = await withDeliveriesDeps(server, { now: () => Date.now() + 29 * DAY_MS }, (deps) => resumeDelivery(deps, { token, deviceValue: value }, { ip: '198.51.100.9', userAgent: 'soon' }));
    expect('sessionCookie' in soon).toBe(true);

    // A new code ends it.
    const regenerated = await photographer.json<{ code: string }>('POST', `/api/deliveries/${delivery.id}/code`, {});
    expect(await outcome(await reopened(visitor, value).request('POST', `/api/d/${token}/resume`, {}))).toBe('401 delivery_code_required');
    // A resend keeps it (same link, same code).
    const again = await rememberedVisitor(token, regenerated.body.code);
    expect((await photographer.json('POST', `/api/deliveries/${delivery.id}/resend`, {})).status).toBe(200);
    expect((await reopened(again).json('POST', `/api/d/${token}/resume`, {})).status).toBe(200);
    // Expired, then revoked: the link itself answers first.
    const expiresAt = (await deliveryRow(server, delivery.id)).expires_at;
    await setDeliveryRow(server, delivery.id, { expires_at: Date.now() - 1000 });
    expect(await outcome(await reopened(again).request('POST', `/api/d/${token}/resume`, {}))).toBe('410 delivery_expired');
    await setDeliveryRow(server, delivery.id, { expires_at: expiresAt });
    await photographer.json('POST', `/api/deliveries/${delivery.id}/revoke`, {});
    expect(await outcome(await reopened(again).request('POST', `/api/d/${token}/resume`, {}))).toBe('410 delivery_revoked');
  });

  it('ends a remembered device with a new link', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'New link', fileIds: [file.id], recipients: ['link@example.com'] });
    const visitor = await rememberedVisitor(token, access.code);
    // A delivery without a kept link gets a new one on resend; the row's link hash changes.
    await setDeliveryRow(server, delivery.id, { access_sealed: null });
    const resent = await photographer.json<{ access: { url: string } }>('POST', `/api/deliveries/${delivery.id}/resend`, {});
    const newToken = new URL(resent.body.access.url).pathname.slice(3);
    expect(await outcome(await reopened(visitor).request('POST', `/api/d/${newToken}/resume`, {}))).toBe('401 delivery_code_required');
  });

  it('shows the studio’s branding on a live link before the code, and nothing for an unknown or ended one', async () => {
    await photographer.json('PATCH', '/api/studio/branding', { name: 'Family Studio', accentColor: '#336699' });
    const { delivery, token } = await createDelivery(photographer, { title: 'Branded', fileIds: [file.id] });
    const stranger = clientFor(server);
    const branding = await stranger.json<{ branding: { name: string; accentColor: string; logoVersion: string | null } }>('GET', `/api/d/${token}/branding`);
    expect(branding.status).toBe(200);
    expect(branding.body.branding).toMatchObject({ name: 'Family Studio', accentColor: '#336699', logoVersion: null });
    expect(JSON.stringify(branding.body)).not.toContain('Branded');
    expect(await outcome(await stranger.request('GET', `/api/d/${'A'.repeat(43)}/branding`))).toBe('404 delivery_not_found');
    await photographer.json('POST', `/api/deliveries/${delivery.id}/revoke`, {});
    expect(await outcome(await stranger.request('GET', `/api/d/${token}/branding`))).toBe('410 delivery_revoked');
    expect(await outcome(await stranger.request('GET', `/api/d/${token}/logo`))).toBe('410 delivery_revoked');
  });
});
