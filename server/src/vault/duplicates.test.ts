import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { signedInMember } from '../../test/teams.ts';
import { TUS, createUpload, created, finish, metadata, offsetOf, patch } from '../../test/tus.ts';
import { previewJobsDone, sha256, upload, uploaded } from '../../test/vault.ts';
import { createVaultDeps } from './deps.ts';
import { backfillContentDigests } from './duplicates.ts';

/**
 * Duplicate detection on upload (duplicates.ts), through both doors — the single request and
 * tus: the older file named (keep both), or the upload refused leaving nothing (skip); only
 * the studio's own files outside the trash count; the database holds a keyed digest, never
 * the SHA-256; files from before get theirs from the backfill job.
 */

describe.each(databaseKinds())('duplicate detection on %s', (database) => {
  let server: TestServer;
  let client: TestClient;
  let studioId: string;
  let other: TestClient;
  let otherStudioId: string;
  /** A photo no other test uploads: every test starts from content the studio does not have. */
  let nextWidth = 40;
  const freshPhoto = () => photo('jpeg', { width: nextWidth++, height: 30 });

  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    const signedIn = await signedInClient(server, 'photographer', 'dupes');
    client = signedIn.client;
    studioId = signedIn.user.studioId as string;
    const second = await signedInClient(server, 'photographer', 'dupes-other');
    other = second.client;
    otherStudioId = second.user.studioId as string;
  }, 60_000);
  afterAll(async () => server?.close());

  /** The studio's rows, stored blobs and upload segments once preview jobs are done: what a refused upload must not add to. */
  async function stored(studio = studioId): Promise<{ rows: number; blobs: number; segments: number }> {
    await previewJobsDone(server);
    const rows = await server.runtime.database.db.selectFrom('vault_files').select('id').where('studio_id', '=', studio).execute();
    let blobs = 0;
    for await (const key of server.runtime.blobs.list(`studios/${studio}/`)) blobs += key ? 1 : 0;
    let segments = 0;
    for await (const key of server.runtime.blobs.list(`uploads/${studio}/`)) segments += key ? 1 : 0;
    return { rows: rows.length, blobs, segments };
  }

  async function contentDigestOf(fileId: string): Promise<string | null> {
    const row = await server.runtime.database.db.selectFrom('vault_files').select('content_digest').where('id', '=', fileId).executeTakeFirstOrThrow();
    return row.content_digest;
  }

  async function errorCode(response: Response): Promise<string> {
    return ((await response.json()) as { error: { code: string } }).error.code;
  }

  /** A whole photo through tus in one append; the final answer. */
  async function tusUpload(as: TestClient, bytes: Buffer, meta: Record<string, string>): Promise<Response> {
    const response = await createUpload(as, bytes.length, { headers: { 'upload-metadata': metadata(meta) } });
    expect(response.status).toBe(201);
    return patch(as, response.headers.get('location') as string, 0, bytes);
  }

  it('keeps both by default on a single upload, and names the older file in duplicateOf', async () => {
    const bytes = await freshPhoto();
    const first = await upload(client, bytes, { name: 'IMG_0001.jpg' });
    expect([first.status, first.duplicateOf]).toEqual([201, null]);
    const second = await upload(client, bytes, { name: 'IMG_0001 copy.jpg' });
    expect([second.status, second.duplicateOf]).toEqual([201, first.file.id]);
    expect(second.file.id).not.toBe(first.file.id);
    // A third copy still names the oldest one.
    expect((await upload(client, bytes, { name: 'again.jpg', onDuplicate: 'keep' })).duplicateOf).toBe(first.file.id);
    expect(await contentDigestOf(second.file.id)).toBe(await contentDigestOf(first.file.id));
  });

  it('refuses a duplicate with 409 duplicate_file on onDuplicate=skip, storing nothing; new content goes through', async () => {
    const bytes = await freshPhoto();
    const original = await uploaded(client, bytes, { name: 'kept.jpg' });
    const before = await stored();
    const skipped = await upload(client, bytes, { name: 'skipped.jpg', onDuplicate: 'skip' });
    expect([skipped.status, skipped.error?.code]).toEqual([409, 'duplicate_file']);
    expect(skipped.headers.get('upload-duplicate-of')).toBe(original.id);
    expect(await stored()).toEqual(before);
    const fresh = await upload(client, await freshPhoto(), { name: 'new.jpg', onDuplicate: 'skip' });
    expect([fresh.status, fresh.duplicateOf]).toEqual([201, null]);
  });

  it('names the older file in Upload-Duplicate-Of on tus’s final answer, and again on HEAD', async () => {
    const bytes = await freshPhoto();
    const original = await uploaded(client, bytes, { name: 'single.jpg' });
    const location = await created(client, bytes.length, { name: 'resumed.jpg' });
    const half = Math.floor(bytes.length / 2);
    expect((await patch(client, location, 0, bytes.subarray(0, half))).status).toBe(204);
    const last = await patch(client, location, half, bytes.subarray(half));
    expect(last.status).toBe(204);
    expect(last.headers.get('upload-duplicate-of')).toBe(original.id);
    const fileId = last.headers.get('upload-file-id');
    expect(fileId).not.toBe(original.id);
    // A client that lost the final answer hears it again.
    const head = await client.request('HEAD', location, undefined, TUS);
    expect([head.headers.get('upload-file-id'), head.headers.get('upload-duplicate-of')]).toEqual([fileId, original.id]);
    // A first upload through tus is nobody's duplicate; an upload of new content carries no such header.
    const fresh = await tusUpload(client, await freshPhoto(), { filename: 'fresh.jpg' });
    expect(fresh.status).toBe(204);
    expect(fresh.headers.get('upload-duplicate-of')).toBeNull();
  });

  it('refuses a duplicate at tus completion with onDuplicate skip, terminating the upload and storing nothing', async () => {
    const bytes = await freshPhoto();
    const original = (await tusUpload(client, bytes, { filename: 'first.jpg' })).headers.get('upload-file-id');
    const before = await stored();
    const response = await createUpload(client, bytes.length, { headers: { 'upload-metadata': metadata({ filename: 'second.jpg', onDuplicate: 'skip' }) } });
    const location = response.headers.get('location') as string;
    const refused = await patch(client, location, 0, bytes);
    expect(refused.status).toBe(409);
    expect(refused.headers.get('upload-duplicate-of')).toBe(original);
    expect(refused.headers.get('tus-resumable')).toBe('1.0.0');
    expect(await errorCode(refused)).toBe('duplicate_file');
    expect((await offsetOf(client, location)).status).toBe(404);
    expect(await stored()).toEqual(before);
    // The same photo with creation-with-upload, skipping: refused in the creation's answer.
    const inOne = await createUpload(client, bytes.length, { headers: { 'upload-metadata': metadata({ onDuplicate: 'skip' }) }, body: bytes });
    expect([inOne.status, await errorCode(inOne)]).toEqual([409, 'duplicate_file']);
    expect(await stored()).toEqual(before);
  });

  it('never reports another studio’s identical file, on either path, and their digests differ', async () => {
    const bytes = await freshPhoto();
    const mine = await uploaded(client, bytes, { name: 'mine.jpg' });
    const theirs = await upload(other, bytes, { name: 'theirs.jpg', onDuplicate: 'skip' });
    expect([theirs.status, theirs.duplicateOf]).toEqual([201, null]);
    const theirsResumed = await tusUpload(other, await freshPhoto(), { filename: 'resumed.jpg' });
    expect(theirsResumed.headers.get('upload-duplicate-of')).toBeNull();
    const sameAsMine = await tusUpload(other, bytes, { filename: 'also-mine.jpg' });
    // Their studio has it now (from the single upload above), never mine.
    expect(sameAsMine.headers.get('upload-duplicate-of')).toBe(theirs.file.id);
    expect(await contentDigestOf(theirs.file.id)).not.toBe(await contentDigestOf(mine.id));
    expect((await stored(otherStudioId)).rows).toBe(3);
  });

  it('does not count a file in the trash: uploading it again is new, even when skipping', async () => {
    const bytes = await freshPhoto();
    const trashed = await uploaded(client, bytes, { name: 'trashed.jpg' });
    expect((await client.request('DELETE', `/api/vault/files/${trashed.id}`)).status).toBe(204);
    const again = await upload(client, bytes, { name: 'again.jpg', onDuplicate: 'skip' });
    expect([again.status, again.duplicateOf]).toEqual([201, null]);
    // Restored, it is the older copy again.
    expect((await client.request('POST', `/api/vault/files/${trashed.id}/restore`)).status).toBe(200);
    expect((await upload(client, bytes, { name: 'third.jpg' })).duplicateOf).toBe(trashed.id);
  });

  it('keeps the SHA-256 out of the row: the column holds a keyed digest only', async () => {
    const bytes = await freshPhoto();
    const file = await uploaded(client, bytes, { name: 'private.jpg' });
    const row = await server.runtime.database.db.selectFrom('vault_files').selectAll().where('id', '=', file.id).executeTakeFirstOrThrow();
    expect(row.content_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(row.content_digest).not.toBe(sha256(bytes));
    expect(JSON.stringify({ ...row, metadata_sealed: undefined })).not.toContain(sha256(bytes));
  });

  it('refuses one of two concurrent uploads of the same new photo when both skip duplicates', async () => {
    const bytes = await freshPhoto();
    const answers = await Promise.all([upload(client, bytes, { name: 'a.jpg', onDuplicate: 'skip' }), upload(client, bytes, { name: 'b.jpg', onDuplicate: 'skip' })]);
    expect(answers.map((answer) => answer.status).toSorted()).toEqual([201, 409]);
  });

  it('gives files stored before duplicate detection their digest from the backfill job', async () => {
    const bytes = await freshPhoto();
    const older = await uploaded(client, bytes, { name: 'older.jpg' });
    const digest = await contentDigestOf(older.id);
    const db = server.runtime.database.db;
    await db.updateTable('vault_files').set({ content_digest: null }).where('studio_id', 'in', [studioId, otherStudioId]).execute();
    expect((await upload(client, bytes, { name: 'unseen.jpg' })).duplicateOf).toBeNull();
    expect(await backfillContentDigests(createVaultDeps(server.runtime, () => undefined))).toBeGreaterThan(0);
    expect(await contentDigestOf(older.id)).toBe(digest);
    const left = await db.selectFrom('vault_files').select('id').where('content_digest', 'is', null).where('status', '!=', 'purging').execute();
    expect(left).toEqual([]);
    expect((await upload(client, bytes, { name: 'seen.jpg' })).duplicateOf).toBe(older.id);
  });

  it('lets an editor’s upload find the owner’s file; a viewer cannot upload, so cannot probe', async () => {
    const bytes = await freshPhoto();
    const owned = await uploaded(client, bytes, { name: 'owner.jpg' });
    const editor = (await signedInMember(server, client, 'editor')).client;
    const viewer = (await signedInMember(server, client, 'viewer')).client;
    const cases: Array<[who: string, as: TestClient, status: number, duplicateOf: string | null | undefined]> = [
      ['editor, keep', editor, 201, owned.id],
      ['viewer, keep', viewer, 403, undefined],
    ];
    for (const [who, as, status, duplicateOf] of cases) {
      const answer = await upload(as, bytes, { name: 'x.jpg' });
      expect({ who, status: answer.status, duplicateOf: answer.duplicateOf }).toEqual({ who, status, duplicateOf });
    }
    const viewerSkip = await upload(viewer, bytes, { name: 'x.jpg', onDuplicate: 'skip' });
    expect([viewerSkip.status, viewerSkip.error?.code, viewerSkip.headers.get('upload-duplicate-of')]).toEqual([403, 'studio_role_forbidden', null]);
    const viewerTus = await createUpload(viewer, bytes.length, { headers: { 'upload-metadata': metadata({ onDuplicate: 'skip' }) } });
    expect(viewerTus.status).toBe(403);
  });

  it('answers a bad onDuplicate with 400 and a stable code on both paths', async () => {
    const bytes = await freshPhoto();
    const before = await stored();
    for (const value of ['maybe', 'SKIP', '']) {
      const single = await upload(client, bytes, { name: 'x.jpg', onDuplicate: value as 'skip' });
      expect([value, single.status, single.error?.code]).toEqual([value, 400, 'validation_failed']);
    }
    for (const value of ['maybe', 'SKIP']) {
      const resumable = await createUpload(client, bytes.length, { headers: { 'upload-metadata': metadata({ onDuplicate: value }) } });
      expect([value, resumable.status, await errorCode(resumable)]).toEqual([value, 400, 'invalid_upload_metadata']);
    }
    expect(await stored()).toEqual(before);
    // finish() still works for an upload whose metadata names no choice at all.
    expect(await finish(client, await created(client, bytes.length), bytes)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
