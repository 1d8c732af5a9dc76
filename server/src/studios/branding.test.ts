import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { createDelivery, listFiles, openedVisitor, outcome, outcomeOf } from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo, pngBomb, svgWithScript } from '../../test/images.ts';
import { createLab, signedInLab } from '../../test/labs.ts';
import { uploaded } from '../../test/vault.ts';
import type { StudioBranding } from './branding.ts';

/**
 * Studio branding (getStudioBranding, updateStudioBranding, uploadStudioLogo, deleteStudioLogo,
 * getStudioLogo): the photographer sets it, the studio's clients see it, nobody else touches it;
 * the logo is taken by content and re-encoded, and bad input is a 4xx with a stable code.
 */

type BrandingAnswer = { branding: StudioBranding };

async function putLogo(client: TestClient, bytes: Uint8Array, type = 'application/octet-stream'): Promise<Response> {
  return client.request('PUT', '/api/studio/branding/logo', bytes, { 'content-type': type });
}

describe.each(databaseKinds())('studio branding on %s', (database) => {
  let server: TestServer;
  let owner: TestClient;
  let other: TestClient;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    owner = (await signedInClient(server, 'photographer', 'brand-owner')).client;
    other = (await signedInClient(server, 'photographer', 'brand-other')).client;
  });
  afterAll(async () => server?.close());

  it('starts from the studio’s own name, never an email address, and keeps what the photographer sets', async () => {
    const first = await owner.json<BrandingAnswer>('GET', '/api/studio/branding');
    expect(first.status).toBe(200);
    expect(first.body.branding).toMatchObject({ name: 'Photography studio', customName: false, accentColor: null, logo: null });
    expect(first.body.branding.name).not.toContain('@');
    const changed = await owner.json<BrandingAnswer>('PATCH', '/api/studio/branding', {
      name: '  Lumen & Co\u202e ',
      accentColor: '#AA3366',
      contactEmail: 'Hello@Lumen.example',
      contactPhone: '+44 20 7946 0000',
      website: 'https://lumen.example/weddings',
      signature: 'With love,\r\nAda\n\n\n\nLumen',
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body.branding).toMatchObject({
      name: 'Lumen & Co',
      customName: true,
      accentColor: '#aa3366',
      contactEmail: 'hello@lumen.example',
      website: 'https://lumen.example/weddings',
      signature: 'With love,\nAda\n\nLumen',
    });
    // Another studio's branding is its own.
    expect((await other.json<BrandingAnswer>('GET', '/api/studio/branding')).body.branding.name).toBe('Photography studio');
    // Cleared: back to the studio's name.
    const cleared = await owner.json<BrandingAnswer>('PATCH', '/api/studio/branding', { name: null });
    expect(cleared.body.branding).toMatchObject({ name: 'Photography studio', customName: false, accentColor: '#aa3366' });
    await owner.json('PATCH', '/api/studio/branding', { name: 'Lumen & Co' });
  });

  it('keeps the branding sealed under the studio’s key: nothing of it in clear in the database', async () => {
    const row = await server.runtime.database.db.selectFrom('studio_branding').selectAll().executeTakeFirstOrThrow();
    expect(row.details_sealed.startsWith('ss1.')).toBe(true);
    expect(JSON.stringify(row)).not.toContain('Lumen');
  });

  it('answers bad input with 400 and a stable code, changing nothing', async () => {
    const bad: Array<[unknown, string]> = [
      [{}, '400 validation_failed'],
      [{ accentColor: 'red' }, '400 validation_failed'],
      [{ accentColor: '#12345' }, '400 validation_failed'],
      [{ name: 'x'.repeat(101) }, '400 validation_failed'],
      [{ name: 'ada@example.com' }, '400 branding_invalid'],
      [{ website: 'javascript:alert(1)' }, '400 branding_invalid'],
      [{ website: 'https://user:pw@lumen.example' }, '400 branding_invalid'],
      [{ contactEmail: 'not an email' }, '400 validation_failed'],
      [{ contactPhone: '<script>' }, '400 branding_invalid'],
      [{ signature: 'x'.repeat(601) }, '400 validation_failed'],
      [{ isAdmin: true }, '400 validation_failed'],
      [['x'], '400 validation_failed'],
      [{ name: 5 }, '400 validation_failed'],
    ];
    const seen = [];
    for (const [body] of bad) seen.push([body, outcomeOf(await owner.json('PATCH', '/api/studio/branding', body))]);
    expect(seen).toEqual(bad.map(([body, expected]) => [body, expected]));
    const malformed = await owner.request('PATCH', '/api/studio/branding', new TextEncoder().encode('{"name":'), { 'content-type': 'application/json' });
    expect(await outcome(malformed)).toBe('400 malformed_json');
    expect((await owner.json<BrandingAnswer>('GET', '/api/studio/branding')).body.branding.name).toBe('Lumen & Co');
  });

  it('takes a logo by its content and serves only the re-encoded PNG, without metadata, safely', async () => {
    const jpeg = await photo('jpeg', { width: 1600, height: 400, exif: true });
    // Named as a PNG: the content decides.
    const answer = await putLogo(owner, jpeg, 'image/png');
    expect(answer.status, await answer.clone().text()).toBe(200);
    const { branding } = (await answer.json()) as BrandingAnswer;
    expect(branding.logo).toMatchObject({ width: 800, height: 200 });
    const served = await owner.request('GET', `/api/studio/branding/logo?v=${branding.logo?.version}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toContain('sandbox');
    const png = Buffer.from(await served.arrayBuffer());
    const metadata = await sharp(png).metadata();
    expect(metadata).toMatchObject({ format: 'png', width: 800, height: 200 });
    expect(metadata.exif).toBeUndefined();
    expect(png.includes(Buffer.from('Canon'))).toBe(false);
    const again = await owner.request('GET', '/api/studio/branding/logo', undefined, { 'if-none-match': served.headers.get('etag') ?? '' });
    expect(again.status).toBe(304);
    // Another studio has none, and cannot reach this one's.
    expect(await outcome(await other.request('GET', '/api/studio/branding/logo'))).toBe('404 logo_not_found');
  });

  it('refuses what is not a small raster logo: SVG, garbage, bombs, empty and oversized bodies', async () => {
    const before = (await owner.json<BrandingAnswer>('GET', '/api/studio/branding')).body.branding.logo;
    expect(await outcome(await putLogo(owner, svgWithScript))).toBe('415 logo_type_unsupported');
    expect(await outcome(await putLogo(owner, Buffer.from('GIF89a not really')))).toBe('415 logo_type_unsupported');
    expect(await outcome(await putLogo(owner, await photo('tiff', { width: 20, height: 20 })))).toBe('415 logo_type_unsupported');
    const truncated = (await photo('png', { width: 300, height: 300 })).subarray(0, 200);
    expect(['422 logo_undecodable', '422 image_unreadable']).toContain(await outcome(await putLogo(owner, truncated)));
    expect(['422 logo_too_large', '422 logo_undecodable']).toContain(await outcome(await putLogo(owner, pngBomb())));
    expect(await outcome(await putLogo(owner, new Uint8Array(0)))).toBe('400 logo_required');
    expect(await outcome(await putLogo(owner, Buffer.alloc(5 * 1024 * 1024 + 10, 1)))).toBe('413 body_too_large');
    expect((await owner.json<BrandingAnswer>('GET', '/api/studio/branding')).body.branding.logo).toEqual(before);
  });

  it('shows the branding to the studio’s clients (name, accent, logo) and to no one else', async () => {
    const file = await uploaded(owner, await photo('jpeg', { width: 200, height: 150 }), { name: 'b.jpg' });
    const { access, token } = await createDelivery(owner, { title: 'Brand', fileIds: [file.id] });
    const visitor = await openedVisitor(server, access);
    const listed = await listFiles(visitor, token);
    expect(listed.body.delivery.studioName).toBe('Lumen & Co');
    expect(listed.body.delivery.branding).toMatchObject({ name: 'Lumen & Co', accentColor: '#aa3366', website: 'https://lumen.example/weddings' });
    expect(listed.body.delivery.branding.logoVersion).toMatch(/^[0-9a-f]{16}$/);
    // A delivery cookie is no photographer's session.
    for (const [method, path] of [['GET', '/api/studio/branding'], ['PATCH', '/api/studio/branding'], ['GET', '/api/studio/branding/logo'], ['DELETE', '/api/studio/branding/logo']]) {
      expect(await outcome(await visitor.request(method as string, path as string, method === 'PATCH' ? { name: 'Stolen' } : undefined)), path).toBe('401 not_signed_in');
    }
    expect(await outcome(await putLogo(visitor, await photo('png', { width: 10, height: 10 })))).toBe('401 not_signed_in');
  });

  it('shuts out strangers, labs and accounts without a studio on every branding route', async () => {
    const { client: admin } = await signedInAdmin(server);
    const { lab, pin } = await createLab(admin);
    const labClient = await signedInLab(server, lab, pin, '10.201.0.2');
    const stranger = new TestClient(server, { ip: '203.0.113.44' });
    const calls: Array<[string, string, unknown]> = [
      ['GET', '/api/studio/branding', undefined],
      ['PATCH', '/api/studio/branding', { name: 'Taken' }],
      ['GET', '/api/studio/branding/logo', undefined],
      ['DELETE', '/api/studio/branding/logo', undefined],
    ];
    for (const [method, path, body] of calls) {
      expect(await outcome(await stranger.request(method, path, body)), `stranger ${method} ${path}`).toBe('401 not_signed_in');
      expect(await outcome(await labClient.request(method, path, body)), `lab ${method} ${path}`).toBe('401 not_signed_in');
      expect(await outcome(await admin.request(method, path, body)), `admin ${method} ${path}`).toBe('403 studio_required');
    }
    const logo = await photo('png', { width: 10, height: 10 });
    expect(await outcome(await putLogo(stranger, logo))).toBe('401 not_signed_in');
    expect(await outcome(await putLogo(labClient, logo))).toBe('401 not_signed_in');
    expect(await outcome(await putLogo(admin, logo))).toBe('403 studio_required');
    expect((await owner.json<BrandingAnswer>('GET', '/api/studio/branding')).body.branding.name).toBe('Lumen & Co');
  });

  it('removes the logo', async () => {
    const removed = await owner.json<BrandingAnswer>('DELETE', '/api/studio/branding/logo');
    expect(removed.body.branding.logo).toBeNull();
    expect(await outcome(await owner.request('GET', '/api/studio/branding/logo'))).toBe('404 logo_not_found');
  });
});
