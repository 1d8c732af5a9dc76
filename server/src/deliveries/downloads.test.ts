import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import {
  clientDownloadUrl,
  createDelivery,
  getDelivery,
  listFiles,
  openedVisitor,
  outcome,
  outcomeOf,
  readZip,
  setDeliveryRow,
} from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { noisyPng, photo } from '../../test/images.ts';
import { type UploadedFile, downloadUrl, fetchSigned, readFully, settled, sha256, uploaded } from '../../test/vault.ts';
import { asEarlierReleases } from '../../test/studio-values.ts';
import { createUrlSigner, signedQuery } from '../crypto/signed-urls.ts';
import { sealDeliveryDetails } from './details.ts';

/**
 * What a client takes home: originals byte-exact through signed links (ranges too), previews
 * only when the photographer says so, links that cannot be bent to another file, delivery,
 * variant or use, and "download all" as a ZIP whose every entry and manifest line is right.
 */

describe.each(databaseKinds())('delivery downloads on %s', (database) => {
  let server: TestServer;
  let photographer: TestClient;
  let studioId: string;
  let jpeg: Buffer;
  let png: Buffer;
  let named: UploadedFile;
  let large: UploadedFile;
  let duplicate: UploadedFile;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    const signedIn = await signedInClient(server, 'photographer', 'downloads');
    photographer = signedIn.client;
    studioId = signedIn.user.studioId as string;
    jpeg = await photo('jpeg', { width: 480, height: 360 });
    png = await noisyPng(1400, 1100);
    named = await settled(photographer, (await uploaded(photographer, jpeg, { name: 'Mariée à Zürich.jpg' })).id);
    large = await settled(photographer, (await uploaded(photographer, png, { name: 'panorama.png' })).id);
    duplicate = await settled(photographer, (await uploaded(photographer, jpeg, { name: 'Mariée à Zürich.jpg' })).id);
  });
  afterAll(async () => server?.close());

  it('gives the original byte-exact, as an attachment with its name, and byte-exact ranges', async () => {
    expect(png.length).toBeGreaterThan(4 * 1024 * 1024);
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Originals', fileIds: [named.id, large.id] });
    const visitor = await openedVisitor(server, access);
    const url = await clientDownloadUrl(visitor, token, named.id);
    expect(url).toMatch(new RegExp(`^/api/delivery-files/${delivery.id}/${named.id}/original\\?as=download&exp=\\d+&kv=[a-z0-9_-]+&sig=[A-Za-z0-9_-]{43}$`));
    const response = await fetchSigned(server, url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-length')).toBe(String(jpeg.length));
    expect(response.headers.get('content-disposition')).toBe(
      "attachment; filename=\"Mariee a Zurich.jpg\"; filename*=UTF-8''Mari%C3%A9e%20%C3%A0%20Z%C3%BCrich.jpg",
    );
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('etag')).toBe(`"${sha256(jpeg)}"`);
    const body = await readFully(response);
    expect(body.complete).toBe(true);
    expect(body.bytes.equals(jpeg)).toBe(true);

    const largeUrl = await clientDownloadUrl(visitor, token, large.id);
    const whole = await readFully(await fetchSigned(server, largeUrl));
    expect(whole.complete).toBe(true);
    expect(sha256(whole.bytes)).toBe(sha256(png));
    for (const [header, start, end] of [
      ['bytes=100000-300000', 100_000, 300_000],
      [`bytes=${png.length - 10}-`, png.length - 10, png.length - 1],
      ['bytes=-100', png.length - 100, png.length - 1],
    ] as Array<[string, number, number]>) {
      const part = await fetchSigned(server, largeUrl, { range: header });
      expect(part.status, header).toBe(206);
      expect(part.headers.get('content-range'), header).toBe(`bytes ${start}-${end}/${png.length}`);
      expect(Buffer.from(await part.arrayBuffer()).equals(png.subarray(start, end + 1)), header).toBe(true);
    }
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(2);
  });

  it('offers the preview instead when originals are off, and an original link stops working when they are turned off', async () => {
    const previewsOnly = await createDelivery(photographer, { title: 'Previews', fileIds: [named.id], allowOriginals: false });
    const visitor = await openedVisitor(server, previewsOnly.access);
    expect((await listFiles(visitor, previewsOnly.token)).body.delivery).toMatchObject({ allowOriginals: false });
    const url = await clientDownloadUrl(visitor, previewsOnly.token, named.id);
    expect(url).toContain(`/${named.id}/preview?as=download&`);
    const preview = await fetchSigned(server, url);
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/webp');
    expect(preview.headers.get('content-disposition')).toContain('attachment;');
    expect(preview.headers.get('content-disposition')).toContain('Mari%C3%A9e%20%C3%A0%20Z%C3%BCrich-preview.webp');
    const bytes = (await readFully(preview)).bytes;
    expect(bytes.subarray(8, 12).toString('ascii')).toBe('WEBP');
    expect(bytes.equals(jpeg)).toBe(false);
    expect(await outcome(await fetchSigned(server, url.replace('/preview?', '/original?')))).toBe('403 signature_invalid');

    const originals = await createDelivery(photographer, { title: 'Withdrawn', fileIds: [named.id] });
    const holder = await openedVisitor(server, originals.access);
    const originalUrl = await clientDownloadUrl(holder, originals.token, named.id);
    expect(originalUrl).toContain('/original?');
    const patched = await photographer.json('PATCH', `/api/deliveries/${originals.delivery.id}`, { allowOriginals: false });
    expect(patched.status).toBe(200);
    expect(await outcome(await fetchSigned(server, originalUrl))).toBe('403 originals_not_offered');
    // The link was counted when it was made; the refused fetch counts nothing more.
    expect((await getDelivery(photographer, originals.delivery.id)).delivery.downloadCount).toBe(1);
    expect(await clientDownloadUrl(holder, originals.token, named.id)).toContain('/preview?');
  });

  it('refuses links bent to another file, delivery, variant or use, or signed for the vault', async () => {
    const home = await createDelivery(photographer, { title: 'Home', fileIds: [named.id, large.id] });
    const elsewhere = await createDelivery(photographer, { title: 'Elsewhere', fileIds: [named.id, large.id] });
    const visitor = await openedVisitor(server, home.access);
    const url = new URL(await clientDownloadUrl(visitor, home.token, named.id), server.url);
    const query = Object.fromEntries(url.searchParams) as Record<string, string>;
    const at = (path: string, params: Record<string, string>) => `${path}?${new URLSearchParams(params)}`;
    const sig = query.sig as string;
    const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
    const bent: Array<[what: string, path: string]> = [
      ['other file', at(url.pathname.replace(named.id, large.id), query)],
      ['other delivery', at(url.pathname.replace(home.delivery.id, elsewhere.delivery.id), query)],
      ['preview variant', at(url.pathname.replace('/original', '/preview'), query)],
      ['thumbnail variant', at(url.pathname.replace('/original', '/thumbnail'), query)],
      ['used for viewing', at(url.pathname, { ...query, as: 'view' })],
      ['no use given', at(url.pathname, { exp: query.exp as string, kv: query.kv as string, sig })],
      ['flipped signature', at(url.pathname, { ...query, sig: flipped })],
      ['later expiry', at(url.pathname, { ...query, exp: String(Number(query.exp) + 86_400) })],
      ['unknown key version', at(url.pathname, { ...query, kv: 'nope' })],
      ['no signature', url.pathname],
    ];
    for (const [what, path] of bent) expect(await outcome(await fetchSigned(server, path)), what).toBe('403 signature_invalid');
    // Valid as it was made.
    expect((await fetchSigned(server, url.pathname + url.search)).status).toBe(200);

    // A vault link of the same file, moved onto the delivery route (and back).
    const vault = new URL(await downloadUrl(photographer, named.id), server.url);
    const vaultQuery = Object.fromEntries(vault.searchParams) as Record<string, string>;
    const deliveryPath = `/api/delivery-files/${home.delivery.id}/${named.id}/original`;
    for (const as of [undefined, 'view', 'download']) {
      expect(await outcome(await fetchSigned(server, at(deliveryPath, as ? { as, ...vaultQuery } : vaultQuery))), `vault link as ${as}`).toBe(
        '403 signature_invalid',
      );
    }
    const { as: _as, ...deliveryQuery } = query;
    expect(await outcome(await fetchSigned(server, at(`/api/files/${named.id}/original`, deliveryQuery)))).toBe('403 signature_invalid');

    // Signed right but late, or for a file that is not (or no longer) in the delivery.
    const signer = createUrlSigner(server.runtime.keys);
    const scope = `delivery/${home.delivery.id}/download`;
    const expired = await signer.sign({ scope, fileId: named.id, variant: 'original' }, Date.now() - 1000);
    expect(await outcome(await fetchSigned(server, `${deliveryPath}?as=download&${signedQuery(expired)}`))).toBe('403 signature_expired');
    const outsider = await uploaded(photographer, jpeg, { name: 'not-delivered.jpg' });
    const foreign = await signer.sign({ scope, fileId: outsider.id, variant: 'original' }, Date.now() + 60_000);
    expect(await outcome(await fetchSigned(server, `/api/delivery-files/${home.delivery.id}/${outsider.id}/original?as=download&${signedQuery(foreign)}`))).toBe(
      '404 file_not_found',
    );
    const removed = await uploaded(photographer, jpeg, { name: 'removed.jpg' });
    const withRemoved = await createDelivery(photographer, { title: 'Removed', fileIds: [removed.id, named.id] });
    const removedVisitor = await openedVisitor(server, withRemoved.access);
    const removedUrl = await clientDownloadUrl(removedVisitor, withRemoved.token, removed.id);
    expect((await photographer.request('DELETE', `/api/vault/files/${removed.id}`)).status).toBe(409);
    expect((await photographer.request('DELETE', `/api/vault/files/${removed.id}?confirm=true`)).status).toBe(204);
    expect(await outcome(await fetchSigned(server, removedUrl))).toBe('404 file_not_found');
    expect((await getDelivery(photographer, home.delivery.id)).delivery.downloadCount).toBe(1);
  });

  it('streams every file and a SHA-256 manifest as one ZIP, named after the delivery', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Smith wedding', fileIds: [named.id, large.id, duplicate.id] });
    const visitor = await openedVisitor(server, access);
    const response = await visitor.request('GET', `/api/d/${token}/zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect.soft(response.headers.get('content-disposition')).toBe('attachment; filename="Smith wedding.zip"');
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const body = await readFully(response);
    expect(body.complete).toBe(true);
    const entries = await readZip(body.bytes);
    expect(entries.map((entry) => entry.name)).toEqual(['Mariée à Zürich.jpg', 'panorama.png', 'Mariée à Zürich (2).jpg', 'SHA256SUMS.txt']);
    expect(entries[0]?.bytes.equals(jpeg)).toBe(true);
    expect(entries[1]?.bytes.equals(png)).toBe(true);
    expect(entries[2]?.bytes.equals(jpeg)).toBe(true);
    const manifest = entries[3]?.bytes.toString('utf8');
    expect(manifest).toBe(
      entries
        .slice(0, 3)
        .map((entry) => `${sha256(entry.bytes)}  ${entry.name}\n`)
        .join(''),
    );
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(1);
  });

  it('zips the previews when originals are off, hashed as they are sent, in an archive of the announced length', async () => {
    const { access, token } = await createDelivery(photographer, { title: 'Preview set', fileIds: [named.id, large.id], allowOriginals: false });
    const visitor = await openedVisitor(server, access);
    // The previews as the page shows them, fetched apart from the ZIP.
    const listed = (await listFiles(visitor, token)).body.files;
    const previews = await Promise.all(listed.map(async (file) => (await readFully(await fetchSigned(server, file.previewUrl as string))).bytes));
    const response = await visitor.request('GET', `/api/d/${token}/zip`);
    expect(await outcome(response.clone())).toBe('200');
    const body = await readFully(response);
    expect(body.complete).toBe(true);
    expect(response.headers.get('content-length')).toBe(String(body.bytes.length));
    const entries = await readZip(body.bytes);
    expect(entries.map((entry) => entry.name)).toEqual(['Mariée à Zürich-preview.webp', 'panorama-preview.webp', 'SHA256SUMS.txt']);
    for (const entry of entries.slice(0, 2)) expect(entry.bytes.subarray(8, 12).toString('ascii')).toBe('WEBP');
    expect(entries.slice(0, 2).map((entry) => sha256(entry.bytes))).toEqual(previews.map((preview) => sha256(preview)));
    const manifest = entries[2]?.bytes.toString('utf8') ?? '';
    expect(manifest.split('\n').slice(0, -1)).toEqual(entries.slice(0, 2).map((entry) => `${sha256(entry.bytes)}  ${entry.name}`));
    expect(manifest).toMatch(/^([0-9a-f]{64} {2}[^\n]+\n){2}$/);
  });

  it('names the ZIP after any title: emoji cut by code points near the 200 limit, lone surrogates dropped', async () => {
    const nearLimit = `${'x'.repeat(49)}${'📷'.repeat(151)}`;
    expect(Array.from(nearLimit)).toHaveLength(200);
    expect(nearLimit.length).toBeGreaterThan(200);
    const cases: Array<[title: string, name: string]> = [
      [nearLimit, `${nearLimit}.zip`],
      [`${'📷'.repeat(199)}a`, `${'📷'.repeat(199)}a.zip`],
      ['Lone \ud800 high', 'Lone  high.zip'],
      ['\udfffLow at the start', 'Low at the start.zip'],
      ['Pair kept 📷 \ud83d', 'Pair kept 📷.zip'],
    ];
    for (const [title, name] of cases) {
      const { delivery, access, token } = await createDelivery(photographer, { title, fileIds: [named.id] });
      expect(delivery.title.isWellFormed()).toBe(true);
      const visitor = await openedVisitor(server, access);
      const response = await visitor.request('GET', `/api/d/${token}/zip`);
      expect(await outcome(response.clone()), JSON.stringify(title)).toBe('200');
      const disposition = response.headers.get('content-disposition') ?? '';
      const body = await readFully(response);
      expect(body.complete).toBe(true);
      expect((await readZip(body.bytes)).map((entry) => entry.name)).toEqual(['Mariée à Zürich.jpg', 'SHA256SUMS.txt']);
      const encoded = /; filename\*=UTF-8''([^;]+)$/.exec(disposition)?.[1];
      const fallback = /^attachment; filename="([\x20-\x7e]*)"/.exec(disposition)?.[1];
      expect(fallback, disposition).toBeDefined();
      expect(encoded ? decodeURIComponent(encoded) : fallback, JSON.stringify(title)).toBe(name);
      expect(disposition).not.toContain('%EF%BF%BD');
    }
  });

  it('names the ZIP of a title sealed with a lone surrogate before titles were cleaned', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Legacy', fileIds: [named.id] });
    const sealed = await sealDeliveryDetails(asEarlierReleases(server.runtime.keys), delivery.id, { title: 'Old \ud800 title', message: '', recipients: [] });
    await setDeliveryRow(server, delivery.id, { details_sealed: sealed });
    const visitor = await openedVisitor(server, access);
    const response = await visitor.request('GET', `/api/d/${token}/zip`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="Old _ title.zip"; filename*=UTF-8''Old%20%EF%BF%BD%20title.zip`);
    expect((await readFully(response)).complete).toBe(true);
  });

  it('refuses the ZIP when the photographer does not offer it, or without a session', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'No zip', fileIds: [named.id], allowZip: false });
    const visitor = await openedVisitor(server, access);
    expect(await outcome(await visitor.request('GET', `/api/d/${token}/zip`))).toBe('403 zip_not_offered');
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(0);
    visitor.cookies.clear();
    expect(await outcome(await visitor.request('GET', `/api/d/${token}/zip`))).toBe('401 delivery_code_required');
    expect(outcomeOf(await photographer.json('PATCH', `/api/deliveries/${delivery.id}`, { allowZip: true }))).toBe('200');
  });

  it('delivers files of a studio that stores them unencrypted just the same', async () => {
    const { client: admin } = await signedInAdmin(server);
    expect((await admin.json('PATCH', `/api/admin/studios/${studioId}`, { encryptionEnabled: false })).status).toBe(200);
    try {
      const plain = await uploaded(photographer, png, { name: 'plain.png' });
      const { access, token } = await createDelivery(photographer, { title: 'Mixed', fileIds: [plain.id, named.id] });
      const visitor = await openedVisitor(server, access);
      const whole = await readFully(await fetchSigned(server, await clientDownloadUrl(visitor, token, plain.id)));
      expect(whole.complete).toBe(true);
      expect(whole.bytes.equals(png)).toBe(true);
      const zip = await readFully(await visitor.request('GET', `/api/d/${token}/zip`));
      expect(zip.complete).toBe(true);
      const entries = await readZip(zip.bytes);
      expect(entries.map((entry) => entry.name)).toEqual(['plain.png', 'Mariée à Zürich.jpg', 'SHA256SUMS.txt']);
      expect(entries[0]?.bytes.equals(png)).toBe(true);
      expect(entries[1]?.bytes.equals(jpeg)).toBe(true);

      // Previews only: a plain preview and a sealed one, their lengths read from how each is stored.
      await settled(photographer, plain.id);
      const previewsOnly = await createDelivery(photographer, { title: 'Mixed previews', fileIds: [plain.id, named.id], allowOriginals: false });
      const previewVisitor = await openedVisitor(server, previewsOnly.access);
      const previewZip = await previewVisitor.request('GET', `/api/d/${previewsOnly.token}/zip`);
      expect(previewZip.status).toBe(200);
      const previewBody = await readFully(previewZip);
      expect(previewBody.complete).toBe(true);
      expect(previewZip.headers.get('content-length')).toBe(String(previewBody.bytes.length));
      const previewEntries = await readZip(previewBody.bytes);
      expect(previewEntries.map((entry) => entry.name)).toEqual(['plain-preview.webp', 'Mariée à Zürich-preview.webp', 'SHA256SUMS.txt']);
      expect(previewEntries[2]?.bytes.toString('utf8')).toBe(
        previewEntries
          .slice(0, 2)
          .map((entry) => `${sha256(entry.bytes)}  ${entry.name}\n`)
          .join(''),
      );
    } finally {
      await admin.json('PATCH', `/api/admin/studios/${studioId}`, { encryptionEnabled: true });
    }
  });
});
