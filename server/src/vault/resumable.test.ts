import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tus from 'tus-js-client';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { noisyPng, photo } from '../../test/images.ts';
import { createLab, signedInLab } from '../../test/labs.ts';
import { TUS, UPLOAD_TYPE, containsAny, createUpload, created, finish, metadata, offsetOf, patch, plaintextProbes, storedFiles } from '../../test/tus.ts';
import { downloadUrl, fetchSigned, readFully, sha256, streamOf, upload } from '../../test/vault.ts';
import { changeStudioSettings } from '../studios/service.ts';
import { createVaultDeps } from './deps.ts';
import { purgeExpiredUploads } from './resumable.ts';

/** Resumable uploads (tus 1.0): resume after a cut and a restart, nothing in clear at rest, every refusal with its tus status. */

const MAX_UPLOAD = 8 * 1024 * 1024;

describe.each(databaseKinds())('resumable uploads on %s', (database) => {
  let server: TestServer;
  let client: TestClient;
  let studioId: string;
  let big: Buffer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true', VAULT_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) } });
    const signedIn = await signedInClient(server, 'photographer');
    client = signedIn.client;
    studioId = signedIn.user.studioId as string;
    big = await noisyPng(700, 500);
  }, 60_000);
  afterAll(async () => server?.close());

  async function downloaded(fileId: string): Promise<Buffer> {
    const whole = await readFully(await fetchSigned(server, await downloadUrl(client, fileId)));
    expect(whole.complete).toBe(true);
    return whole.bytes;
  }

  async function segmentCount(): Promise<number> {
    let count = 0;
    for await (const key of server.runtime.blobs.list(`uploads/${studioId}/`)) count += key ? 1 : 0;
    return count;
  }

  async function errorCode(response: Response): Promise<string> {
    return ((await response.json()) as { error: { code: string } }).error.code;
  }

  it('advertises the protocol on OPTIONS', async () => {
    const response = await client.request('OPTIONS', '/api/vault/uploads', undefined, {});
    expect(response.status).toBe(204);
    expect(response.headers.get('tus-version')).toBe('1.0.0');
    expect(response.headers.get('tus-extension')).toBe('creation,creation-with-upload,termination,expiration,checksum');
    expect(response.headers.get('tus-max-size')).toBe(String(MAX_UPLOAD));
    expect(response.headers.get('tus-checksum-algorithm')).toBe('sha1,sha256');
  });

  it('takes a photo in pieces of any size and gives it back byte-exact', async () => {
    const location = await created(client, big.length, { name: 'Mariée.png' });
    expect(await offsetOf(client, location)).toEqual({ status: 200, offset: 0, length: big.length });
    // Pieces that end inside a chunk, exactly on a chunk, and shorter than the sniffing window.
    for (const [start, end] of [[0, 100], [100, 5000], [5000, 16_384], [16_384, 16_384 * 3 + 7], [16_384 * 3 + 7, 200_001]]) {
      const response = await patch(client, location, start as number, big.subarray(start, end));
      expect(response.status, await response.text()).toBe(204);
      expect(response.headers.get('upload-offset')).toBe(String(end));
      expect(response.headers.get('tus-resumable')).toBe('1.0.0');
      expect(new Date(response.headers.get('upload-expires') as string).getTime()).toBeGreaterThan(Date.now());
    }
    const fileId = await finish(client, location, big);
    expect(sha256(await downloaded(fileId))).toBe(sha256(big));
    const file = await client.json<{ file: { name: string; size: number; type: string } }>('GET', `/api/vault/files/${fileId}`);
    expect(file.body.file).toMatchObject({ name: 'Mariée.png', size: big.length, type: 'image/png' });
    expect(await segmentCount()).toBe(0);
    // A finished upload still answers its offset (a client that lost the last answer), and takes no more.
    expect((await offsetOf(client, location)).offset).toBe(big.length);
    expect((await patch(client, location, big.length, new Uint8Array(0))).status).toBe(204);
    expect((await patch(client, location, 0, big.subarray(0, 10))).status).toBe(409);
  });

  it('takes the first bytes with the creation request (creation-with-upload), and a small photo in one go', async () => {
    const small = await photo('jpeg', { width: 64, height: 48 });
    const response = await createUpload(client, small.length, { name: 'one.jpg', body: small });
    expect(response.status, await response.text()).toBe(201);
    expect(response.headers.get('upload-offset')).toBe(String(small.length));
    const fileId = response.headers.get('upload-file-id') as string;
    expect(sha256(await downloaded(fileId))).toBe(sha256(small));

    const partial = await createUpload(client, big.length, { body: big.subarray(0, 40_000) });
    expect(partial.status).toBe(201);
    expect(partial.headers.get('upload-offset')).toBe('40000');
    const rest = await finish(client, partial.headers.get('location') as string, big);
    expect(sha256(await downloaded(rest))).toBe(sha256(big));
  });

  it('keeps what arrived before a dropped connection, and resumes byte-exact', async () => {
    const location = await created(client, big.length, { name: 'cut.png' });
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (sent >= 300_000) {
          // The connection drops: the client's body fails, and the request with it.
          await new Promise((resolve) => setTimeout(resolve, 300));
          controller.error(new Error('connection cut'));
          return;
        }
        controller.enqueue(big.subarray(sent, sent + 10_000));
        sent += 10_000;
      },
    });
    await client
      .request('PATCH', location, body, { ...TUS, 'content-type': UPLOAD_TYPE, 'upload-offset': '0' })
      .then(
        () => undefined,
        () => undefined,
      );
    // The server commits what it received once it sees the cut; the offset then stays put.
    let offset = 0;
    for (let tries = 0; tries < 100 && offset === 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      offset = (await offsetOf(client, location)).offset;
    }
    expect(offset).toBeGreaterThan(100_000);
    expect(offset).toBeLessThanOrEqual(300_000);
    const fileId = await finish(client, location, big);
    expect(sha256(await downloaded(fileId))).toBe(sha256(big));
  });

  it('never has plaintext at rest while an upload is paused, and resumes after a restart', async () => {
    const location = await created(client, big.length, { name: 'paused.png' });
    // Stop inside a chunk, so part of the upload is the sealed tail in the row.
    const pausedAt = 16_384 * 10 + 1234;
    for (const [start, end] of [[0, 3000], [3000, 70_001], [70_001, pausedAt]]) {
      expect((await patch(client, location, start as number, big.subarray(start, end))).status).toBe(204);
      const probes = plaintextProbes(big, end);
      for (const { file, bytes } of await storedFiles(server.dataDir)) {
        expect(containsAny(bytes, probes), `${file} holds plaintext at offset ${end}`).toBe(false);
      }
    }
    await server.restart();
    expect(await offsetOf(client, location)).toEqual({ status: 200, offset: pausedAt, length: big.length });
    const fileId = await finish(client, location, big, 3);
    expect(sha256(await downloaded(fileId))).toBe(sha256(big));
  }, 60_000);

  it('uploads through tus-js-client, in small chunks with retries', async () => {
    const bytes = await noisyPng(300, 200);
    const cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    let fileId: string | null = null;
    await new Promise<void>((resolve, reject) => {
      const upload = new tus.Upload(bytes, {
        endpoint: `${server.url}/api/vault/uploads`,
        chunkSize: 50_000,
        retryDelays: [0, 100, 500],
        metadata: { filename: 'client.png' },
        headers: { cookie, 'sec-fetch-site': 'same-origin', 'user-agent': 'tus-js-client test' },
        onSuccess: (payload) => {
          fileId = payload.lastResponse.getHeader('upload-file-id') ?? null;
          resolve();
        },
        onError: reject,
      });
      upload.start();
    });
    expect(fileId).not.toBeNull();
    expect(sha256(await downloaded(fileId as unknown as string))).toBe(sha256(bytes));
  });

  it('answers an offset mismatch 409 and a wrong checksum 460, keeping nothing of that request', async () => {
    const location = await created(client, big.length);
    expect((await patch(client, location, 0, big.subarray(0, 20_000))).status).toBe(204);
    const behind = await patch(client, location, 10_000, big.subarray(10_000, 30_000));
    expect(behind.status).toBe(409);
    expect(await errorCode(behind)).toBe('upload_offset_mismatch');
    const ahead = await patch(client, location, 25_000, big.subarray(25_000, 30_000));
    expect(ahead.status).toBe(409);

    const piece = big.subarray(20_000, 60_000);
    const wrong = createHash('sha256').update(big.subarray(0, 10)).digest('base64');
    const mismatch = await patch(client, location, 20_000, piece, { 'upload-checksum': `sha256 ${wrong}` });
    expect(mismatch.status).toBe(460);
    expect(await errorCode(mismatch)).toBe('checksum_mismatch');
    expect((await offsetOf(client, location)).offset).toBe(20_000);
    const right = await patch(client, location, 20_000, piece, { 'upload-checksum': `sha1 ${createHash('sha1').update(piece).digest('base64')}` });
    expect(right.status).toBe(204);
    expect(right.headers.get('upload-offset')).toBe('60000');
    const fileId = await finish(client, location, big);
    expect(sha256(await downloaded(fileId))).toBe(sha256(big));
  });

  it('refuses too large (413), past its length (413), not a photo (415, terminated) and over quota (413)', async () => {
    const tooLarge = await createUpload(client, MAX_UPLOAD + 1);
    expect(tooLarge.status).toBe(413);
    expect(await errorCode(tooLarge)).toBe('file_too_large');

    const small = await photo('jpeg', { width: 32, height: 32 });
    const short = await created(client, 100);
    const past = await patch(client, short, 0, small.subarray(0, 200));
    expect(past.status).toBe(413);
    expect(await errorCode(past)).toBe('upload_length_exceeded');
    expect((await offsetOf(client, short)).offset).toBe(0);
    expect((await client.request('DELETE', short, undefined, TUS)).status).toBe(204);

    const text = Buffer.from('<html><body>not a photo</body></html>'.repeat(500));
    const notPhoto = await created(client, text.length, { name: 'page.jpg' });
    expect((await patch(client, notPhoto, 0, text.subarray(0, 1000))).status).toBe(204);
    const refused = await patch(client, notPhoto, 1000, text.subarray(1000));
    expect(refused.status).toBe(415);
    expect(await errorCode(refused)).toBe('file_type_not_allowed');
    expect((await offsetOf(client, notPhoto)).status).toBe(404);
    expect(await segmentCount()).toBe(0);

    // A photo whose first bytes pass but which does not decode is refused at completion, and terminated too.
    const cut = big.subarray(0, 100_000);
    const broken = await created(client, cut.length, { name: 'cut.png' });
    const brokenAnswer = await patch(client, broken, 0, cut);
    expect(brokenAnswer.status).toBe(422);
    expect((await offsetOf(client, broken)).status).toBe(404);
    expect(await segmentCount()).toBe(0);

    const used = (await client.json<{ usedBytes: number }>('GET', '/api/vault/usage')).body.usedBytes;
    const deps = { db: server.runtime.database.db };
    await changeStudioSettings(deps, studioId, { quotaBytes: used + 300_000 });
    try {
      const overQuota = await createUpload(client, 400_000);
      expect(overQuota.status).toBe(413);
      expect(await errorCode(overQuota)).toBe('quota_exceeded');
      // The quota shrinks while an upload is under way: refused as the bytes arrive, and terminated.
      const within = await created(client, big.length > 290_000 ? 290_000 : big.length);
      expect((await patch(client, within, 0, big.subarray(0, 100_000))).status).toBe(204);
      await changeStudioSettings(deps, studioId, { quotaBytes: used + 150_000 });
      const shrunk = await patch(client, within, 100_000, big.subarray(100_000, 200_000));
      expect(shrunk.status).toBe(413);
      expect(await errorCode(shrunk)).toBe('quota_exceeded');
      expect((await offsetOf(client, within)).status).toBe(404);
      expect(await segmentCount()).toBe(0);
    } finally {
      await changeStudioSettings(deps, studioId, { quotaBytes: null });
    }
  });

  it('holds an open upload’s announced length against the quota until it completes, is terminated or expires', async () => {
    const used = (await client.json<{ usedBytes: number }>('GET', '/api/vault/usage')).body.usedBytes;
    const deps = { db: server.runtime.database.db };
    const length = big.length;
    const third = Math.floor(length / 3);
    await changeStudioSettings(deps, studioId, { quotaBytes: used + length + Math.floor(length / 2) });
    try {
      // Two uploads, each within the quota, together over it: the second is refused as tus refuses (413).
      const first = await created(client, length);
      const second = await createUpload(client, length);
      expect(second.status).toBe(413);
      expect(await errorCode(second)).toBe('quota_exceeded');
      // Nor does a single-request upload take the space the open upload holds.
      const single = await upload(client, big, { name: 'single.png' });
      expect([single.status, single.error?.code]).toEqual([413, 'quota_exceeded']);
      // Created at the same moment, one of two wins.
      expect((await client.request('DELETE', first, undefined, TUS)).status).toBe(204);
      const racing = await Promise.all([createUpload(client, length), createUpload(client, length)]);
      expect(racing.map((response) => response.status).sort()).toEqual([201, 413]);
      const winner = racing.find((response) => response.status === 201)!.headers.get('location') as string;
      // Its own reservation does not stand in its way: it completes, and then counts as a file.
      await finish(client, winner, big);
      const next = await created(client, third);
      expect((await createUpload(client, third)).status).toBe(413);
      // Terminated, it frees its space; expired, it holds none even before the purge deletes it.
      expect((await client.request('DELETE', next, undefined, TUS)).status).toBe(204);
      const stale = await created(client, third);
      await server.runtime.database.db.updateTable('vault_resumable_uploads').set({ expires_at: Date.now() - 1 }).where('id', '=', stale.split('/').pop()!).execute();
      const fresh = await created(client, third);
      expect((await client.request('DELETE', fresh, undefined, TUS)).status).toBe(204);
    } finally {
      await changeStudioSettings(deps, studioId, { quotaBytes: null });
    }
  });

  it('expires at its maximum age from creation however often it is appended to, and its reservation goes with it', async () => {
    const used = (await client.json<{ usedBytes: number }>('GET', '/api/vault/usage')).body.usedBytes;
    const deps = { db: server.runtime.database.db };
    const length = big.length;
    await changeStudioSettings(deps, studioId, { quotaBytes: used + length + Math.floor(length / 2) });
    try {
      const location = await created(client, length);
      const id = location.split('/').at(-1) as string;
      // Created almost VAULT_RESUMABLE_MAX_AGE_HOURS (default 7 days) ago: an append no longer pushes the expiry a day on.
      const createdAt = Date.now() - 7 * 24 * 60 * 60_000 + 1500;
      await deps.db.updateTable('vault_resumable_uploads').set({ created_at: createdAt }).where('id', '=', id).execute();
      const appended = await patch(client, location, 0, big.subarray(0, 100));
      expect(appended.status).toBe(204);
      const maxAgeEnd = createdAt + 7 * 24 * 60 * 60_000;
      expect(new Date(appended.headers.get('upload-expires') as string).getTime()).toBe(Math.floor(maxAgeEnd / 1000) * 1000);
      const row = await deps.db.selectFrom('vault_resumable_uploads').select('expires_at').where('id', '=', id).executeTakeFirstOrThrow();
      expect(Number(row.expires_at)).toBe(maxAgeEnd);
      // Once that moment passed, the upload is gone for its client and holds no quota.
      expect((await createUpload(client, length)).status).toBe(413);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, maxAgeEnd - Date.now()) + 50));
      expect((await patch(client, location, 100, big.subarray(100, 200))).status).toBe(410);
      const next = await created(client, length);
      expect((await client.request('DELETE', next, undefined, TUS)).status).toBe(204);
    } finally {
      await changeStudioSettings(deps, studioId, { quotaBytes: null });
    }
  });

  it('terminates on DELETE, and purges expired uploads with their segments', async () => {
    const location = await created(client, big.length);
    expect((await patch(client, location, 0, big.subarray(0, 100_000))).status).toBe(204);
    expect(await segmentCount()).toBeGreaterThan(0);
    expect((await client.request('DELETE', location, undefined, TUS)).status).toBe(204);
    expect((await offsetOf(client, location)).status).toBe(404);
    expect(await segmentCount()).toBe(0);

    const abandoned = await created(client, big.length);
    expect((await patch(client, abandoned, 0, big.subarray(0, 100_000))).status).toBe(204);
    const id = abandoned.split('/').at(-1) as string;
    const db = server.runtime.database.db;
    await db.updateTable('vault_resumable_uploads').set({ expires_at: Date.now() - 1000 }).where('id', '=', id).execute();
    expect((await offsetOf(client, abandoned)).status).toBe(410);
    const expired = await patch(client, abandoned, 100_000, big.subarray(100_000, 110_000));
    expect(expired.status).toBe(410);
    expect(await purgeExpiredUploads(createVaultDeps(server.runtime, () => undefined))).toBeGreaterThanOrEqual(1);
    expect(await db.selectFrom('vault_resumable_uploads').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
    expect(await segmentCount()).toBe(0);
    expect((await offsetOf(client, abandoned)).status).toBe(404);
  });

  it('answers only the member who made the upload; anonymous, admin and lab callers are refused', async () => {
    const location = await created(client, big.length);
    expect((await patch(client, location, 0, big.subarray(0, 20_000))).status).toBe(204);
    const other = (await signedInClient(server, 'photographer', 'other-studio')).client;
    expect((await offsetOf(other, location)).status).toBe(404);
    expect((await patch(other, location, 20_000, big.subarray(20_000, 30_000))).status).toBe(404);
    expect((await other.request('DELETE', location, undefined, TUS)).status).toBe(404);

    const anonymous = new TestClient(server);
    expect((await anonymous.request('POST', '/api/vault/uploads', undefined, { ...TUS, 'upload-length': '10' })).status).toBe(401);
    expect((await offsetOf(anonymous, location)).status).toBe(401);
    expect((await patch(anonymous, location, 20_000, big.subarray(20_000, 30_000))).status).toBe(401);
    expect((await anonymous.request('DELETE', location, undefined, TUS)).status).toBe(401);

    const admin = (await signedInAdmin(server)).client;
    const adminCreate = await admin.request('POST', '/api/vault/uploads', undefined, { ...TUS, 'upload-length': '10' });
    expect(adminCreate.status).toBe(403);
    expect((await offsetOf(admin, location)).status).toBe(403);

    const made = await createLab(admin);
    const lab = await signedInLab(server, made.lab, made.pin);
    expect((await lab.request('POST', '/api/vault/uploads', undefined, { ...TUS, 'upload-length': '10' })).status).toBe(401);
    expect((await offsetOf(lab, location)).status).toBe(401);

    // A request from another site is refused before it touches the upload.
    const forged = await client.request('PATCH', location, big.subarray(20_000, 30_000), { ...TUS, 'content-type': UPLOAD_TYPE, 'upload-offset': '20000', 'sec-fetch-site': 'cross-site' });
    expect(forged.status).toBe(403);
    expect((await offsetOf(client, location)).offset).toBe(20_000);
  });

  it('answers bad input with 4xx and a stable code, never 5xx', async () => {
    const location = await created(client, big.length);
    const cases: Array<[string, Promise<Response>, number, string?]> = [
      ['no Tus-Resumable', client.request('POST', '/api/vault/uploads', undefined, { 'upload-length': '10' }), 412, 'tus_version_unsupported'],
      ['old Tus-Resumable', client.request('HEAD', location, undefined, { 'tus-resumable': '0.2.2' }), 412],
      ['no Upload-Length', client.request('POST', '/api/vault/uploads', undefined, TUS), 400, 'invalid_tus_header'],
      ['bad Upload-Length', createUpload(client, 0, { headers: { 'upload-length': '-5' } }), 400, 'invalid_tus_header'],
      ['empty upload', createUpload(client, 0), 400, 'file_empty'],
      ['deferred length', client.request('POST', '/api/vault/uploads', undefined, { ...TUS, 'upload-defer-length': '1' }), 400, 'defer_length_unsupported'],
      ['bad metadata', createUpload(client, 10, { headers: { 'upload-metadata': 'filename not*base64' } }), 400, 'invalid_upload_metadata'],
      ['bad album', createUpload(client, 10, { headers: { 'upload-metadata': metadata({ albumId: 'x' }) } }), 400, 'invalid_upload_metadata'],
      ['unknown album', createUpload(client, 10, { albumId: '00000000-0000-4000-8000-000000000000' }), 404, 'album_not_found'],
      ['bad id', client.request('HEAD', '/api/vault/uploads/not-an-id', undefined, TUS), 400],
      ['unknown id', client.request('HEAD', '/api/vault/uploads/00000000-0000-4000-8000-000000000000', undefined, TUS), 404],
      ['no Upload-Offset', client.request('PATCH', location, big.subarray(0, 10), { ...TUS, 'content-type': UPLOAD_TYPE }), 400, 'invalid_tus_header'],
      ['bad Upload-Offset', patch(client, location, 0, big.subarray(0, 10), { 'upload-offset': '1e3' }), 400, 'invalid_tus_header'],
      ['wrong content type', patch(client, location, 0, big.subarray(0, 10), { 'content-type': 'application/octet-stream' }), 415],
      ['unknown checksum', patch(client, location, 0, big.subarray(0, 10), { 'upload-checksum': 'md5 AAAA' }), 400, 'checksum_algorithm_unsupported'],
      ['bad checksum', patch(client, location, 0, big.subarray(0, 10), { 'upload-checksum': 'sha256 AAAA' }), 400, 'invalid_checksum'],
      ['stream body', patch(client, location, 0, streamOf(big.subarray(0, 10_000), 1000)), 204],
    ];
    for (const [label, pending, status, code] of cases) {
      const response = await pending;
      expect(response.status, label).toBe(status);
      if (code) expect(await errorCode(response), label).toBe(code);
      else await response.arrayBuffer();
      expect(response.headers.get('tus-resumable'), label).toBe('1.0.0');
    }
  });
});
