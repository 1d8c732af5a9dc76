import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { type UploadedFile, sha256, uploaded } from '../../test/vault.ts';
import type { ServedFile } from '../http/send-file.ts';
import { createVaultDeps } from './deps.ts';
import { type VaultFiles, createVaultFiles } from './service.ts';
import { collect } from './stored-blobs.ts';

/**
 * The vault's interface for other capabilities (service.ts): what deliveries use now and
 * labs, the image service, portfolios and resumable uploads will. Every method acts for one
 * studio: ids of another studio's files, or of files in the trash, are simply not there.
 */

const wholeFile = { range: undefined, ifRange: undefined };

async function bytesOf(served: ServedFile): Promise<Buffer> {
  return Buffer.isBuffer(served.body) ? served.body : collect(served.body);
}

describe.each(databaseKinds())('the vault interface on %s', (database) => {
  let server: TestServer;
  let vault: VaultFiles;
  let owner: TestClient;
  let ownerStudio: string;
  let ownerId: string;
  let otherStudio: string;
  let jpeg: Buffer;
  let kept: UploadedFile;
  let trashed: UploadedFile;
  let theirs: UploadedFile;
  let albumId: string;

  beforeAll(async () => {
    server = await startTestServer({ database });
    vault = createVaultFiles(createVaultDeps(server.runtime, () => undefined));
    const ours = await signedInClient(server, 'photographer', 'interface-owner');
    const other = await signedInClient(server, 'photographer', 'interface-other');
    owner = ours.client;
    ownerStudio = ours.user.studioId as string;
    ownerId = ours.user.id;
    otherStudio = other.user.studioId as string;
    jpeg = await photo('jpeg', { width: 64, height: 48 });
    albumId = (await owner.json<{ album: { id: string } }>('POST', '/api/vault/albums', { name: 'Selects' })).body.album.id;
    kept = await uploaded(owner, jpeg, { name: 'kept.jpg', albumId });
    trashed = await uploaded(owner, await photo('png'), { name: 'trashed.png', albumId });
    expect((await owner.request('DELETE', `/api/vault/files/${trashed.id}`)).status).toBe(204);
    theirs = await uploaded(other.client, await photo('webp'), { name: 'theirs.webp' });
  });
  afterAll(async () => server?.close());

  it('finds a studio’s files in the order asked, never another studio’s or one in the trash', async () => {
    const found = await vault.find(ownerStudio, [theirs.id, trashed.id, kept.id]);
    expect(found.map((file) => file.id)).toEqual([kept.id]);
    expect(found[0]).toMatchObject({ studioId: ownerStudio, name: 'kept.jpg', mediaType: 'image/jpeg', size: jpeg.length, sha256: sha256(jpeg), width: 64, height: 48 });
    expect(await vault.find(otherStudio, [kept.id])).toEqual([]);
  });

  it('summarises the same files as find finds, from their rows alone', async () => {
    expect(await vault.summary(ownerStudio, kept.id)).toEqual({ id: kept.id, studioId: ownerStudio, mediaType: 'image/jpeg', size: jpeg.length, previewsReady: true });
    for (const id of [theirs.id, trashed.id]) expect(await vault.summary(ownerStudio, id)).toBeUndefined();
    expect(await vault.summary(otherStudio, kept.id)).toBeUndefined();
  });

  it('hands on its own untrashed files, or an album of its own only', async () => {
    expect(await vault.deliverableFileIds(ownerStudio, { fileIds: [kept.id, trashed.id, theirs.id] })).toEqual([kept.id]);
    expect(await vault.deliverableFileIds(ownerStudio, { albumId })).toEqual([kept.id]);
    await expect(vault.deliverableFileIds(otherStudio, { albumId })).rejects.toMatchObject({ code: 'album_not_found', statusCode: 404 });
  });

  it('gives sizes, names (the trash’s too), views and usage within the studio alone', async () => {
    expect(await vault.sizes(ownerStudio, [kept.id, trashed.id, theirs.id])).toEqual(new Map([[kept.id, jpeg.length]]));
    expect(await vault.names(ownerStudio, [kept.id, trashed.id, theirs.id])).toEqual(
      new Map([
        [kept.id, 'kept.jpg'],
        [trashed.id, 'trashed.png'],
      ]),
    );
    expect(await vault.names(otherStudio, [kept.id])).toEqual(new Map());
    expect((await vault.views(ownerStudio, [theirs.id, kept.id])).map((view) => view.id)).toEqual([kept.id]);
    expect(await vault.usedBytes(ownerStudio)).toBe(kept.size + trashed.size);
  });

  it('reads a file verified, whole or one range, and as a ZIP entry', async () => {
    const [file] = await vault.find(ownerStudio, [kept.id]);
    if (!file) throw new Error('not found');
    const whole = await file.read('original', wholeFile);
    expect(whole).toMatchObject({ range: undefined, length: jpeg.length, mediaType: 'image/jpeg', name: 'kept.jpg', etag: `"${sha256(jpeg)}"` });
    expect((await bytesOf(whole)).equals(jpeg)).toBe(true);
    const part = await file.read('original', { range: 'bytes=2-11', ifRange: undefined });
    expect(part.range).toEqual({ start: 2, end: 11, size: jpeg.length });
    expect((await bytesOf(part)).equals(jpeg.subarray(2, 12))).toBe(true);
    await expect(file.read('original', { range: `bytes=${jpeg.length}-`, ifRange: undefined })).rejects.toMatchObject({ code: 'range_not_satisfiable', statusCode: 416 });

    const entry = await file.zipEntry('original');
    expect(entry).toMatchObject({ name: 'kept.jpg', size: jpeg.length, sha256: sha256(jpeg) });
    expect((await collect(await entry.open())).equals(jpeg)).toBe(true);
  });

  it('stores an upload handed to it, in the actor’s studio', async () => {
    const bytes = await photo('png', { width: 20, height: 10 });
    const actor = { studioId: ownerStudio, userId: ownerId, role: 'owner', ip: '192.0.2.1', userAgent: 'another capability' } as const;
    const { file: view, duplicateOf } = await vault.upload(actor, { name: 'handed.png', body: Readable.from([bytes]) });
    expect(view).toMatchObject({ name: 'handed.png', size: bytes.length, sha256: sha256(bytes) });
    expect(duplicateOf).toBeNull();
    expect((await vault.upload(actor, { name: 'again.png', body: Readable.from([bytes]) })).duplicateOf).toBe(view.id);
    await expect(vault.upload(actor, { name: 'skipped.png', onDuplicate: 'skip', body: Readable.from([bytes]) })).rejects.toMatchObject({ code: 'duplicate_file', statusCode: 409 });
    expect((await vault.find(ownerStudio, [view.id])).map((file) => file.name)).toEqual(['handed.png']);
    expect(await vault.find(otherStudio, [view.id])).toEqual([]);
  });
});
