import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { dngVersionTag, heic, photo, tiffRaw } from '../../test/images.ts';
import { signedInMember } from '../../test/teams.ts';
import { downloadUrl, fetchSigned, getFile, settled, uploaded } from '../../test/vault.ts';

/**
 * Previews made by the job runner: WebP, sRGB, upright, bounded, and carrying no metadata at
 * all; and where a photo was taken is told only to the roles that may download its original.
 */

describe.each(databaseKinds())('previews on %s', (database) => {
  let server: TestServer;
  let client: TestClient;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    client = (await signedInClient(server, 'photographer')).client;
  });
  afterAll(async () => server?.close());

  async function variant(fileId: string, name: 'thumbnail' | 'preview'): Promise<Buffer> {
    const response = await fetchSigned(server, await downloadUrl(client, fileId, name));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/webp');
    return Buffer.from(await response.arrayBuffer());
  }

  it('makes a WebP thumbnail and preview in sRGB, within their sizes, with no EXIF, GPS or profile', async () => {
    // A wide-gamut (Display P3) photo with camera metadata and a location.
    const source = await sharp(await photo('jpeg', { width: 3000, height: 2000, exif: true })).withIccProfile('p3').keepExif().jpeg().toBuffer();
    expect((await sharp(source).metadata()).icc).toBeDefined();
    const file = await uploaded(client, source, { name: 'wide.jpg' });
    const done = await settled(client, file.id);
    expect(done).toMatchObject({ status: 'ready', failureReason: null });
    expect(done.thumbnailUrl).toMatch(/^\/api\/files\/.+\/thumbnail\?exp=/);
    expect(done.exif).toMatchObject({ camera: 'Canon EOS R5', gps: { latitude: expect.closeTo(48.8567, 3), longitude: 2.35 } });

    for (const [name, longest] of [['thumbnail', 400], ['preview', 2048]] as const) {
      const bytes = await variant(file.id, name);
      const metadata = await sharp(bytes).metadata();
      expect(metadata.format).toBe('webp');
      expect(Math.max(metadata.width, metadata.height)).toBe(longest);
      expect(metadata.width / metadata.height).toBeCloseTo(1.5, 1);
      expect(metadata.space).toBe('srgb');
      expect(metadata.exif).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      for (const marker of ['Canon', 'EOS R5', 'GPS', 'Exif']) expect(bytes.includes(Buffer.from(marker)), marker).toBe(false);
    }
  });

  it('tells the owner and an editor where a photo was taken, not a viewer, whose previews carry no location either', async () => {
    const editor = (await signedInMember(server, client, 'editor')).client;
    const viewer = (await signedInMember(server, client, 'viewer')).client;
    const file = await uploaded(client, await photo('jpeg', { width: 800, height: 600, exif: true }), { name: 'located.jpg' });
    await settled(client, file.id);
    const located = { latitude: expect.closeTo(48.8567, 3), longitude: 2.35 };
    expect((await getFile(client, file.id)).exif).toMatchObject({ camera: 'Canon EOS R5', gps: located });
    expect((await getFile(editor, file.id)).exif).toMatchObject({ gps: located });
    const seen = await getFile(viewer, file.id);
    expect(seen.exif).toMatchObject({ camera: 'Canon EOS R5', gps: null });
    expect(JSON.stringify(seen)).not.toContain('48.85');
    for (const name of ['thumbnail', 'preview'] as const) {
      const response = await fetchSigned(server, await downloadUrl(viewer, file.id, name));
      expect(response.status).toBe(200);
      const bytes = Buffer.from(await response.arrayBuffer());
      expect((await sharp(bytes).metadata()).exif).toBeUndefined();
      for (const marker of ['GPS', 'Exif']) expect(bytes.includes(Buffer.from(marker)), marker).toBe(false);
    }
  });

  it('turns previews upright by the EXIF orientation, and never enlarges a small photo', async () => {
    const rotated = await sharp(await photo('jpeg', { width: 600, height: 300 })).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const file = await uploaded(client, rotated, { name: 'portrait.jpg' });
    expect(file).toMatchObject({ width: 300, height: 600 });
    await settled(client, file.id);
    const preview = await sharp(await variant(file.id, 'preview')).metadata();
    expect([preview.width, preview.height]).toEqual([300, 600]);
    const thumbnail = await sharp(await variant(file.id, 'thumbnail')).metadata();
    expect([thumbnail.width, thumbnail.height]).toEqual([200, 400]);
  });

  it('previews a RAW file from its embedded JPEG', async () => {
    const embedded = await photo('jpeg', { width: 1200, height: 800 });
    const file = await uploaded(client, tiffRaw(embedded, { extraTags: [dngVersionTag], width: 6000, height: 4000 }), { name: 'IMG_1.dng' });
    const done = await settled(client, file.id);
    expect(done).toMatchObject({ status: 'ready', type: 'image/x-adobe-dng', width: 6000, height: 4000 });
    const preview = await sharp(await variant(file.id, 'preview')).metadata();
    expect([preview.width, preview.height]).toEqual([1200, 800]);
  });

  it('says so when this server cannot decode a format (HEVC, for HEIC, in the bundled libvips)', async () => {
    const file = await uploaded(client, heic, { name: 'IMG_5555.HEIC' });
    const done = await settled(client, file.id);
    // A libvips built with an HEVC decoder would make the previews instead.
    expect(done.status === 'ready' || done.failureReason === 'unsupported_format').toBe(true);
  });

  it('shows why previews failed, and makes them again on request', async () => {
    const noPreview = tiffRaw(Buffer.alloc(50_000, 0x5a), { signature: Buffer.from('CR\x02\x00\x00\x00\x00\x00', 'latin1') });
    const raw = await uploaded(client, noPreview, { name: 'IMG_2.CR2' });
    expect(await settled(client, raw.id)).toMatchObject({ status: 'failed', failureReason: 'no_embedded_preview', thumbnailUrl: null });
    const retried = await client.json<{ file: { status: string } }>('POST', `/api/vault/files/${raw.id}/retry-previews`);
    expect([retried.status, retried.body.file.status]).toEqual([202, 'processing']);
    expect(await settled(client, raw.id)).toMatchObject({ status: 'failed', failureReason: 'no_embedded_preview' });
    expect((await client.json('POST', `/api/vault/files/${raw.id}/download-url`, { variant: 'preview' })).status).toBe(409);

    // Previews made again replace the old blobs.
    const jpeg = await uploaded(client, await photo('jpeg'), { name: 'again.jpg' });
    await settled(client, jpeg.id);
    const keys = () => server.runtime.database.db.selectFrom('vault_files').select(['thumbnail_key', 'preview_key']).where('id', '=', jpeg.id).executeTakeFirstOrThrow();
    const before = await keys();
    await client.json('POST', `/api/vault/files/${jpeg.id}/retry-previews`);
    expect((await settled(client, jpeg.id)).status).toBe('ready');
    const after = await keys();
    expect(after.thumbnail_key).not.toBe(before.thumbnail_key);
    expect(await server.runtime.blobs.head(before.thumbnail_key as string)).toBeNull();
    expect(await server.runtime.blobs.head(before.preview_key as string)).toBeNull();
  });
});
