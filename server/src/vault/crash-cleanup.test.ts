import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { noisyPng } from '../../test/images.ts';
import { sha256, upload } from '../../test/vault.ts';
import { createVaultDeps } from './deps.ts';
import { purgeExpiredTrash } from './purge.ts';
import { newBlobKey } from './stored-blobs.ts';

/**
 * What a crashed instance leaves behind, and what the purge may take (cluster/ proves it with a
 * real `kill -9`): an upload is stale only after VAULT_STALE_UPLOAD_SECONDS without a sign of
 * life, so a slow live upload survives purges; a preview blob written but never taken is
 * deleted once stale, a fresh one is not.
 */

const STALE_SECONDS = 2;

describe.each(databaseKinds())('clean-up after crashes on %s', (database) => {
  let server: TestServer;
  let client: TestClient;
  let studioId: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true', VAULT_STALE_UPLOAD_SECONDS: String(STALE_SECONDS) } });
    const signedIn = await signedInClient(server, 'photographer');
    client = signedIn.client;
    studioId = signedIn.user.studioId as string;
  });
  afterAll(async () => server?.close());

  it('keeps a slow upload that outlives the stale delay alive through purges, and stores it whole', async () => {
    const bytes = await noisyPng(300, 200);
    const pieces = 12;
    const pieceSize = Math.ceil(bytes.length / pieces);
    let sent = 0;
    // About 3 × the stale delay in all.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= bytes.length) return controller.close();
        await sleep((STALE_SECONDS * 3000) / pieces);
        controller.enqueue(bytes.subarray(sent, sent + pieceSize));
        sent += pieceSize;
      },
    });
    const deps = createVaultDeps(server.runtime, () => undefined);
    let purging = true;
    const purges = (async () => {
      while (purging) {
        await purgeExpiredTrash(deps);
        await sleep(300);
      }
    })();
    const result = await upload(client, body, { name: 'slow.png' });
    purging = false;
    await purges;
    expect(result.status, JSON.stringify(result.error)).toBe(201);
    expect(result.file.sha256).toBe(sha256(bytes));
  });

  it('deletes a preview blob a crash left unnamed once it is stale, and leaves a fresh one', async () => {
    const db = server.runtime.database.db;
    const stale = newBlobKey(studioId);
    const fresh = newBlobKey(studioId);
    for (const key of [stale, fresh]) await server.runtime.blobs.put(key, Readable.from([Buffer.from('preview bytes')]));
    await db
      .insertInto('vault_pending_blobs')
      .values([
        { blob_key: stale, studio_id: studioId, created_at: Date.now() - (STALE_SECONDS + 5) * 1000 },
        { blob_key: fresh, studio_id: studioId, created_at: Date.now() },
      ])
      .execute();
    await purgeExpiredTrash(createVaultDeps(server.runtime, () => undefined));
    expect(await server.runtime.blobs.head(stale)).toBeNull();
    expect(await server.runtime.blobs.head(fresh)).not.toBeNull();
    // The earlier uploads' preview jobs may still hold rows of their own here: judge these two only.
    const pending = (await db.selectFrom('vault_pending_blobs').select('blob_key').where('blob_key', 'in', [stale, fresh]).execute()).map((row) => row.blob_key);
    expect(pending).toEqual([fresh]);
  });
});
