import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { noisyPng, photo } from '../../test/images.ts';
import { type UploadedFile, downloadUrl, fetchSigned, previewJobsDone, readFully, readBlob as readStoredBlob, sha256, uploaded } from '../../test/vault.ts';
import crypto from 'node:crypto';
import { listAuditEvents } from '../audit/audit-log.ts';
import { BLOCK_SIZE } from './block-hashes.ts';
import { encryptBuffer } from '../crypto/chunked.ts';
import { studioDataKey } from '../studios/service.ts';
import { blobContext } from './stored-blobs.ts';

/**
 * Tampering with stored blobs, straight through the blob store: a flipped bit, a truncated
 * blob, blobs swapped between files. No download may end as a complete transfer, every one
 * is refused before the first byte or cut off, and each is audited.
 */

describe.each(databaseKinds())('integrity on %s', (database) => {
  let server: TestServer;
  let client: TestClient;
  let studioId: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    const signedIn = await signedInClient(server, 'photographer');
    client = signedIn.client;
    studioId = signedIn.user.studioId as string;
  });
  afterAll(async () => server?.close());

  async function blobKey(fileId: string, column: 'blob_key' | 'thumbnail_key' = 'blob_key'): Promise<string> {
    const row = await server.runtime.database.db.selectFrom('vault_files').select(['blob_key', 'thumbnail_key']).where('id', '=', fileId).executeTakeFirstOrThrow();
    return row[column] as string;
  }

  const readBlob = (key: string) => readStoredBlob(server, key);

  async function writeBlob(key: string, bytes: Buffer): Promise<void> {
    await server.runtime.blobs.put(key, Readable.from([bytes]));
  }

  async function flipBit(key: string, offset: (size: number) => number): Promise<void> {
    const bytes = await readBlob(key);
    const at = offset(bytes.length);
    bytes[at] = (bytes[at] as number) ^ 0x01;
    await writeBlob(key, bytes);
  }

  /** What a client gets: the status, and whether the body arrived complete and matching. */
  async function attempt(fileId: string, original: Buffer, headers: Record<string, string> = {}, variant: 'original' | 'thumbnail' = 'original'): Promise<{ status: number; intact: boolean }> {
    const response = await fetchSigned(server, await downloadUrl(client, fileId, variant), headers);
    const { bytes, complete } = await readFully(response);
    return { status: response.status, intact: complete && sha256(bytes) === sha256(original) };
  }

  async function integrityFailures(fileId: string): Promise<number> {
    const events = await listAuditEvents(server.runtime.database.db, { limit: 500 });
    return events.filter((event) => event.action === 'vault.integrity_failure' && event.details.fileId === fileId).length;
  }

  /**
   * An uploaded file whose preview job has finished: a job still reading the original when the
   * test damages it would record an integrity failure of its own and double the count.
   */
  async function fresh(bytes: Buffer): Promise<UploadedFile> {
    const file = await uploaded(client, bytes, { name: 'evidence.png' });
    await previewJobsDone(server);
    return file;
  }

  it('cuts off a large download at a flipped bit in the middle, and audits it', async () => {
    const bytes = await noisyPng(1600, 1200);
    const file = await fresh(bytes);
    // Inside chunk 100 of the format: 56-byte header, then chunks of 16 KiB plus a 16-byte tag.
    const damaged = 100 * 16_384;
    await flipBit(await blobKey(file.id), () => 56 + 100 * (16_384 + 16) + 50);
    // The header and the final chunk are sound, so the answer starts; it must not finish.
    expect(await attempt(file.id, bytes)).toEqual({ status: 200, intact: false });
    await expect.poll(() => integrityFailures(file.id)).toBe(1);
    // A range away from the damage is still served; one over it is not.
    expect(await attempt(file.id, bytes.subarray(0, 1000), { range: 'bytes=0-999' })).toEqual({ status: 206, intact: true });
    expect((await attempt(file.id, bytes.subarray(damaged - 100, damaged + 100), { range: `bytes=${damaged - 100}-${damaged + 99}` })).intact).toBe(false);
    await expect.poll(() => integrityFailures(file.id)).toBe(2);
  });

  it('refuses a small file with a flipped bit before sending anything', async () => {
    const bytes = await photo('jpeg');
    const file = await fresh(bytes);
    // Else the previews job may read the altered blob too, and audit a second failure.
    await previewJobsDone(server);
    await flipBit(await blobKey(file.id), (size) => Math.floor(size / 2));
    const response = await fetchSigned(server, await downloadUrl(client, file.id));
    expect(response.status).toBe(500);
    // Which check failed is for the log and the audit trail, not the client.
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('internal_error');
    expect(await integrityFailures(file.id)).toBe(1);
  });

  it('refuses a truncated blob, a damaged header and a missing blob before sending anything', async () => {
    const bytes = await noisyPng(1600, 1200);
    const truncated = await fresh(bytes);
    const key = await blobKey(truncated.id);
    const stored = await readBlob(key);
    await writeBlob(key, stored.subarray(0, stored.length - 1000));
    expect(await attempt(truncated.id, bytes)).toEqual({ status: 500, intact: false });
    expect(await attempt(truncated.id, bytes, { range: 'bytes=0-99' })).toEqual({ status: 500, intact: false });

    const header = await fresh(bytes);
    await flipBit(await blobKey(header.id), () => 30);
    expect(await attempt(header.id, bytes)).toEqual({ status: 500, intact: false });

    const missing = await fresh(bytes);
    await server.runtime.blobs.delete(await blobKey(missing.id));
    expect(await attempt(missing.id, bytes)).toEqual({ status: 500, intact: false });

    for (const file of [truncated, header, missing]) expect(await integrityFailures(file.id)).toBeGreaterThanOrEqual(1);
  });

  it('refuses two blobs swapped between files, in both directions', async () => {
    const first = await photo('png');
    const second = await photo('jpeg');
    const a = await fresh(first);
    const b = await fresh(second);
    const [keyA, keyB] = [await blobKey(a.id), await blobKey(b.id)];
    const [blobA, blobB] = [await readBlob(keyA), await readBlob(keyB)];
    await writeBlob(keyA, blobB);
    await writeBlob(keyB, blobA);
    expect(await attempt(a.id, first)).toEqual({ status: 500, intact: false });
    expect(await attempt(b.id, second)).toEqual({ status: 500, intact: false });
    expect(await attempt(a.id, second)).toEqual({ status: 500, intact: false });
    expect(await integrityFailures(a.id)).toBeGreaterThanOrEqual(1);
    expect(await integrityFailures(b.id)).toBeGreaterThanOrEqual(1);
  });

  it('refuses an older preview of the same file put back in place of the current one', async () => {
    const file = await fresh(await photo('jpeg'));
    await previewJobsDone(server);
    const previewKey = async () =>
      (await server.runtime.database.db.selectFrom('vault_files').select('preview_key').where('id', '=', file.id).executeTakeFirstOrThrow()).preview_key as string;
    const olderKey = await previewKey();
    const older = await readBlob(olderKey);
    expect((await client.json('POST', `/api/vault/files/${file.id}/retry-previews`, {})).status).toBe(202);
    await previewJobsDone(server);
    const currentKey = await previewKey();
    expect(currentKey).not.toBe(olderKey);
    // The same file, the same variant, the same studio key: only the blob's own key tells them apart.
    await writeBlob(currentKey, older);
    const response = await fetchSigned(server, await downloadUrl(client, file.id, 'preview'));
    expect(response.status).toBe(500);
    await response.arrayBuffer();
    expect(await integrityFailures(file.id)).toBe(1);
  });

  it('still opens blobs sealed before contexts bound their key', async () => {
    const original = await photo('png');
    const file = await fresh(original);
    const row = await server.runtime.database.db.selectFrom('vault_files').select(['blob_key', 'studio_id']).where('id', '=', file.id).executeTakeFirstOrThrow();
    const dataKey = await studioDataKey({ db: server.runtime.database.db, keys: server.runtime.keys }, row.studio_id);
    // As releases before stored it: a key without the k2- mark, sealed with the file and variant only.
    const legacyKey = `studios/${row.studio_id}/${crypto.randomUUID()}`;
    expect(blobContext(legacyKey, file.id, 'original').toString()).toBe(`${file.id}/original`);
    await writeBlob(legacyKey, encryptBuffer(dataKey, Buffer.from(`${file.id}/original`), original));
    await server.runtime.database.db.updateTable('vault_files').set({ blob_key: legacyKey }).where('id', '=', file.id).execute();
    expect(await attempt(file.id, original)).toEqual({ status: 200, intact: true });
    expect(row.blob_key).toMatch(/\/k2-[0-9a-f-]{36}$/);
  });

  it('refuses a tampered preview', async () => {
    const file = await fresh(await photo('jpeg'));
    await previewJobsDone(server);
    await flipBit(await blobKey(file.id, 'thumbnail_key'), (size) => size - 5);
    const response = await fetchSigned(server, await downloadUrl(client, file.id, 'thumbnail'));
    expect(response.status).toBe(500);
    await response.arrayBuffer();
    expect(await integrityFailures(file.id)).toBe(1);
  });

  it('checks unencrypted originals block by block: a range reads only its blocks, and no block leaves before it matched', async () => {
    const { client: admin } = await signedInAdmin(server);
    expect((await admin.json('PATCH', `/api/admin/studios/${studioId}`, { encryptionEnabled: false })).status).toBe(200);
    try {
      const bytes = await noisyPng(1600, 1200);
      expect(bytes.length).toBeGreaterThan(3 * BLOCK_SIZE);
      const file = await fresh(bytes);
      const key = await blobKey(file.id);
      expect((await readBlob(key)).equals(bytes)).toBe(true);
      expect(await attempt(file.id, bytes)).toEqual({ status: 200, intact: true });

      const reads = vi.spyOn(server.runtime.blobs, 'get');
      try {
        const range = await fetchSigned(server, await downloadUrl(client, file.id), { range: 'bytes=-100' });
        expect(Buffer.from(await range.arrayBuffer()).equals(bytes.subarray(-100))).toBe(true);
        // Only the last block is read, not the file from its first byte.
        expect(reads.mock.calls.map(([, range]) => range)).toEqual([{ start: Math.floor((bytes.length - 1) / BLOCK_SIZE) * BLOCK_SIZE, end: bytes.length - 1 }]);
      } finally {
        reads.mockRestore();
      }

      await flipBit(key, () => BLOCK_SIZE + 10);
      // A range in blocks that still match is served; one in the altered block never arrives.
      expect(await attempt(file.id, bytes.subarray(-100), { range: 'bytes=-100' })).toEqual({ status: 206, intact: true });
      const altered = `bytes=${BLOCK_SIZE}-${BLOCK_SIZE + 99}`;
      expect(await attempt(file.id, bytes.subarray(BLOCK_SIZE, BLOCK_SIZE + 100), { range: altered })).toEqual({ status: 500, intact: false });
      // The whole file stops before the altered block: what arrived is the first block, intact.
      const whole = await fetchSigned(server, await downloadUrl(client, file.id));
      const received = await readFully(whole);
      expect(received.complete).toBe(false);
      expect(received.bytes.length).toBeLessThanOrEqual(BLOCK_SIZE);
      expect(received.bytes.equals(bytes.subarray(0, received.bytes.length))).toBe(true);
      await expect.poll(() => integrityFailures(file.id)).toBe(2);
    } finally {
      await admin.json('PATCH', `/api/admin/studios/${studioId}`, { encryptionEnabled: true });
    }
  });

  it('checks an unencrypted studio’s previews against the SHA-256 recorded when they were made, before a byte is sent', async () => {
    const { client: admin } = await signedInAdmin(server);
    expect((await admin.json('PATCH', `/api/admin/studios/${studioId}`, { encryptionEnabled: false })).status).toBe(200);
    try {
      const file = await fresh(await photo('jpeg', { width: 640, height: 480 }));
      const thumbnailKey = await blobKey(file.id, 'thumbnail_key');
      const thumbnail = await readBlob(thumbnailKey);
      // Stored plain, so nothing but the recorded hash stands between the store and the client.
      expect(thumbnail.subarray(0, 4).toString('latin1')).toBe('RIFF');
      expect(await attempt(file.id, thumbnail, {}, 'thumbnail')).toEqual({ status: 200, intact: true });
      expect(await attempt(file.id, thumbnail.subarray(10, 20), { range: 'bytes=10-19' }, 'thumbnail')).toEqual({ status: 206, intact: true });
      await flipBit(thumbnailKey, (size) => Math.floor(size / 2));
      const response = await fetchSigned(server, await downloadUrl(client, file.id, 'thumbnail'));
      expect(response.status).toBe(500);
      // As every server fault: the client gets the request id; the log and the audit trail name the check.
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('internal_error');
      expect(await integrityFailures(file.id)).toBe(1);
      // A range far from the damage is refused too: the whole preview is checked first.
      expect((await attempt(file.id, thumbnail.subarray(0, 10), { range: 'bytes=0-9' }, 'thumbnail')).status).toBe(500);
    } finally {
      await admin.json('PATCH', `/api/admin/studios/${studioId}`, { encryptionEnabled: true });
    }
  });

  it('still checks an unencrypted original stored without block hashes against its SHA-256, holding back the end', async () => {
    const { client: admin } = await signedInAdmin(server);
    expect((await admin.json('PATCH', `/api/admin/studios/${studioId}`, { encryptionEnabled: false })).status).toBe(200);
    try {
      const bytes = await noisyPng(1600, 1200);
      const file = await fresh(bytes);
      await server.runtime.database.db.deleteFrom('vault_plain_blocks').where('file_id', '=', file.id).execute();
      expect(await attempt(file.id, bytes.subarray(-100), { range: 'bytes=-100' })).toEqual({ status: 206, intact: true });
      await flipBit(await blobKey(file.id), (size) => Math.floor(size / 3));
      // The tail is held back until the whole file matched: it never arrives.
      expect(await attempt(file.id, bytes.subarray(-100), { range: 'bytes=-100' })).toEqual({ status: 500, intact: false });
    } finally {
      await admin.json('PATCH', `/api/admin/studios/${studioId}`, { encryptionEnabled: true });
    }
  });
});
