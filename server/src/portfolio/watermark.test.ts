import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { createCollection, createPortfolio, publishNew } from '../../test/portfolio.ts';

/**
 * A portfolio collection's visible watermark (updateCollection / createCollection `watermark`):
 * every public rendition of its photos (pages, the site API) carries it, other collections'
 * photos do not, and setting, changing or removing it shows at once: the ETag changes with it,
 * so a revalidation never answers 304 across a change. Text, or the studio's logo (the text
 * while the studio has none). Another studio cannot set one; bad input is a 400.
 */

interface CollectionAnswer {
  collection: { id: string; watermark: { text: string; position: string; opacity: number; logo?: boolean } | null; photos: Array<{ id: string }> };
}

async function pixels(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes).raw().toBuffer();
}

/** How many bytes of the bottom-right quarter differ (640 × 480, three channels). */
function changedBottomRight(a: Buffer, b: Buffer): number {
  let count = 0;
  for (let y = 240; y < 480; y++) for (let x = 320; x < 640; x++) if (Math.abs((a[(y * 640 + x) * 3] as number) - (b[(y * 640 + x) * 3] as number)) > 8) count++;
  return count;
}

describe('portfolio collection watermarks', () => {
  let server: TestServer;
  let owner: TestClient;
  let other: TestClient;
  let visitor: TestClient;
  let slug: string;
  let marked: Awaited<ReturnType<typeof publishNew>>;
  let plain: Awaited<ReturnType<typeof publishNew>>;
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite', env: { TRUST_PROXY: 'true' } });
    owner = (await signedInClient(server, 'photographer', 'owner')).client;
    other = (await signedInClient(server, 'photographer', 'other')).client;
    visitor = new TestClient(server, { ip: '203.0.113.20' });
    slug = (await createPortfolio(owner)).slug;
    await createPortfolio(other);
    marked = await publishNew(owner, (await createCollection(owner, 'Marked')).id, 1);
    plain = await publishNew(owner, (await createCollection(owner, 'Plain')).id, 1);
  }, 120_000);
  afterAll(async () => server?.close());

  const image = async (photoId: string, headers: Record<string, string> = {}) => {
    const answer = await visitor.request('GET', `/p/${slug}/photos/${photoId}/w640.webp`, undefined, headers);
    return { status: answer.status, etag: answer.headers.get('etag') ?? '', bytes: Buffer.from(await answer.arrayBuffer()) };
  };
  const setWatermark = (collectionId: string, watermark: unknown, client = owner) => client.json<CollectionAnswer>('PATCH', `/api/portfolio/collections/${collectionId}`, { watermark });

  it('draws the collection’s watermark on its photos only, and a change shows at once, cached copies included', async () => {
    const photoId = marked.photos[0]!.id;
    const before = await image(photoId);
    expect(before.status).toBe(200);
    expect((await image(photoId, { 'if-none-match': before.etag })).status).toBe(304);
    const otherBefore = await image(plain.photos[0]!.id);

    const set = await setWatermark(marked.id, { text: '© Ana Hensler', position: 'bottom-right', opacity: 1 });
    expect(set.status).toBe(200);
    expect(set.body.collection.watermark).toEqual({ text: '© Ana Hensler', position: 'bottom-right', opacity: 1 });
    // The old ETag no longer matches: the browser gets the watermarked bytes.
    const after = await image(photoId, { 'if-none-match': before.etag });
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(before.etag);
    expect(changedBottomRight(await pixels(before.bytes), await pixels(after.bytes))).toBeGreaterThan(200);
    expect((await sharp(after.bytes).metadata()).exif).toBeUndefined();
    // Another collection's photo is untouched.
    expect((await image(plain.photos[0]!.id)).etag).toBe(otherBefore.etag);

    // A changed watermark is a new rendition; removing it gives the plain one back.
    const moved = await setWatermark(marked.id, { text: '© Ana Hensler', position: 'top-left', opacity: 0.5 });
    expect(moved.status).toBe(200);
    const again = await image(photoId, { 'if-none-match': after.etag });
    expect(again.status).toBe(200);
    expect(again.etag).not.toBe(after.etag);
    expect((await setWatermark(marked.id, null)).body.collection.watermark).toBeNull();
    expect((await image(photoId)).etag).toBe(before.etag);
  });

  it('draws the studio’s logo when asked and it has one, the text otherwise', async () => {
    const photoId = marked.photos[0]!.id;
    expect((await setWatermark(marked.id, { text: 'Ana', position: 'center', opacity: 0.8, logo: true })).body.collection.watermark).toMatchObject({ logo: true });
    const textOnly = await image(photoId);
    expect(textOnly.status).toBe(200);
    const logo = await sharp({ create: { width: 400, height: 200, channels: 4, background: { r: 220, g: 20, b: 20, alpha: 1 } } }).png().toBuffer();
    expect((await owner.request('PUT', '/api/studio/branding/logo', logo, { 'content-type': 'application/octet-stream' })).status).toBe(200);
    const withLogo = await image(photoId);
    expect(withLogo.status).toBe(200);
    expect(withLogo.etag).not.toBe(textOnly.etag);
    // The logo is red: the centre turned red.
    const raw = await pixels(withLogo.bytes);
    const centre = (240 * 640 + 320) * 3;
    expect([raw[centre]! > 150, raw[centre + 1]! < 100]).toEqual([true, true]);
    // The logo removed: back to the text, at once.
    expect((await owner.request('DELETE', '/api/studio/branding/logo')).status).toBe(200);
    expect((await image(photoId)).etag).toBe(textOnly.etag);
    await setWatermark(marked.id, null);
  });

  it('takes a watermark when the collection is created', async () => {
    const created = await owner.json<CollectionAnswer>('POST', '/api/portfolio/collections', { title: 'Proofs', watermark: { text: 'Proof', position: 'center', opacity: 0.3 } });
    expect(created.status).toBe(201);
    expect(created.body.collection.watermark).toEqual({ text: 'Proof', position: 'center', opacity: 0.3 });
  });

  it('refuses another studio’s collection and bad watermarks with a stable 4xx', async () => {
    const theirs = await setWatermark(marked.id, { text: 'Stolen', position: 'center', opacity: 1 }, other);
    expect(theirs.status).toBe(404);
    const bad: unknown[] = [
      { text: '', position: 'center', opacity: 1 },
      { text: 'x'.repeat(81), position: 'center', opacity: 1 },
      { text: 'x', position: 'middle', opacity: 1 },
      { text: 'x', position: 'center', opacity: 0 },
      { text: 'x', position: 'center', opacity: 2 },
      { text: 'x', position: 'center', opacity: 1, colour: 'red' },
      { text: 'x', position: 'center' },
      { text: 'x', position: 'center', opacity: 1, logo: 'yes' },
      'text',
    ];
    for (const watermark of bad) {
      const answer = await setWatermark(marked.id, watermark);
      expect(answer.status, JSON.stringify(watermark)).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: 'validation_failed' } });
    }
    const invisible = await owner.json<{ error: { code: string } }>('PATCH', `/api/portfolio/collections/${marked.id}`, { watermark: { text: '   ', position: 'center', opacity: 1 } });
    expect(invisible.status).toBe(400);
    expect(invisible.body.error.code).toBe('watermark_text_invalid');
    expect((await new TestClient(server).request('PATCH', `/api/portfolio/collections/${marked.id}`, { watermark: null })).status).toBe(401);
  });
});
