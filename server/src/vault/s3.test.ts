import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { noisyPng, photo } from '../../test/images.ts';
import { readS3TestSettings } from '../../test/s3-service.ts';
import { containsAny, created, finish, offsetOf, patch, plaintextProbes } from '../../test/tus.ts';
import { downloadUrl, fetchSigned, readBlob, readFully, settled, sha256, upload, uploaded } from '../../test/vault.ts';

/** The main path again with blobs in S3: upload, previews, whole and ranged downloads, tampering, trash. */

const s3 = readS3TestSettings();
if (!s3) console.warn('\n  NOTICE: no S3 endpoint for tests; the vault-on-S3 tests are SKIPPED.\n');

describe.skipIf(!s3).each(databaseKinds())('the vault on S3 with %s', (database) => {
  let server: TestServer;
  let client: TestClient;
  beforeAll(async () => {
    const settings = s3 as NonNullable<typeof s3>;
    server = await startTestServer({
      database,
      env: {
        TRUST_PROXY: 'true',
        STORAGE_BACKEND: 's3',
        S3_BUCKET: settings.bucket,
        S3_ENDPOINT: settings.endpoint,
        S3_REGION: settings.region,
        S3_ACCESS_KEY_ID: settings.accessKeyId,
        S3_SECRET_ACCESS_KEY: settings.secretAccessKey,
        S3_FORCE_PATH_STYLE: String(settings.forcePathStyle),
        S3_PREFIX: `vault-test-${crypto.randomUUID()}`,
      },
    });
    client = (await signedInClient(server, 'photographer')).client;
  });
  afterAll(async () => server?.close());

  it('stores encrypted, makes previews, and gives back the whole file and ranges byte-exact', async () => {
    expect(server.runtime.blobs.kind).toBe('s3');
    const bytes = await noisyPng(1600, 1200);
    const file = await uploaded(client, bytes, { name: 'on-s3.png' });
    const row = await server.runtime.database.db.selectFrom('vault_files').select('blob_key').where('id', '=', file.id).executeTakeFirstOrThrow();
    const stored = await readBlob(server, row.blob_key);
    expect(stored.includes(bytes.subarray(1000, 1064))).toBe(false);

    const url = await downloadUrl(client, file.id);
    const whole = await readFully(await fetchSigned(server, url));
    expect(whole.complete && sha256(whole.bytes) === sha256(bytes)).toBe(true);
    for (const [header, expected] of [['bytes=0-0', bytes.subarray(0, 1)], ['bytes=-100', bytes.subarray(-100)], ['bytes=200000-300000', bytes.subarray(200_000, 300_001)]] as const) {
      const response = await fetchSigned(server, url, { range: header });
      expect(response.status).toBe(206);
      expect(Buffer.from(await response.arrayBuffer()).equals(expected), header).toBe(true);
    }
    expect((await settled(client, file.id)).status).toBe('ready');
    expect((await fetchSigned(server, await downloadUrl(client, file.id, 'thumbnail'))).headers.get('content-type')).toBe('image/webp');
  });

  it('refuses a tampered blob, and refuses bad uploads without leaving objects behind', async () => {
    const jpeg = await photo('jpeg');
    const file = await uploaded(client, jpeg, { name: 'tampered.jpg' });
    const row = await server.runtime.database.db.selectFrom('vault_files').select(['blob_key', 'studio_id']).where('id', '=', file.id).executeTakeFirstOrThrow();
    const stored = await readBlob(server, row.blob_key);
    stored[stored.length >> 1] = (stored[stored.length >> 1] as number) ^ 1;
    await server.runtime.blobs.put(row.blob_key, Readable.from([stored]));
    expect((await fetchSigned(server, await downloadUrl(client, file.id))).status).toBe(500);

    const countObjects = async () => {
      let count = 0;
      for await (const key of server.runtime.blobs.list(`studios/${row.studio_id}/`)) count += key ? 1 : 0;
      return count;
    };
    await settled(client, file.id);
    const before = await countObjects();
    expect((await upload(client, jpeg.subarray(0, jpeg.length >> 1), { name: 'cut.jpg' })).status).toBe(422);
    expect(await countObjects()).toBe(before);
  });

  it('keeps a paused resumable upload sealed in the bucket, and resumes it byte-exact after a restart', async () => {
    const bytes = await noisyPng(500, 400);
    const location = await created(client, bytes.length, { name: 'resumable-on-s3.png' });
    const pausedAt = 16_384 * 6 + 777;
    for (const [start, end] of [[0, 50_001], [50_001, pausedAt]]) {
      expect((await patch(client, location, start as number, bytes.subarray(start, end))).status).toBe(204);
    }
    const probes = plaintextProbes(bytes, pausedAt);
    let objects = 0;
    let segments = 0;
    for await (const key of server.runtime.blobs.list('')) {
      objects += 1;
      if (key.startsWith('uploads/')) segments += 1;
      expect(containsAny(await readBlob(server, key), probes), key).toBe(false);
    }
    expect(objects).toBeGreaterThan(0);
    expect(segments).toBe(2);
    await server.restart();
    expect((await offsetOf(client, location)).offset).toBe(pausedAt);
    const fileId = await finish(client, location, bytes);
    const whole = await readFully(await fetchSigned(server, await downloadUrl(client, fileId)));
    expect(whole.complete && sha256(whole.bytes) === sha256(bytes)).toBe(true);
    for await (const key of server.runtime.blobs.list('uploads/')) expect(key, 'segments left after completion').toBe('');
  }, 60_000);
});
