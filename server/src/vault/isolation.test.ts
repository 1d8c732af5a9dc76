import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { TUS, UPLOAD_TYPE, created, offsetOf } from '../../test/tus.ts';
import { type ErrorAnswer, type UploadedFile, downloadUrl, fetchSigned, sha256, uploaded } from '../../test/vault.ts';

/**
 * Studios can't see or touch each other's vaults. Like the authorization walk in
 * http/authorization.test.ts, this walks every registered vault route that takes an id, so
 * a new route is covered (and must be given a valid body below) the moment it exists.
 */

/** The intruder's own file, for bodies that name files: the walk is about the id in the path. */
const ownFile = Symbol('the intruder’s own file');

/** A valid body per operation, so the walk reaches the ownership check rather than validation. */
const bodies: Record<string, unknown> = {
  getFile: undefined,
  createFileDownloadUrl: { variant: 'original' },
  deleteFile: undefined,
  restoreFile: undefined,
  retryFilePreviews: undefined,
  updateAlbum: { name: 'Taken over' },
  addAlbumFiles: { fileIds: ownFile },
  removeAlbumFiles: { fileIds: ownFile },
  deleteAlbum: undefined,
  appendResumableUpload: new Uint8Array(10),
  terminateResumableUpload: undefined,
};

/** The tus routes speak their protocol: without its headers they would answer 412 before looking the upload up. */
const headers: Record<string, Record<string, string>> = {
  appendResumableUpload: { ...TUS, 'content-type': UPLOAD_TYPE, 'upload-offset': '0' },
  terminateResumableUpload: TUS,
};

