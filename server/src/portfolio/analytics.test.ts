import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { createCollection, createPortfolio, publishNew } from '../../test/portfolio.ts';
import { createVault } from '../vault/service.ts';
import { REPEAT_VIEW_WINDOW_MS, dayOf, flushPageViews, recordPageView, rollUp, stopPageViews } from './analytics.ts';
import { createPortfolioDeps } from './deps.ts';
import { findPortfolioBySlug } from './repo.ts';

/**
 * Analytics: page views counted on the server, beacon events checked against what is
 * published, visitors counted by a daily salted hash, no address or user agent in any stored
 * row, bots and DNT/Sec-GPC not counted, ingestion rate-limited, aggregates right, hashes and
 * salts gone after the day (only counts stay), and photographer A never sees B's numbers.
 */

const browser = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

interface Analytics {
  totals: { impressions: number; views: number; clicks: number; pageViews: number; visitors: number };
  series: Array<{ date: string; views: number }>;
  topPhotos: Array<{ photoId: string; views: number; impressions: number; thumbnailUrl: string | null }>;
  topCollections: Array<{ collectionId: string; pageViews: number }>;
  referrers: Array<{ referrer: string; pageViews: number }>;
  photographers: Array<{ slug: string; totals: { views: number } }>;
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('portfolio analytics', () => {
  let server: TestServer;
  let owner: TestClient;
  let other: TestClient;
  let slug: string;
  let otherSlug: string;
  let collection: Awaited<ReturnType<typeof publishNew>>;
  let otherPhoto: string;
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite', env: { TRUST_PROXY: 'true' } });
    owner = (await signedInClient(server, 'photographer', 'owner')).client;
    other = (await signedInClient(server, 'photographer', 'other')).client;
    slug = (await createPortfolio(owner)).slug;
    otherSlug = (await createPortfolio(other)).slug;
    collection = await publishNew(owner, (await createCollection(owner, 'Portraits')).id, 2);
    otherPhoto = (await publishNew(other, (await createCollection(other, 'Theirs')).id, 1)).photos[0]!.id;
  }, 120_000);
  afterAll(async () => server?.close());

  const send = (ip: string, body: unknown, headers: Record<string, string> = {}) => new TestClient(server, { ip }).request('POST', '/api/portfolio/events', body, { 'user-agent': browser, ...headers });
  const analytics = (client: TestClient, query = '') => client.json<Analytics>('GET', `/api/portfolio/analytics${query}`);

  it('counts page views on the server and beacon events, visitors once a day, referrers by host', async () => {
    const visitor = new TestClient(server, { ip: '198.51.100.7' });
    const page = await visitor.request('GET', `/p/${slug}/portraits`, undefined, { accept: 'text/html', 'user-agent': browser, referer: 'https://www.instagram.com/some/path?x=1' });
    expect(page.status).toBe(200);
    await visitor.request('GET', `/p/${slug}`, undefined, { accept: 'text/html', 'user-agent': browser });
    const [a, b] = collection.photos.map((entry) => entry.id) as [string, string];
    const sent = await send('198.51.100.7', {
      portfolio: slug,
      events: [
        { kind: 'impression', photoId: a, collectionId: collection.id },
        { kind: 'impression', photoId: b, collectionId: collection.id },
        { kind: 'view', photoId: a },
        { kind: 'view', photoId: a },
        { kind: 'click', target: 'contact' },
      ],
    });
    expect(sent.status).toBe(202);
    expect(await sent.json()).toEqual({ recorded: 5 });
    // A second address is a second visitor.
    await send('198.51.100.8', { portfolio: slug, events: [{ kind: 'view', photoId: b }] });
    const report = await waitFor(
      () => analytics(owner, '?days=7'),
      (answer) => answer.body.totals.pageViews === 2,
    );
    expect(report.status).toBe(200);
    expect(report.body.totals).toMatchObject({ impressions: 2, views: 3, clicks: 1, pageViews: 2, visitors: 2 });
    expect(report.body.series).toHaveLength(7);
    expect(report.body.series.at(-1)!.views).toBe(3);
    expect(report.body.topPhotos[0]).toMatchObject({ photoId: a, views: 2, impressions: 1, thumbnailUrl: `/p/${slug}/photos/${a}/w320.webp` });
    expect(report.body.topCollections[0]).toMatchObject({ collectionId: collection.id, pageViews: 1 });
    expect(report.body.referrers).toEqual([{ referrer: 'instagram.com', pageViews: 1 }]);
  });

