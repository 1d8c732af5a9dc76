import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { dngVersionTag, heic, jpegHtmlPolyglot, photo, pngBomb, svgWithScript, tiffRaw, zeroLengthBoxAvif, zeroLengthBoxHeic, zipArchive } from '../../test/images.ts';
import { downloadUrl, fetchSigned, previewJobsDone, readBlob, readFully, sha256, streamOf, upload, uploaded } from '../../test/vault.ts';
import { listAuditEvents } from '../audit/audit-log.ts';

/** Uploads end to end: every accepted type byte-exact, names neutralised, and the bad-input corpus refused cleanly. */

const MAX_UPLOAD = 3 * 1024 * 1024;

describe.each(databaseKinds())('uploads on %s', (database) => {
  let server: TestServer;
  let client: TestClient;
  let studioId: string;
  let jpeg: Buffer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true', VAULT_MAX_UPLOAD_BYTES: String(MAX_UPLOAD) } });
    const signedIn = await signedInClient(server, 'photographer');
    client = signedIn.client;
    studioId = signedIn.user.studioId as string;
    jpeg = await photo('jpeg', { exif: true });
  });
  afterAll(async () => server?.close());

  async function downloaded(fileId: string): Promise<Buffer> {
    const response = await fetchSigned(server, await downloadUrl(client, fileId));
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  /** Every row and blob the studio has, once preview jobs are done: a refused upload must add neither. */
  async function stored(): Promise<{ rows: number; blobs: number }> {
    await previewJobsDone(server);
    const rows = await server.runtime.database.db.selectFrom('vault_files').select('id').where('studio_id', '=', studioId).execute();
    let blobs = 0;
    for await (const key of server.runtime.blobs.list(`studios/${studioId}/`)) blobs += key ? 1 : 0;
    return { rows: rows.length, blobs };
  }

  it('takes the file name from X-File-Name, percent-encoded, and never from the URL', async () => {
    const small = await photo('jpeg', { width: 64, height: 48 });
    const named = await uploaded(client, small, { name: 'Mariée à Zürich.jpg' });
    expect(named.name).toBe('Mariée à Zürich.jpg');
    // The name in the URL is where proxies log it: refused as an unknown field.
    const inUrl = await client.request('POST', `/api/vault/files?name=${encodeURIComponent('Anna und Ben.jpg')}`, small, { 'content-type': 'application/octet-stream' });
    expect(inUrl.status).toBe(400);
    expect(((await inUrl.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    const malformed = await client.request('POST', '/api/vault/files', small, { 'content-type': 'application/octet-stream', 'x-file-name': '%E0%A4%A' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('file_name_invalid');
  });

  it('accepts every photo type by its content and gives each back byte-exact', async () => {
    const smallJpeg = await photo('jpeg', { width: 320, height: 240 });
    const samples: Array<[bytes: Buffer, name: string, type: string, storedName: string]> = [
      [jpeg, 'ceremony.jpg', 'image/jpeg', 'ceremony.jpg'],
      [await photo('png'), 'rings.png', 'image/png', 'rings.png'],
      [await photo('webp'), 'dance.webp', 'image/webp', 'dance.webp'],
      [await photo('avif'), 'toast.avif', 'image/avif', 'toast.avif'],
      [await photo('tiff'), 'scan.tiff', 'image/tiff', 'scan.tiff'],
      [await photo('gif'), 'loop.gif', 'image/gif', 'loop.gif'],
      [heic, 'IMG_5555.HEIC', 'image/heic', 'IMG_5555.HEIC'],
      [tiffRaw(smallJpeg, { extraTags: [dngVersionTag] }), 'IMG_0001.DNG', 'image/x-adobe-dng', 'IMG_0001.DNG'],
      [tiffRaw(smallJpeg, { signature: Buffer.from('CR\x02\x00\x00\x00\x00\x00', 'latin1') }), 'IMG_0002.CR2', 'image/x-canon-cr2', 'IMG_0002.CR2'],
      [tiffRaw(smallJpeg), 'DSC_0003.NEF', 'image/x-nikon-nef', 'DSC_0003.NEF'],
    ];
    for (const [bytes, name, type, storedName] of samples) {
      const result = await upload(client, bytes, { name });
      expect(result.status, `${name}: ${JSON.stringify(result.error)}`).toBe(201);
      const file = result.file;
      expect(file, name).toBeDefined();
      expect(file, name).toMatchObject({ name: storedName, type, size: bytes.length, sha256: sha256(bytes), status: 'processing' });
      expect(sha256(await downloaded(file.id)), name).toBe(sha256(bytes));
    }
    const jpegFile = await uploaded(client, jpeg, { name: 'x.jpg' });
    expect(jpegFile).toMatchObject({ width: 640, height: 480, capturedAt: '2023-06-01T14:22:11' });
    expect(await uploaded(client, heic, { name: 'x.png' })).toMatchObject({ name: 'x.heic', width: 96, height: 64 });
  });

  it('corrects the extension and neutralises hostile names', async () => {
    const names: Array<[sent: string | undefined, kept: string]> = [
      ['photo.png', 'photo.jpg'],
      ['../../../etc/passwd', 'passwd.jpg'],
      ['..\\..\\boot.ini', 'boot.ini.jpg'],
      ['nul\u0000byte.jpg', 'nulbyte.jpg'],
      ['invoice\u202Egpj.exe', 'invoicegpj.exe.jpg'],
      [undefined, 'untitled.jpg'],
    ];
    for (const [sent, kept] of names) expect((await uploaded(client, jpeg, { name: sent })).name, String(sent)).toBe(kept);
    const long = await uploaded(client, jpeg, { name: `${'a'.repeat(10_000)}.jpg` });
    expect(long.name).toHaveLength(255);
    expect(long.name.endsWith('a.jpg')).toBe(true);
  });

  it('refuses the bad-input corpus with a clear 4xx, keeps nothing, and stays unharmed', async () => {
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length * 0.6));
    const cases: Array<[label: string, bytes: Buffer, contentType: string, status: number, code: string]> = [
      ['truncated JPEG', truncated, 'application/octet-stream', 422, 'file_corrupt'],
      ['PNG declaring 100k × 100k pixels', pngBomb(), 'application/octet-stream', 422, 'image_too_large'],
      ['32-byte HEIC with a box of length 0 (issue 11)', zeroLengthBoxHeic, 'application/octet-stream', 422, 'file_corrupt'],
      ['its AVIF twin', zeroLengthBoxAvif, 'application/octet-stream', 422, 'file_corrupt'],
      ['SVG with a script', svgWithScript, 'application/octet-stream', 415, 'file_type_not_allowed'],
      ['ZIP named .jpg', await zipArchive(), 'application/octet-stream', 415, 'file_type_not_allowed'],
      ['HTML', Buffer.from('<!doctype html><script>alert(1)</script>'), 'application/octet-stream', 415, 'file_type_not_allowed'],
      ['empty body', Buffer.alloc(0), 'application/octet-stream', 400, 'file_empty'],
      ['JSON content type', Buffer.from('{"name":"x"}'), 'application/json', 415, 'unsupported_media_type'],
      ['form upload', jpeg, 'multipart/form-data; boundary=x', 415, 'unsupported_media_type'],
      ['image content type', jpeg, 'image/jpeg', 415, 'unsupported_media_type'],
    ];
    const before = await stored();
    for (const [label, bytes, contentType, status, code] of cases) {
      const result = await upload(client, bytes, { name: 'holiday.jpg', contentType });
      expect({ label, status: result.status, code: result.error?.code }).toEqual({ label, status, code });
      expect(await stored(), label).toEqual(before);
    }
    // Unharmed: the next upload works.
    expect((await upload(client, jpeg, { name: 'after.jpg' })).status).toBe(201);
  });

  it('refuses a file over the size limit, declared or streamed, and keeps nothing', async () => {
    const big = Buffer.concat([jpeg, Buffer.alloc(MAX_UPLOAD)]);
    const before = await stored();
    const declared = await upload(client, big, { name: 'big.jpg' });
    expect([declared.status, declared.error?.code]).toEqual([413, 'file_too_large']);
    const streamed = await upload(client, streamOf(big), { name: 'big.jpg' });
    expect([streamed.status, streamed.error?.code]).toEqual([413, 'file_too_large']);
    expect(await stored()).toEqual(before);
    expect((await upload(client, streamOf(jpeg), { name: 'streamed.jpg' })).status).toBe(201);
  });

  it('serves a JPEG that is also HTML only as an image: sniffed type, nosniff, attachment, sandboxed', async () => {
    const polyglot = await jpegHtmlPolyglot();
    const file = await uploaded(client, polyglot, { name: 'page.html' });
    expect(file).toMatchObject({ type: 'image/jpeg', name: 'page.html.jpg' });
    const response = await fetchSigned(server, await downloadUrl(client, file.id));
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(sha256((await readFully(response)).bytes)).toBe(sha256(polyglot));
  });

  it('stores names, metadata and content only encrypted, and audits the upload by id', async () => {
    const file = await uploaded(client, jpeg, { name: 'Secret Wedding.jpg' });
    const row = await server.runtime.database.db.selectFrom('vault_files').selectAll().where('id', '=', file.id).executeTakeFirstOrThrow();
    const clear = JSON.stringify({ ...row, name_sealed: undefined, metadata_sealed: undefined });
    for (const secret of ['Secret Wedding', 'Canon', '48.85', file.sha256]) expect(clear).not.toContain(secret);
    expect(row.name_sealed).toMatch(/^ss1\./);
    expect(row.metadata_sealed).toMatch(/^ss1\./);
    expect(row.blob_key).toMatch(new RegExp(`^studios/${studioId}/k2-[0-9a-f-]{36}$`));
    const blob = await readBlob(server, row.blob_key);
    expect(blob.includes(Buffer.from('Canon EOS R5'))).toBe(false);
    expect(blob.includes(jpeg.subarray(100, 132))).toBe(false);
    const events = await listAuditEvents(server.runtime.database.db, { limit: 200 });
    const event = events.find((candidate) => candidate.action === 'vault.file_uploaded' && candidate.details.fileId === file.id);
    // The same photo went up in earlier tests: the event names the older copy, by id too.
    expect(event?.details).toEqual({ fileId: file.id, studioId, duplicateOf: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });
});
