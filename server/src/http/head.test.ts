import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { clientDownloadUrl, createDelivery, getDelivery, openedVisitor } from '../../test/deliveries.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { type UploadedFile, downloadUrl, uploaded } from '../../test/vault.ts';

/**
 * HEAD answers as GET does — same status and headers, no body — on the download routes and the
 * web app, and a HEAD of a delivery's ZIP is not counted as a download.
 */

const comparedHeaders = ['content-type', 'content-length', 'content-disposition', 'etag', 'accept-ranges', 'cache-control', 'content-security-policy'];

describe('HEAD like GET', () => {
  let server: TestServer;
  let photographer: TestClient;
  let file: UploadedFile;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: 'true' } });
    photographer = (await signedInClient(server, 'photographer', 'head')).client;
    file = await uploaded(photographer, await photo('jpeg', { width: 320, height: 240 }), { name: 'head.jpg' });
  });
  afterAll(async () => server?.close());

  async function expectHeadLikeGet(url: string, init: RequestInit = {}): Promise<Response> {
    const got = await fetch(`${server.url}${url}`, init);
    await got.arrayBuffer();
    const head = await fetch(`${server.url}${url}`, { ...init, method: 'HEAD' });
    expect(head.status, url).toBe(got.status);
    for (const name of comparedHeaders) expect(head.headers.get(name), `${name} of ${url}`).toBe(got.headers.get(name));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    return head;
  }

  it('on a vault file’s signed link, whole and as a range', async () => {
    const url = await downloadUrl(photographer, file.id);
    expect((await expectHeadLikeGet(url)).status).toBe(200);
    expect((await expectHeadLikeGet(url, { headers: { range: 'bytes=0-99' } })).status).toBe(206);
    // A bad signature is refused the same way.
    expect((await expectHeadLikeGet(url.replace(/sig=./, 'sig=_'))).status).toBe(403);
  });

  it('on a delivery file’s signed link and the ZIP, without counting the HEAD', async () => {
    const { delivery, access, token } = await createDelivery(photographer, { title: 'Head', fileIds: [file.id] });
    const visitor = await openedVisitor(server, access);
    const fileUrl = await clientDownloadUrl(visitor, token, file.id);
    expect((await expectHeadLikeGet(fileUrl)).status).toBe(200);

    const zipUrl = `/api/d/${token}/zip`;
    const countBefore = (await getDelivery(photographer, delivery.id)).delivery.downloadCount;
    const head = await visitor.request('HEAD', zipUrl);
    expect(head.status).toBe(200);
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(countBefore);
    const got = await visitor.request('GET', zipUrl);
    const body = Buffer.from(await got.arrayBuffer());
    expect(head.headers.get('content-length')).toBe(String(body.length));
    for (const name of ['content-type', 'content-disposition', 'cache-control']) expect(head.headers.get(name)).toBe(got.headers.get(name));
    expect((await getDelivery(photographer, delivery.id)).delivery.downloadCount).toBe(countBefore + 1);
  });

  it('on the web app: its shell for client routes and its assets', async () => {
    const html = { headers: { accept: 'text/html' } };
    expect((await expectHeadLikeGet('/some/client/route', html)).status).toBe(200);
    expect((await expectHeadLikeGet('/favicon.svg')).status).toBe(200);
    expect((await expectHeadLikeGet('/api/nothing-here')).status).toBe(404);
  });
});