  it('keeps no address, user agent or cookie', async () => {
    const answer = await send('192.0.2.55', { portfolio: slug, events: [{ kind: 'view', photoId: collection.photos[0]!.id }] });
    expect(answer.headers.get('set-cookie')).toBeNull();
    const db = server.runtime.database.db;
    const stored = JSON.stringify([
      await db.selectFrom('portfolio_daily_counts').selectAll().execute(),
      await db.selectFrom('portfolio_visitors').selectAll().execute(),
      await db.selectFrom('portfolio_daily_uniques').selectAll().execute(),
    ]);
    for (const secret of ['192.0.2.55', '198.51.100.7', 'iPhone', 'Safari', 'Mozilla']) expect(stored).not.toContain(secret);
  });

  it('does not count bots, DNT or Sec-GPC, and refuses unpublished photos and downloads', async () => {
    const before = (await analytics(owner)).body.totals.views;
    const photoId = collection.photos[1]!.id;
    for (const headers of [{ dnt: '1' }, { 'sec-gpc': '1' }, { 'user-agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' }, { 'user-agent': 'curl/8.5.0' }, { 'user-agent': '' }] as Array<Record<string, string>>) {
      const answer = await send('198.51.100.20', { portfolio: slug, events: [{ kind: 'view', photoId }] }, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(202);
      expect(await answer.json()).toEqual({ recorded: 0 });
    }
    await new TestClient(server, { ip: '198.51.100.21' }).request('GET', `/p/${slug}`, undefined, { accept: 'text/html', dnt: '1' });
    const refusals: Array<[unknown, number, string]> = [
      [{ portfolio: slug, events: [{ kind: 'view', photoId: otherPhoto }] }, 422, 'photo_not_published'],
      [{ portfolio: slug, events: [{ kind: 'view', photoId: 'A'.repeat(22) }] }, 422, 'photo_not_published'],
      [{ portfolio: slug, events: [{ kind: 'download', photoId }] }, 422, 'downloads_not_allowed'],
      [{ portfolio: 'nobody-at-all', events: [{ kind: 'view', photoId }] }, 404, 'portfolio_not_found'],
      [{ portfolio: slug, events: [{ kind: 'page_view' }] }, 400, 'validation_failed'],
      [{ portfolio: slug, events: [{ kind: 'view' }] }, 400, 'validation_failed'],
      [{ portfolio: slug, events: [] }, 400, 'validation_failed'],
      [{ portfolio: slug, events: [{ kind: 'view', photoId, collectionId: '00000000-0000-4000-8000-000000000000' }] }, 404, 'collection_not_found'],
      [{ portfolio: slug, events: [{ kind: 'click', target: '<script>' }] }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of refusals) {
      const answer = await send('198.51.100.22', body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    // Unpublished a moment ago: refused too.
    await owner.json('POST', `/api/portfolio/collections/${collection.id}/photos/unpublish`, { photoIds: [photoId] });
    expect((await send('198.51.100.22', { portfolio: slug, events: [{ kind: 'view', photoId }] })).status).toBe(422);
    expect((await analytics(owner)).body.totals.views).toBe(before);
  });

  it('limits ingestion per network', async () => {
    const photoId = collection.photos[0]!.id;
    let limited = 0;
    for (let index = 0; index < 125; index++) {
      const answer = await send('203.0.113.77', { portfolio: slug, events: [{ kind: 'impression', photoId }] });
      if (answer.status === 429) limited += 1;
    }
    expect(limited).toBeGreaterThan(0);
    expect((await send('203.0.113.78', { portfolio: slug, events: [{ kind: 'impression', photoId }] })).status).toBe(202);
  }, 120_000);

  it('shows a photographer only their own numbers; the admin sees everyone', async () => {
    await send('198.51.100.30', { portfolio: otherSlug, events: [{ kind: 'view', photoId: otherPhoto }] });
    const mine = (await analytics(owner)).body;
    const theirs = (await analytics(other)).body;
    expect(mine.photographers.map((entry) => entry.slug)).toEqual([slug]);
    expect(theirs.photographers.map((entry) => entry.slug)).toEqual([otherSlug]);
    expect(theirs.totals.views).toBe(1);
    expect(theirs.topPhotos.map((entry) => entry.photoId)).toEqual([otherPhoto]);
    const ownerPortfolio = (await owner.json<{ profile: { id: string } }>('GET', '/api/portfolio/profile')).body.profile.id;
    const peek = await other.json<{ error: { code: string } }>('GET', `/api/portfolio/analytics?portfolioId=${ownerPortfolio}`);
    expect(peek.status).toBe(404);
    expect((await other.request('GET', `/api/portfolio/analytics.csv?portfolioId=${ownerPortfolio}`)).status).toBe(404);
    const theirCsv = await (await other.request('GET', '/api/portfolio/analytics.csv')).text();
    expect(theirCsv).not.toContain(slug);

    const { client: admin } = await signedInAdmin(server);
    const all = (await analytics(admin)).body;
    expect(all.photographers.map((entry) => entry.slug).sort()).toEqual([slug, otherSlug].sort());
    expect(all.totals.views).toBe(mine.totals.views + theirs.totals.views);
    const one = (await analytics(admin, `?portfolioId=${ownerPortfolio}`)).body;
    expect(one.totals.views).toBe(mine.totals.views);
    expect((await new TestClient(server).request('GET', '/api/portfolio/analytics')).status).toBe(401);
    for (const query of ['?days=5', '?days=abc', '?portfolioId=nope', '?other=1']) expect((await owner.request('GET', `/api/portfolio/analytics${query}`)).status, query).toBe(400);
  });

  it('exports CSV', async () => {
    const answer = await owner.request('GET', '/api/portfolio/analytics.csv?days=7');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(answer.headers.get('content-disposition')).toContain('attachment');
    const lines = (await answer.text()).trim().split('\n');
    expect(lines[0]).toBe('date,portfolio,kind,photo_id,collection_id,referrer_or_target,count');
    expect(lines.some((line) => line.includes(`,${slug},view,`))).toBe(true);
    expect(lines.some((line) => line.includes(`,${slug},visitors,`))).toBe(true);
  });

  it('counts a page once per visitor and half hour, however often it is reloaded', async () => {
    const pageViews = async () => (await analytics(owner)).body.totals.pageViews;
    const start = await pageViews();
    const reloader = new TestClient(server, { ip: '198.51.100.60' });
    for (let reload = 0; reload < 5; reload += 1) {
      expect((await reloader.request('GET', `/p/${slug}/portraits`, undefined, { accept: 'text/html', 'user-agent': browser })).status).toBe(200);
    }
    // Another page of the same visitor counts, and so does another visitor.
    await reloader.request('GET', `/p/${slug}`, undefined, { accept: 'text/html', 'user-agent': browser });
    await new TestClient(server, { ip: '198.51.100.61' }).request('GET', `/p/${slug}/portraits`, undefined, { accept: 'text/html', 'user-agent': browser });
    expect(await waitFor(pageViews, (count) => count >= start + 3)).toBe(start + 3);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await pageViews()).toBe(start + 3);

    // Past the window, the same visitor's page counts again.
    let now = Date.now();
    const deps = createPortfolioDeps(server.runtime, createVault(server.runtime).files, { now: () => now });
    try {
      const portfolio = (await findPortfolioBySlug(server.runtime.database.db, slug))!;
      const visit = { ip: '198.51.100.62', userAgent: browser, optedOut: false };
      await recordPageView(deps, portfolio, null, visit);
      now += REPEAT_VIEW_WINDOW_MS - 60_000;
      await recordPageView(deps, portfolio, null, visit);
      now += 120_000;
      await recordPageView(deps, portfolio, null, visit);
      await flushPageViews(deps);
      expect(await pageViews()).toBe(start + 5);
    } finally {
      await stopPageViews(deps);
      await deps.limits.close();
    }
    // What it remembers is the salted visitor hash, never the address.
    const stored = JSON.stringify(await server.runtime.database.db.selectFrom('portfolio_visitors').selectAll().execute());
    expect(stored).not.toContain('198.51.100.6');
  });

  it('keeps only daily counts beyond 48 hours: hashes and salts are gone, the numbers stay', async () => {
    const before = (await analytics(owner)).body.totals;
    const deps = createPortfolioDeps(server.runtime, createVault(server.runtime).files);
    try {
      const today = dayOf(Date.now());
      const db = server.runtime.database.db;
      expect((await db.selectFrom('portfolio_visitors').selectAll().execute()).length).toBeGreaterThan(0);
      expect((await db.selectFrom('portfolio_salts').selectAll().execute()).length).toBeGreaterThan(0);
      await rollUp(deps, today + 2);
      expect(await db.selectFrom('portfolio_visitors').selectAll().execute()).toEqual([]);
      expect(await db.selectFrom('portfolio_salts').selectAll().execute()).toEqual([]);
      const after = (await analytics(owner)).body.totals;
      expect(after).toEqual(before);
    } finally {
      await deps.limits.close();
    }
  });
});
