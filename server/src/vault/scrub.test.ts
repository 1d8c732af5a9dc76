import fs from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupRepairSource, createBackup } from '../backup/backup.ts';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { type TestServer, makeTempDir, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { readBlob, settled, uploaded } from '../../test/vault.ts';
import { createVaultDeps } from './deps.ts';
import { scrubAndRecord, scrubVault } from './scrub.ts';

describe('scrub', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it('finds a flipped byte, a truncated blob, a missing blob and an orphan, and repairs from a backup', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const files = [];
    for (let index = 0; index < 3; index += 1) {
      const file = await uploaded(client, await photo('jpeg', { width: 200 + index * 10 }));
      await settled(client, file.id);
      files.push(file);
    }
    const deps = createVaultDeps(server.runtime, () => undefined);
    expect(await scrubVault(deps)).toMatchObject({ checked: 9, missing: [], corrupt: [], orphaned: [] });
    const backup = await createBackup({ database: server.runtime.config.database, blobs: server.runtime.blobs, keys: server.runtime.keys }, await makeTempDir('scrub-backup'));

    const keysOf = async (fileId: string) => server.runtime.database.db.selectFrom('vault_files').select(['blob_key', 'preview_key']).where('id', '=', fileId).executeTakeFirstOrThrow();
    const [flipped, truncated, missing] = await Promise.all(files.map((file) => keysOf(file.id)));
    const flippedBytes = await readBlob(server, flipped!.blob_key);
    flippedBytes[200] = flippedBytes[200]! ^ 0x01;
    await server.runtime.blobs.put(flipped!.blob_key, Readable.from([flippedBytes]));
    const truncatedBytes = await readBlob(server, truncated!.blob_key);
    await server.runtime.blobs.put(truncated!.blob_key, Readable.from([truncatedBytes.subarray(0, truncatedBytes.length - 100)]));
    await server.runtime.blobs.delete(missing!.preview_key!);
    const orphan = `studios/${user.studioId}/k2-orphan`;
    await server.runtime.blobs.put(orphan, Readable.from([Buffer.from('left behind')]));

    const report = await scrubVault(deps);
    expect(report.corrupt.map((finding) => finding.key).sort()).toEqual([flipped!.blob_key, truncated!.blob_key].sort());
    expect(report.corrupt[0]!.reason).toMatch(/chunk tag|commitment/);
    expect(report.missing).toEqual([expect.objectContaining({ key: missing!.preview_key, variant: 'preview', reason: 'not in the blob store' })]);
    expect(report.orphaned).toEqual([orphan]);

    const repaired = await scrubAndRecord(deps, await backupRepairSource(backup.dir, server.runtime.keys, server.runtime.blobs));
    expect(repaired.repaired.sort()).toEqual([flipped!.blob_key, truncated!.blob_key, missing!.preview_key!].sort());
    expect(repaired).toMatchObject({ missing: [], corrupt: [], orphaned: [orphan] });
    const audited = await server.runtime.database.db.selectFrom('audit_events').select('details').where('action', '=', 'vault.scrub_finished').orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(audited.details)).toMatchObject({ checked: 9, missing: 0, corrupt: 0, orphaned: 1, repaired: 3 });
    await fs.rm(backup.dir, { recursive: true });
  });

  it('finds a damaged preview of an unencrypted studio by the SHA-256 recorded when it was made', async () => {
    const { client, user } = await signedInClient(server, 'photographer', 'plain-scrub');
    const { client: admin } = await signedInAdmin(server);
    expect((await admin.json('PATCH', `/api/admin/studios/${user.studioId}`, { encryptionEnabled: false })).status).toBe(200);
    const file = await uploaded(client, await photo('jpeg', { width: 300 }));
    await settled(client, file.id);
    const { thumbnail_key: key } = await server.runtime.database.db.selectFrom('vault_files').select('thumbnail_key').where('id', '=', file.id).executeTakeFirstOrThrow();
    const deps = createVaultDeps(server.runtime, () => undefined);
    expect((await scrubVault(deps)).corrupt.map((finding) => finding.fileId)).not.toContain(file.id);
    const bytes = await readBlob(server, key!);
    bytes[bytes.length >> 1] = bytes[bytes.length >> 1]! ^ 0x01;
    await server.runtime.blobs.put(key!, Readable.from([bytes]));
    const report = await scrubVault(deps);
    expect(report.corrupt.filter((finding) => finding.fileId === file.id)).toEqual([
      { key, fileId: file.id, variant: 'thumbnail', reason: 'its content differs from the SHA-256 recorded when it was made' },
    ]);
  });
});