describe.each(databaseKinds())('studio isolation on %s', (database) => {
  let server: TestServer;
  let owner: TestClient;
  let intruder: TestClient;
  let file: UploadedFile;
  let albumId: string;
  let jpeg: Buffer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    owner = (await signedInClient(server, 'photographer', 'studio-a')).client;
    intruder = (await signedInClient(server, 'photographer', 'studio-b')).client;
    jpeg = await photo('jpeg');
    albumId = (await owner.json<{ album: { id: string } }>('POST', '/api/vault/albums', { name: 'Private' })).body.album.id;
    file = await uploaded(owner, jpeg, { name: 'private.jpg', albumId });
  });
  afterAll(async () => server?.close());

  it('answers 404 to another studio on every vault route that takes an id, and changes nothing', async () => {
    const routes = server.app.routeCatalog.filter((route) => route.url.startsWith('/api/vault/') && route.url.includes('/:id') && route.method !== 'HEAD');
    expect(routes.map((route) => route.operationId).sort()).toEqual(Object.keys(bodies).sort());
    const uploadId = (await created(owner, 1000)).split('/').at(-1) as string;
    const own = await uploaded(intruder, jpeg, { name: 'bait.jpg' });
    const bodyOf = (operationId: string): unknown => {
      const body = bodies[operationId];
      return body !== null && typeof body === 'object' && 'fileIds' in body && body.fileIds === ownFile ? { fileIds: [own.id] } : body;
    };
    for (const route of routes) {
      const id = route.url.startsWith('/api/vault/albums/') ? albumId : route.url.startsWith('/api/vault/uploads/') ? uploadId : file.id;
      const response = await intruder.request(route.method, route.url.replace(':id', id), bodyOf(route.operationId), headers[route.operationId]);
      expect(response.status, `${route.method} ${route.url}`).toBe(404);
      await response.arrayBuffer();
    }
    expect(await offsetOf(owner, `/api/vault/uploads/${uploadId}`)).toEqual({ status: 200, offset: 0, length: 1000 });
    const still = await owner.json<{ file: UploadedFile }>('GET', `/api/vault/files/${file.id}`);
    expect(still.body.file).toMatchObject({ id: file.id, albumIds: [albumId], deletedAt: null, name: 'private.jpg' });
    expect((await owner.json<{ albums: Array<{ fileCount: number }> }>('GET', '/api/vault/albums')).body.albums.map((album) => album.fileCount)).toEqual([1]);
    const albums = await owner.json<{ albums: Array<{ id: string; name: string }> }>('GET', '/api/vault/albums');
    expect(albums.body.albums).toEqual([expect.objectContaining({ id: albumId, name: 'Private' })]);
  });

  it('keeps another studio out of lists, moves and albums', async () => {
    expect((await intruder.json<{ files: Array<{ name: string }> }>('GET', '/api/vault/files')).body.files.map((own) => own.name)).toEqual(['bait.jpg']);
    expect((await intruder.json<{ files: unknown[] }>('GET', '/api/vault/files?trash=true')).body.files).toEqual([]);
    expect((await intruder.json<{ albums: unknown[] }>('GET', '/api/vault/albums')).body.albums).toEqual([]);
    expect((await intruder.json<ErrorAnswer>('GET', `/api/vault/files?albumId=${albumId}`)).body.error.code).toBe('album_not_found');
    // Its own bait photo from the walk above, and nothing of the owner's.
    expect((await intruder.json('GET', '/api/vault/usage')).body).toEqual({ usedBytes: jpeg.length, quotaBytes: null });

    const own = await uploaded(intruder, jpeg, { name: 'own.jpg' });
    expect((await intruder.json<ErrorAnswer>('POST', '/api/vault/files/move', { fileIds: [file.id], albumId: null })).status).toBe(404);
    expect((await intruder.json<ErrorAnswer>('POST', '/api/vault/files/move', { fileIds: [own.id], albumId })).body.error.code).toBe('album_not_found');
    const ownAlbum = (await intruder.json<{ album: { id: string } }>('POST', '/api/vault/albums', { name: 'Mine' })).body.album.id;
    for (const action of ['files', 'files/remove']) {
      expect((await intruder.json<ErrorAnswer>('POST', `/api/vault/albums/${ownAlbum}/${action}`, { fileIds: [file.id] })).body.error.code).toBe('file_not_found');
    }
    const upload = await intruder.request('POST', `/api/vault/files?albumId=${albumId}`, jpeg, { 'content-type': 'application/octet-stream' });
    expect(upload.status).toBe(404);
    await upload.arrayBuffer();
    expect((await intruder.json('POST', '/api/vault/trash/empty')).body).toEqual({ purged: 0 });
    expect((await owner.json('GET', `/api/vault/files/${file.id}`)).status).toBe(200);
  });

  it('tells another studio nothing about where a file is delivered, and answers it 404, not 409', async () => {
    const shown = await uploaded(owner, jpeg, { name: 'delivered.jpg' });
    const delivery = await owner.json<{ delivery: { id: string } }>('POST', '/api/deliveries', { title: 'Secret wedding', fileIds: [shown.id], recipients: [] });
    expect(delivery.status).toBe(201);
    const own = await owner.json<{ uses: Array<{ id: string }> }>('POST', '/api/vault/files/uses', { fileIds: [shown.id] });
    expect(own.body.uses.map((use) => use.id)).toEqual([delivery.body.delivery.id]);
    const asked = await intruder.json<{ uses: unknown[] }>('POST', '/api/vault/files/uses', { fileIds: [shown.id] });
    expect([asked.status, asked.body.uses]).toEqual([200, []]);
    expect((await intruder.json<ErrorAnswer>('DELETE', `/api/vault/files/${shown.id}`)).status).toBe(404);
    expect((await intruder.json<ErrorAnswer>('DELETE', `/api/vault/files/${shown.id}?confirm=true`)).status).toBe(404);
    for (const body of [{ fileIds: [] }, { fileIds: ['not-a-uuid'] }, { fileIds: [shown.id], extra: 1 }, {}]) {
      expect((await owner.json<ErrorAnswer>('POST', '/api/vault/files/uses', body)).body.error.code, JSON.stringify(body)).toBe('validation_failed');
    }
  });

  it('binds a signed link to its file and variant: it can be neither forged nor reused for another', async () => {
    const own = await uploaded(intruder, jpeg, { name: 'mine.jpg' });
    const ownUrl = new URL(await downloadUrl(intruder, own.id), server.url);
    const victimPath = ownUrl.pathname.replace(own.id, file.id);
    expect((await fetchSigned(server, `${victimPath}?${ownUrl.searchParams}`)).status).toBe(403);
    expect((await fetchSigned(server, `${ownUrl.pathname.replace('original', 'thumbnail')}?${ownUrl.searchParams}`)).status).toBe(403);
    // The owner's own link works for whoever holds it, and only for that file.
    const response = await fetchSigned(server, await downloadUrl(owner, file.id));
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(jpeg));
  });

  it('gives an admin, who has no studio, no vault', async () => {
    const { client: admin } = await signedInAdmin(server);
    for (const [method, path] of [['GET', '/api/vault/files'], ['GET', '/api/vault/albums'], ['GET', `/api/vault/files/${file.id}`], ['GET', '/api/vault/usage']] as const) {
      const answer = await admin.json<ErrorAnswer>(method, path);
      expect([answer.status, answer.body.error.code], path).toEqual([403, 'studio_required']);
    }
  });
});
