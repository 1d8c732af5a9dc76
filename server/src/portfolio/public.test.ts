import http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { createCollection, createPortfolio, publishNew } from '../../test/portfolio.ts';
import { photo } from '../../test/images.ts';
import { sha256, uploaded } from '../../test/vault.ts';
import type { KyselyPlugin } from 'kysely';
import type { PortfolioDeps } from './deps.ts';
import { sitemapXml } from './public.ts';

/**
 * The public side: server-rendered pages with strict CSP, Open Graph tags, dimensions and
 * srcset; images only as derivatives without any metadata; unpublished and never-published
 * photos unreachable by every public route; sitemap.xml and robots.txt honouring "hide from
 * search engines"; and the same pages on {slug}.{PORTFOLIO_DOMAIN}.
 */

const anonymousHeaders = { accept: 'text/html,image/avif,image/webp,*/*' };

function hostGet(server: TestServer, host: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port: Number(port), path, headers: { host, accept: 'text/html', 'user-agent': 'Mozilla/5.0 Test' } }, (response) => {
      const pieces: Buffer[] = [];
      response.on('data', (piece: Buffer) => pieces.push(piece));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(pieces).toString('utf8') }));
    });
    request.on('error', reject);
    request.end();
  });
}

function everyByteClean(bytes: Buffer): void {
  const text = bytes.toString('latin1');
  for (const marker of ['Exif', 'GPS', 'Canon', 'RF 85mm', 'http://ns.adobe.com/xap']) expect(text.includes(marker), marker).toBe(false);
}

