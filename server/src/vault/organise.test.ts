import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { type ErrorAnswer, type UploadedFile, downloadUrl, fetchSigned, previewJobsDone, readBlob, sha256, upload, uploaded } from '../../test/vault.ts';
import { createDelivery, getDelivery } from '../../test/deliveries.ts';
import { listAuditEvents } from '../audit/audit-log.ts';
import { createVaultDeps } from './deps.ts';
import { purgeExpiredTrash } from './purge.ts';
import { DAY_MS } from './days.ts';

/** Organising a studio's files: albums, moves, the trash, paging, search, quotas and encryption settings. */

type Album = { id: string; name: string; fileCount: number };
type FileList = { files: UploadedFile[]; nextCursor: string | null; searchTruncated: boolean };

describe.each(databaseKinds())('organising on %s', (database) => {
  let server: TestServer;
  let jpeg: Buffer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    jpeg = await photo('jpeg', { width: 160, height: 120 });
  });
  afterAll(async () => server?.close());

  async function photographer(): Promise<{ client: TestClient; studioId: string; userId: string }> {
    const { client, user } = await signedInClient(server, 'photographer');
    return { client, studioId: user.studioId as string, userId: user.id };
  }

  async function list(client: TestClient, query: Record<string, string> = {}): Promise<FileList> {
    const answer = await client.json<FileList>('GET', `/api/vault/files?${new URLSearchParams(query)}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  }

  async function listAll(client: TestClient, query: Record<string, string>): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: FileList = await list(client, { ...query, ...(cursor ? { cursor } : {}) });
      names.push(...page.files.map((file) => file.name));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    return names;
  }

  it('creates, lists, renames and deletes albums; deleting keeps the files, in no album', async () => {
    const { client } = await photographer();
    const created = await client.json<{ album: Album }>('POST', '/api/vault/albums', { name: '  Smith \u202Ewedding  ' });
    expect(created.status).toBe(201);
    expect(created.body.album).toMatchObject({ name: 'Smith wedding', fileCount: 0 });
    const album = created.body.album;
    await client.json('POST', '/api/vault/albums', { name: 'Amsterdam 2024' });
    const file = await uploaded(client, jpeg, { name: 'kiss.jpg', albumId: album.id });
    expect(file.albumIds).toEqual([album.id]);

    const listed = await client.json<{ albums: Album[] }>('GET', '/api/vault/albums');
    expect(listed.body.albums.map((entry) => [entry.name, entry.fileCount])).toEqual([['Amsterdam 2024', 0], ['Smith wedding', 1]]);
    const renamed = await client.json<{ album: Album }>('PATCH', `/api/vault/albums/${album.id}`, { name: 'Smith & Jones wedding' });
    expect(renamed.body.album).toMatchObject({ id: album.id, name: 'Smith & Jones wedding', fileCount: 1 });
    expect((await client.json<ErrorAnswer>('PATCH', `/api/vault/albums/${album.id}`, { name: ' \u0000 ' })).body.error.code).toBe('album_name_invalid');

    const row = await server.runtime.database.db.selectFrom('vault_albums').selectAll().where('id', '=', album.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('Jones');

    expect((await client.request('DELETE', `/api/vault/albums/${album.id}`)).status).toBe(204);
    expect((await client.json('GET', `/api/vault/files/${file.id}`)).body).toMatchObject({ file: { id: file.id, albumIds: [] } });
    expect((await client.request('DELETE', `/api/vault/albums/${album.id}`)).status).toBe(404);
    expect((await upload(client, jpeg, { albumId: album.id })).error?.code).toBe('album_not_found');
  });

  it('moves files between albums, all or nothing, and lists an album or the files in none', async () => {
    const { client } = await photographer();
    const other = await photographer();
    const album = (await client.json<{ album: Album }>('POST', '/api/vault/albums', { name: 'Selects' })).body.album;
    const [a, b, c] = [await uploaded(client, jpeg, { name: 'a.jpg' }), await uploaded(client, jpeg, { name: 'b.jpg' }), await uploaded(client, jpeg, { name: 'c.jpg' })];
    const foreign = await uploaded(other.client, jpeg, { name: 'foreign.jpg' });

    const refused = await client.json<ErrorAnswer>('POST', '/api/vault/files/move', { fileIds: [a.id, foreign.id], albumId: album.id });
    expect([refused.status, refused.body.error.code]).toEqual([404, 'file_not_found']);
    expect((await list(client, { albumId: album.id })).files).toEqual([]);

    expect((await client.json('POST', '/api/vault/files/move', { fileIds: [a.id, b.id, a.id], albumId: album.id })).body).toEqual({ moved: 2 });
    expect((await list(client, { albumId: album.id, sort: 'name', order: 'asc' })).files.map((file) => file.name)).toEqual(['a.jpg', 'b.jpg']);
    expect((await list(client, { albumId: 'none' })).files.map((file) => file.id)).toEqual([c.id]);
    expect((await client.json('POST', '/api/vault/files/move', { fileIds: [b.id], albumId: null })).body).toEqual({ moved: 1 });
    expect((await list(client, { albumId: album.id })).files.map((file) => file.id)).toEqual([a.id]);
  });

  it('keeps a file in several albums: adds and removes without moving, and moving still takes it out of every other', async () => {
    const { client } = await photographer();
    const album = async (name: string): Promise<Album> => (await client.json<{ album: Album }>('POST', '/api/vault/albums', { name })).body.album;
    const [ceremony, selects, print] = [await album('Ceremony'), await album('Selects'), await album('Print')];
    const kiss = await uploaded(client, jpeg, { name: 'kiss.jpg', albumId: ceremony.id });
    const rings = await uploaded(client, jpeg, { name: 'rings.jpg', albumId: ceremony.id });
    const alone = await uploaded(client, jpeg, { name: 'alone.jpg' });

    const added = await client.json<{ album: Album; added: number }>('POST', `/api/vault/albums/${selects.id}/files`, { fileIds: [kiss.id, alone.id, kiss.id] });
    expect([added.status, added.body.added, added.body.album]).toEqual([200, 2, expect.objectContaining({ id: selects.id, fileCount: 2 })]);
    // Adding again changes nothing, and says so.
    expect((await client.json<{ added: number }>('POST', `/api/vault/albums/${selects.id}/files`, { fileIds: [kiss.id] })).body.added).toBe(0);
    expect((await client.json<{ file: UploadedFile }>('GET', `/api/vault/files/${kiss.id}`)).body.file.albumIds).toEqual([ceremony.id, selects.id]);
    expect((await list(client, { albumId: ceremony.id, sort: 'name', order: 'asc' })).files.map((file) => file.name)).toEqual(['kiss.jpg', 'rings.jpg']);
    expect((await list(client, { albumId: selects.id, sort: 'name', order: 'asc' })).files.map((file) => file.name)).toEqual(['alone.jpg', 'kiss.jpg']);
    expect((await list(client, { albumId: 'none' })).files).toEqual([]);
    const counts = async (): Promise<Array<[string, number]>> =>
      (await client.json<{ albums: Album[] }>('GET', '/api/vault/albums')).body.albums.map((entry) => [entry.name, entry.fileCount]);
    expect(await counts()).toEqual([['Ceremony', 2], ['Print', 0], ['Selects', 2]]);

    // An album's delivery delivers every file in it, those in other albums too.
    const { delivery } = await createDelivery(client, { title: 'Selects', albumId: selects.id });
    expect((await getDelivery(client, delivery.id)).files.map((file) => file.id).sort()).toEqual([kiss.id, alone.id].sort());

    const removed = await client.json<{ album: Album; removed: number }>('POST', `/api/vault/albums/${ceremony.id}/files/remove`, { fileIds: [kiss.id, alone.id] });
    expect([removed.status, removed.body.removed, removed.body.album.fileCount]).toEqual([200, 1, 1]);
    expect((await client.json<{ file: UploadedFile }>('GET', `/api/vault/files/${kiss.id}`)).body.file.albumIds).toEqual([selects.id]);

    // moveFiles is as it was: into one album, out of every other.
    expect((await client.json('POST', '/api/vault/files/move', { fileIds: [kiss.id], albumId: print.id })).body).toEqual({ moved: 1 });
    expect((await client.json<{ file: UploadedFile }>('GET', `/api/vault/files/${kiss.id}`)).body.file.albumIds).toEqual([print.id]);
    expect(await counts()).toEqual([['Ceremony', 1], ['Print', 1], ['Selects', 1]]);

    // Deleting an album takes its files out of it only.
    await client.json('POST', `/api/vault/albums/${print.id}/files`, { fileIds: [rings.id] });
    expect((await client.request('DELETE', `/api/vault/albums/${print.id}`)).status).toBe(204);
    expect((await client.json<{ file: UploadedFile }>('GET', `/api/vault/files/${rings.id}`)).body.file.albumIds).toEqual([ceremony.id]);
    expect((await list(client, { albumId: 'none' })).files.map((file) => file.id)).toEqual([kiss.id]);

    // A trashed file leaves its albums' counts and lists, and comes back to them when restored.
    expect((await client.request('DELETE', `/api/vault/files/${alone.id}?confirm=true`)).status).toBe(204);
    expect(await counts()).toEqual([['Ceremony', 1], ['Selects', 0]]);
    expect((await client.json<{ file: UploadedFile }>('POST', `/api/vault/files/${alone.id}/restore`)).body.file.albumIds).toEqual([selects.id]);
  });

  it('refuses bad album additions and removals with stable codes, all or nothing', async () => {
    const { client } = await photographer();
    const other = await photographer();
    const album = (await client.json<{ album: Album }>('POST', '/api/vault/albums', { name: 'Selects' })).body.album;
    const theirAlbum = (await other.client.json<{ album: Album }>('POST', '/api/vault/albums', { name: 'Theirs' })).body.album;
    const mine = await uploaded(client, jpeg, { name: 'mine.jpg' });
    const binned = await uploaded(client, jpeg, { name: 'binned.jpg' });
    expect((await client.request('DELETE', `/api/vault/files/${binned.id}`)).status).toBe(204);
    const theirs = await uploaded(other.client, jpeg, { name: 'theirs.jpg' });
    const outcome = async (path: string, body: unknown): Promise<string> => {
      const answer = await client.json<ErrorAnswer>('POST', path, body);
      return `${answer.status} ${answer.body.error?.code ?? ''}`.trim();
    };
    for (const action of ['files', 'files/remove']) {
      const path = `/api/vault/albums/${album.id}/${action}`;
      for (const body of [{}, { fileIds: [] }, { fileIds: ['not-a-uuid'] }, { fileIds: [mine.id], extra: true }, { fileIds: mine.id }, { fileIds: Array.from({ length: 501 }, () => mine.id) }]) {
        expect(await outcome(path, body), `${action} ${JSON.stringify(body).slice(0, 80)}`).toBe('400 validation_failed');
      }
      expect(await outcome(`/api/vault/albums/not-a-uuid/${action}`, { fileIds: [mine.id] })).toBe('400 validation_failed');
      expect(await outcome(`/api/vault/albums/${theirAlbum.id}/${action}`, { fileIds: [mine.id] })).toBe('404 album_not_found');
      expect(await outcome(path, { fileIds: [mine.id, theirs.id] })).toBe('404 file_not_found');
      expect(await outcome(path, { fileIds: [mine.id, binned.id] })).toBe('404 file_not_found');
    }
    expect((await client.json<{ file: UploadedFile }>('GET', `/api/vault/files/${mine.id}`)).body.file.albumIds).toEqual([]);
    expect((await other.client.json<{ albums: Album[] }>('GET', '/api/vault/albums')).body.albums).toEqual([expect.objectContaining({ id: theirAlbum.id, fileCount: 0 })]);
  });

  it('trashes, restores and empties the trash, deleting the blobs, with audit events', async () => {
    const { client, studioId } = await photographer();
    const keep = await uploaded(client, jpeg, { name: 'keep.jpg' });
    const gone = await uploaded(client, jpeg, { name: 'gone.jpg' });
    await previewJobsDone(server);
    const keepPreview = await downloadUrl(client, keep.id, 'preview');
    expect((await client.request('DELETE', `/api/vault/files/${keep.id}`)).status).toBe(204);
    expect((await fetchSigned(server, keepPreview)).status).toBe(404);
    expect((await client.request('DELETE', `/api/vault/files/${gone.id}`)).status).toBe(204);
    expect((await list(client)).files).toEqual([]);
    const trash = await list(client, { trash: 'true' });
    expect(trash.files.map((file) => file.name).sort()).toEqual(['gone.jpg', 'keep.jpg']);
    // The trash shows thumbnails (two photos of one name can be told apart), not previews.
    expect(trash.files.every((file) => file.deletedAt !== null && file.previewUrl === null)).toBe(true);
    const thumbnails = trash.files.map((file) => file.thumbnailUrl);
    expect(thumbnails.every((url) => typeof url === 'string')).toBe(true);
    const shown = await fetchSigned(server, thumbnails[0] as string);
    expect([shown.status, shown.headers.get('content-type')]).toEqual([200, 'image/webp']);
    await shown.arrayBuffer();

    const restored = await client.json<{ file: UploadedFile }>('POST', `/api/vault/files/${keep.id}/restore`);
    expect(restored.body.file).toMatchObject({ id: keep.id, deletedAt: null });
    const keys = await server.runtime.database.db.selectFrom('vault_files').select(['blob_key', 'thumbnail_key', 'preview_key']).where('id', '=', gone.id).executeTakeFirstOrThrow();
    expect((await client.json('POST', '/api/vault/trash/empty')).body).toEqual({ purged: 1 });
    for (const key of Object.values(keys)) expect(await server.runtime.blobs.head(key as string)).toBeNull();
    expect((await client.json('GET', `/api/vault/files/${gone.id}`)).status).toBe(404);
    expect((await list(client)).files.map((file) => file.id)).toEqual([keep.id]);
    expect(sha256(Buffer.from(await (await fetchSigned(server, await downloadUrl(client, keep.id))).arrayBuffer()))).toBe(sha256(jpeg));

    const actions = (await listAuditEvents(server.runtime.database.db, { limit: 500 })).filter((event) => event.details.studioId === studioId).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['vault.file_trashed', 'vault.file_restored', 'vault.trash_emptied']));
  });

  it('purges trash older than 30 days, and uploads abandoned by a crash', async () => {
    const { client, studioId } = await photographer();
    const old = await uploaded(client, jpeg, { name: 'old.jpg' });
    const recent = await uploaded(client, jpeg, { name: 'recent.jpg' });
    await previewJobsDone(server);
    await client.request('DELETE', `/api/vault/files/${old.id}`);
    await client.request('DELETE', `/api/vault/files/${recent.id}`);
    const db = server.runtime.database.db;
    await db.updateTable('vault_files').set({ deleted_at: Date.now() - 31 * DAY_MS }).where('id', '=', old.id).execute();
    // A crash mid-upload leaves an `uploading` row and perhaps its blob.
    const abandoned = await db.selectFrom('vault_files').selectAll().where('id', '=', recent.id).executeTakeFirstOrThrow();
    await db
      .insertInto('vault_files')
      .values({ ...abandoned, id: crypto.randomUUID(), blob_key: `studios/${studioId}/${crypto.randomUUID()}`, status: 'uploading', deleted_at: null, uploaded_at: Date.now() - 2 * DAY_MS })
      .execute();

    const deps = createVaultDeps(server.runtime, () => undefined);
    await purgeExpiredTrash(deps);
    const left = await db.selectFrom('vault_files').select(['id', 'status']).where('studio_id', '=', studioId).execute();
    expect(left).toEqual([{ id: recent.id, status: 'ready' }]);
    const event = (await listAuditEvents(db, { limit: 500 })).find((candidate) => candidate.action === 'vault.trash_purged' && candidate.details.studioId === studioId);
    expect(event?.details).toEqual({ studioId, files: 1 });
  });

  it('pages through files with an opaque cursor in every sort order, and searches by name', async () => {
    const { client } = await photographer();
    const names = ['IMG_10.jpg', 'IMG_2.jpg', 'beach.jpg', 'Café.jpg', 'dune.jpg', 'alpha.jpg', 'zebra.jpg'];
    const days = ['2021:03:04 10:00:00', '2023:01:01 08:00:00', '2022:07:15 12:00:00'];
    const files: UploadedFile[] = [];
    for (const [index, name] of names.entries()) {
      const dated = await photo('jpeg', { width: 32, height: 24 });
      const bytes = index < days.length ? await withCaptureDate(dated, days[index] as string) : dated;
      files.push(await uploaded(client, bytes, { name }));
    }
    expect(await listAll(client, { sort: 'name', order: 'asc', limit: '2' })).toEqual(['alpha.jpg', 'beach.jpg', 'Café.jpg', 'dune.jpg', 'IMG_2.jpg', 'IMG_10.jpg', 'zebra.jpg']);
    expect(await listAll(client, { sort: 'name', order: 'desc', limit: '3' })).toEqual(['zebra.jpg', 'IMG_10.jpg', 'IMG_2.jpg', 'dune.jpg', 'Café.jpg', 'beach.jpg', 'alpha.jpg']);
    expect(await listAll(client, { sort: 'uploaded', order: 'asc', limit: '3' })).toEqual(names);
    expect(await listAll(client, { sort: 'uploaded', order: 'desc', limit: '2' })).toEqual([...names].reverse());
    // Capture day first (files without one sort on their upload day, today), then upload time.
    expect(await listAll(client, { sort: 'captured', order: 'asc', limit: '2' })).toEqual(['IMG_10.jpg', 'beach.jpg', 'IMG_2.jpg', 'Café.jpg', 'dune.jpg', 'alpha.jpg', 'zebra.jpg']);
    expect(await listAll(client, { q: 'img', sort: 'name', order: 'asc', limit: '1' })).toEqual(['IMG_2.jpg', 'IMG_10.jpg']);
    expect(await listAll(client, { q: 'CAFÉ' })).toEqual(['Café.jpg']);

    const first = await list(client, { sort: 'name', limit: '2' });
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(first.nextCursor as string, 'base64url').toString('latin1')).not.toContain('beach');
    const mismatched = await client.json<ErrorAnswer>('GET', `/api/vault/files?sort=uploaded&cursor=${first.nextCursor}`);
    expect([mismatched.status, mismatched.body.error.code]).toEqual([400, 'cursor_invalid']);
    const other = await photographer();
    expect((await other.client.json<ErrorAnswer>('GET', `/api/vault/files?sort=name&limit=2&cursor=${first.nextCursor}`)).body.error.code).toBe('cursor_invalid');
    expect((await client.json<ErrorAnswer>('GET', '/api/vault/files?cursor=garbage')).body.error.code).toBe('cursor_invalid');
    expect((await client.json('GET', '/api/vault/files?limit=500')).status).toBe(400);
  });

  it('enforces the studio quota as the upload streams, and reports usage', async () => {
    const { client, studioId } = await photographer();
    const { client: admin } = await signedInAdmin(server);
    const first = await uploaded(client, jpeg, { name: 'first.jpg' });
    expect((await client.json('GET', '/api/vault/usage')).body).toEqual({ usedBytes: first.size, quotaBytes: null });
    const quota = first.size + Math.floor(jpeg.length / 2);
    const updated = await admin.json<{ studio: Record<string, unknown> }>('PATCH', `/api/admin/studios/${studioId}`, { quotaBytes: quota });
    expect(updated.body.studio).toEqual({ id: studioId, encryptionEnabled: true, quotaBytes: quota, usedBytes: first.size });
    expect((await client.json('GET', '/api/vault/usage')).body).toEqual({ usedBytes: first.size, quotaBytes: quota });

    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(jpeg.subarray(0, 5000));
        controller.enqueue(jpeg.subarray(5000));
        controller.close();
      },
    });
    const over = await upload(client, streamed, { name: 'second.jpg' });
    expect([over.status, over.error?.code]).toEqual([413, 'quota_exceeded']);
    const declared = await upload(client, jpeg, { name: 'second.jpg' });
    expect([declared.status, declared.error?.code]).toEqual([413, 'quota_exceeded']);
    expect((await client.json('GET', '/api/vault/usage')).body).toEqual({ usedBytes: first.size, quotaBytes: quota });

    await admin.json('PATCH', `/api/admin/studios/${studioId}`, { quotaBytes: null });
    expect((await upload(client, jpeg, { name: 'second.jpg' })).status).toBe(201);
    expect((await admin.json<ErrorAnswer>('PATCH', `/api/admin/studios/${crypto.randomUUID()}`, { quotaBytes: 1 })).body.error.code).toBe('studio_not_found');
    expect((await client.json('PATCH', `/api/admin/studios/${studioId}`, { quotaBytes: 1 })).status).toBe(403);
  });

  it('stores plain when an admin turns encryption off, still round trips, and keeps earlier files encrypted', async () => {
    const { client, studioId } = await photographer();
    const { client: admin } = await signedInAdmin(server);
    const before = await uploaded(client, jpeg, { name: 'before.jpg' });
    expect((await admin.json('PATCH', `/api/admin/studios/${studioId}`, { encryptionEnabled: false })).status).toBe(200);
    const plain = await uploaded(client, jpeg, { name: 'plain.jpg' });
    const rows = await server.runtime.database.db.selectFrom('vault_files').select(['id', 'encrypted', 'blob_key']).where('studio_id', '=', studioId).execute();
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(before.id)?.encrypted).toBe(1);
    expect(byId.get(plain.id)?.encrypted).toBe(0);
    const stored = await readBlob(server, byId.get(plain.id)?.blob_key as string);
    expect(stored.equals(jpeg)).toBe(true);
    for (const file of [before, plain]) {
      expect(sha256(Buffer.from(await (await fetchSigned(server, await downloadUrl(client, file.id))).arrayBuffer()))).toBe(sha256(jpeg));
    }
    const event = (await listAuditEvents(server.runtime.database.db, { limit: 500 })).find((candidate) => candidate.action === 'studio.updated' && candidate.details.studioId === studioId);
    expect(event?.details).toEqual({ studioId, encryptionEnabled: false, quotaBytes: null });
  });
});

/** The same pixels with an EXIF capture date. */
async function withCaptureDate(jpeg: Buffer, dateTimeOriginal: string): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  return sharp(jpeg).withExif({ IFD2: { DateTimeOriginal: dateTimeOriginal } }).jpeg().toBuffer();
}