describe('public portfolio pages and images', () => {
  let server: TestServer;
  let owner: TestClient;
  let other: TestClient;
  let visitor: TestClient;
  let slug: string;
  let otherSlug: string;
  let collection: Awaited<ReturnType<typeof publishNew>>;
  let otherCollection: Awaited<ReturnType<typeof publishNew>>;
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite', env: { TRUST_PROXY: 'true', PORTFOLIO_DOMAIN: 'portfolio.test' } });
    owner = (await signedInClient(server, 'photographer', 'owner')).client;
    other = (await signedInClient(server, 'photographer', 'other')).client;
    visitor = new TestClient(server, { ip: '203.0.113.9' });
    slug = (await createPortfolio(owner)).slug;
    otherSlug = (await createPortfolio(other)).slug;
    collection = await publishNew(owner, (await createCollection(owner, 'Weddings')).id, 5);
    otherCollection = await publishNew(other, (await createCollection(other, 'Theirs')).id, 1);
  }, 120_000);
  afterAll(async () => server?.close());

  it('renders the home and collection pages server-side under the strict CSP', async () => {
    const home = await visitor.request('GET', `/p/${slug}`, undefined, anonymousHeaders);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = home.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(home.headers.get('set-cookie')).toBeNull();
    const homeHtml = await home.text();
    expect(homeHtml).toContain('<h1>Ana Hensler</h1>');
    expect(homeHtml).toContain(`href="/p/${slug}/weddings"`);
    expect(homeHtml).toContain('<meta property="og:title" content="Ana Hensler">');
    expect(homeHtml).not.toMatch(/<script>|<style|style=/);

    const page = await visitor.request('GET', `/p/${slug}/weddings`, undefined, anonymousHeaders);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    for (const entry of collection.photos) {
      expect(html).toContain(`data-photo="${entry.id}"`);
      expect(html).toContain(`/p/${slug}/photos/${entry.id}/w640.avif 640w`);
    }
    // Dimensions known: no layout shift; lazy after the first row.
    expect(html).toMatch(/<img src="[^"]+w640\.jpeg"[^>]* width="640" height="480"/);
    expect(html).toContain('loading="lazy"');
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(html).toContain(`<meta property="og:image" content="${server.url}/p/${slug}/photos/`);
    // No vault file id leaks into the public page.
    for (const entry of collection.photos) expect(html).not.toContain(entry.fileId);
    // The script and style sheet come from our origin.
    const script = /<script src="([^"]+)" defer><\/script>/.exec(html)?.[1];
    const style = /<link rel="stylesheet" href="([^"]+)">/.exec(html)?.[1];
    expect((await visitor.request('GET', script!)).headers.get('content-type')).toMatch(/javascript/);
    expect((await visitor.request('GET', style!)).headers.get('content-type')).toMatch(/text\/css/);
    expect((await visitor.request('GET', `/p/${slug}/nope`, undefined, anonymousHeaders)).status).toBe(404);
    expect((await visitor.request('GET', '/p/nobody-here', undefined, anonymousHeaders)).status).toBe(404);
  });

  it('serves derivatives only, with no EXIF, GPS or XMP in any byte, never the original', async () => {
    const original = await photo('jpeg', { width: 640, height: 480, exif: true });
    expect(original.toString('latin1')).toContain('Canon');
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const photoId = collection.photos[0]!.id;
    for (const format of ['jpeg', 'webp', 'avif'] as const) {
      const answer = await visitor.request('GET', `/p/${slug}/photos/${photoId}/w640.${format}`);
      expect(answer.status, format).toBe(200);
      expect(answer.headers.get('content-type')).toBe(`image/${format}`);
      expect(answer.headers.get('cache-control')).toBe('public, no-cache');
      const bytes = Buffer.from(await answer.arrayBuffer());
      everyByteClean(bytes);
      const metadata = await sharp(bytes).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      expect(metadata.width).toBeLessThanOrEqual(640);
    }
    // Asking for more pixels than the photo has gives the photo's own size, re-encoded.
    const large = Buffer.from(await (await visitor.request('GET', `/p/${slug}/photos/${photoId}/w1920.jpeg`)).arrayBuffer());
    expect((await sharp(large).metadata()).width).toBe(640);
    everyByteClean(large);
    // The avatar too.
    const avatarFile = await uploaded(owner, await photo('jpeg', { width: 400, height: 400, exif: true }));
    expect((await owner.json('PUT', '/api/portfolio/profile', { slug, displayName: 'Ana Hensler', avatarFileId: avatarFile.id })).status).toBe(200);
    const avatar = await visitor.request('GET', `/p/${slug}/avatar/w320.webp`);
    expect(avatar.status).toBe(200);
    const avatarBytes = Buffer.from(await avatar.arrayBuffer());
    everyByteClean(avatarBytes);
    expect(sha256(avatarBytes)).not.toBe(avatarFile.sha256);
  });

  it('never serves unpublished, never-published or another portfolio’s photos, and unpublishing is immediate, cache included', async () => {
    const first = collection.photos[0]!;
    const second = collection.photos[1]!;
    const warm = await visitor.request('GET', `/p/${slug}/photos/${second.id}/w320.webp`);
    expect(warm.status).toBe(200);
    const etag = warm.headers.get('etag')!;
    expect((await visitor.request('GET', `/p/${slug}/photos/${second.id}/w320.webp`, undefined, { 'if-none-match': etag })).status).toBe(304);
    expect((await owner.json('POST', `/api/portfolio/collections/${collection.id}/photos/unpublish`, { photoIds: [second.id] })).status).toBe(200);
    for (const headers of [{}, { 'if-none-match': etag }] as Array<Record<string, string>>) {
      const gone = await visitor.json<{ error: { code: string } }>('GET', `/p/${slug}/photos/${second.id}/w320.webp`);
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe('image_not_found');
      expect((await visitor.request('GET', `/p/${slug}/photos/${second.id}/w320.webp`, undefined, headers)).status).toBe(404);
    }
    const page = await (await visitor.request('GET', `/p/${slug}/weddings`, undefined, anonymousHeaders)).text();
    expect(page).not.toContain(second.id);
    expect(page).toContain(first.id);

    const neverPublished = await uploaded(owner, await photo('jpeg', { width: 320, height: 240, exif: true }));
    const theirs = otherCollection.photos[0]!.id;
    const guesses = [
      `/p/${slug}/photos/${'A'.repeat(22)}/w320.webp`,
      `/p/${slug}/photos/${neverPublished.id.replace(/-/g, '').slice(0, 22)}/w320.webp`,
      `/p/${slug}/photos/${theirs}/w320.webp`,
      `/p/${otherSlug}/photos/${first.id}/w320.webp`,
      `/p/${slug}/photos/${first.id}/w321.webp`,
      `/p/${slug}/photos/${first.id}/w320.png`,
      `/p/${slug}/photos/${first.fileId}/w320.webp`,
      `/p/${slug}/photos/${first.id}/original`,
      `/p/${slug}/photos/../../api/vault/files/${first.fileId}`,
      `/api/v1/any/w_320/vault:${first.id}`,
      `/api/vault/files/${first.fileId}/original`,
    ];
    for (const path of guesses) {
      const answer = await visitor.request('GET', path);
      expect([400, 401, 404], path).toContain(answer.status);
    }
    // The other studio's own page still shows its own photo.
    expect((await visitor.request('GET', `/p/${otherSlug}/photos/${theirs}/w320.webp`)).status).toBe(200);
  });

  it('honours "hide from search engines" in robots.txt, the sitemap and the pages', async () => {
    const robots = await (await visitor.request('GET', '/robots.txt')).text();
    expect(robots).toContain('Allow: /p/');
    expect(robots).toContain('Disallow: /\n');
    expect(robots).not.toContain(`/p/${slug}`);
    let map = await (await visitor.request('GET', '/sitemap.xml')).text();
    expect(map).toContain(`<loc>${server.url}/p/${slug}/weddings</loc>`);

    await owner.json('PUT', '/api/portfolio/profile', { slug, displayName: 'Ana Hensler', hideFromSearch: true });
    const hiddenRobots = await (await visitor.request('GET', '/robots.txt')).text();
    expect(hiddenRobots).toContain(`Disallow: /p/${slug}/`);
    map = await (await visitor.request('GET', '/sitemap.xml')).text();
    expect(map).not.toContain(`/p/${slug}`);
    expect(map).toContain(`/p/${otherSlug}`);
    const page = await visitor.request('GET', `/p/${slug}`, undefined, anonymousHeaders);
    expect(page.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect(await page.text()).toContain('<meta name="robots" content="noindex, nofollow">');
    await owner.json('PUT', '/api/portfolio/profile', { slug, displayName: 'Ana Hensler', hideFromSearch: false });
  });

  it('builds the sitemap in as many queries for three portfolios as for two (no queries per portfolio)', async () => {
    let queries = 0;
    const counting: KyselyPlugin = {
      transformQuery: (args) => {
        queries += 1;
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    const deps = { db: server.runtime.database.db.withPlugin(counting), publicUrl: server.url, domain: 'portfolio.test' } as unknown as PortfolioDeps;
    const countFor = async () => {
      queries = 0;
      const xml = await sitemapXml(deps, { origin: server.url, ownHost: false });
      return { queries, xml };
    };
    const before = await countFor();
    expect(before.xml).toContain(`<loc>${server.url}/p/${slug}/weddings</loc>`);
    const third = (await signedInClient(server, 'photographer', 'third')).client;
    const thirdSlug = (await createPortfolio(third)).slug;
    await publishNew(third, (await createCollection(third, 'Portraits')).id, 1);
    await createCollection(third, 'Empty');
    const after = await countFor();
    expect(after.xml).toContain(`<loc>${server.url}/p/${thirdSlug}/portraits</loc>`);
    expect(after.xml).not.toContain(`/p/${thirdSlug}/empty<`);
    expect(after.queries).toBe(before.queries);
    expect(after.queries).toBeLessThanOrEqual(4);
  });

  it('serves the same portfolio at {slug}.{PORTFOLIO_DOMAIN}', async () => {
    const host = `${slug}.portfolio.test`;
    const home = await hostGet(server, host, '/');
    expect(home.status).toBe(200);
    expect(home.body).toContain('href="/weddings"');
    const page = await hostGet(server, host, '/weddings');
    expect(page.status).toBe(200);
    const image = /src="(\/photos\/[^"]+w640\.jpeg)"/.exec(page.body)?.[1];
    expect(image).toBeDefined();
    expect((await hostGet(server, host, image!)).status).toBe(200);
    expect((await hostGet(server, host, '/robots.txt')).body).toContain(`Sitemap: http://${host}/sitemap.xml`);
    expect((await hostGet(server, host, '/sitemap.xml')).body).toContain(`<loc>http://${host}/weddings</loc>`);
    // Another portfolio's photo is not served under this host.
    expect((await hostGet(server, host, `/photos/${otherCollection.photos[0]!.id}/w320.webp`)).status).toBe(404);
    expect((await hostGet(server, 'nobody.portfolio.test', '/')).status).toBe(404);
  });
});
