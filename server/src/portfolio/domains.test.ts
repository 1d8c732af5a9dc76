import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { createCollection, createPortfolio, publishNew } from '../../test/portfolio.ts';
import { normaliseHost } from './domains.ts';

/**
 * Custom domains mapped by the admin (listPortfolioDomains, mapPortfolioDomain,
 * unmapPortfolioDomain): host names checked and normalised (lower case, punycode; no IP, port
 * or wildcard); a request with a mapped Host serves the portfolio at its root through the same
 * host routes as {slug}.{PORTFOLIO_DOMAIN}, from the next request after mapping and no longer
 * after unmapping; unknown hosts get the app as before. Only an admin may map: photographers
 * are refused, anonymous callers too, and bad input is a stable 4xx.
 */

function hostGet(server: TestServer, host: string, path: string): Promise<{ status: number; body: string; type: string }> {
  const { port } = server.app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, path, headers: { host, accept: 'text/html', 'user-agent': 'Mozilla/5.0 Test' } }, (response) => {
      const pieces: Buffer[] = [];
      response.on('data', (piece: Buffer) => pieces.push(piece));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(pieces).toString('utf8'), type: String(response.headers['content-type'] ?? '') }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('host names an admin may map', () => {
  it('normalises case, a trailing dot and international names to what browsers send', () => {
    expect(normaliseHost('Photos.Example.COM')).toBe('photos.example.com');
    expect(normaliseHost(' photos.example.com. ')).toBe('photos.example.com');
    expect(normaliseHost('Bücher.Example')).toBe('xn--bcher-kva.example');
    expect(normaliseHost('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
    expect(normaliseHost('fotos.例え.jp')).toBe('fotos.xn--r8jz45g.jp');
  });

  it.each([
    ['an IPv4 address', '192.0.2.10'],
    ['an IPv6 address', '[2001:db8::1]'],
    ['a bare IPv6 address', '2001:db8::1'],
    ['an address in hex the URL parser turns into one', '0x7f.1'],
    ['full-width digits', '１２７.０.０.１'],
    ['a port', 'photos.example.com:8443'],
    ['a wildcard', '*.example.com'],
    ['a scheme', 'https://photos.example.com'],
    ['a path', 'photos.example.com/ana'],
    ['a user', 'ana@photos.example.com'],
    ['a single label', 'localhost'],
    ['an empty label', 'photos..example.com'],
    ['a leading hyphen', '-photos.example.com'],
    ['a numeric top-level label', 'photos.example.123'],
    ['a label over 63 characters', `${'a'.repeat(64)}.example.com`],
    ['a name over 253 characters', `${'abcdefghi.'.repeat(26)}com`],
    ['underscores', 'my_photos.example.com'],
    ['nothing', '  '],
  ])('refuses %s', (_reason, host) => {
    expect(() => normaliseHost(host)).toThrow(expect.objectContaining({ code: 'invalid_host', statusCode: 400 }));
  });
});

describe('custom domains for portfolios', () => {
  let server: TestServer;
  let admin: TestClient;
  let owner: TestClient;
  let other: TestClient;
  let portfolio: { id: string; slug: string };
  let otherPortfolio: { id: string; slug: string };
  let otherCollection: Awaited<ReturnType<typeof publishNew>>;
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite', env: { TRUST_PROXY: 'true', PORTFOLIO_DOMAIN: 'portfolio.test' } });
    admin = (await signedInAdmin(server)).client;
    owner = (await signedInClient(server, 'photographer', 'owner')).client;
    other = (await signedInClient(server, 'photographer', 'other')).client;
    portfolio = await createPortfolio(owner);
    otherPortfolio = await createPortfolio(other);
    await publishNew(owner, (await createCollection(owner, 'Weddings')).id, 2);
    otherCollection = await publishNew(other, (await createCollection(other, 'Theirs')).id, 1);
  }, 120_000);
  afterAll(async () => server?.close());

  it('serves a mapped portfolio at the host’s root, like {slug}.{PORTFOLIO_DOMAIN}, and stops at once when unmapped', async () => {
    const host = 'photos.example.com';
    // Before mapping, the host is nobody's: the app answers as it would anywhere.
    expect((await hostGet(server, host, '/')).body).not.toContain('data-portfolio');

    const mapped = await admin.json<{ domain: { host: string; portfolioId: string; slug: string; url: string } }>('POST', '/api/admin/portfolio-domains', { host: 'Photos.Example.COM', portfolioId: portfolio.id });
    expect(mapped.status).toBe(200);
    expect(mapped.body.domain).toMatchObject({ host, portfolioId: portfolio.id, slug: portfolio.slug, url: `http://${host}` });

    const home = await hostGet(server, host, '/');
    expect(home.status).toBe(200);
    expect(home.body).toContain(`data-portfolio="${portfolio.slug}"`);
    expect(home.body).toContain('href="/weddings"');
    expect(home.body).toContain(`<link rel="canonical" href="http://${host}/">`);
    // A port in Host (TLS terminated in front, an odd proxy) is the same host.
    expect((await hostGet(server, `${host}:8443`, '/')).body).toContain(`data-portfolio="${portfolio.slug}"`);
    const page = await hostGet(server, host, '/weddings');
    expect(page.status).toBe(200);
    const image = /src="(\/photos\/[^"]+w640\.jpeg)"/.exec(page.body)?.[1];
    expect(image).toBeDefined();
    const served = await hostGet(server, host, image!);
    expect([served.status, served.type]).toEqual([200, 'image/jpeg']);
    expect((await hostGet(server, host, `/photos/${otherCollection.photos[0]!.id}/w320.webp`)).status).toBe(404);
    expect((await hostGet(server, host, '/robots.txt')).body).toContain(`Sitemap: http://${host}/sitemap.xml`);
    expect((await hostGet(server, host, '/sitemap.xml')).body).toContain(`<loc>http://${host}/weddings</loc>`);
    // The profile names it as the portfolio's own host; the wildcard host keeps working beside it.
    expect((await owner.json<{ profile: { hostUrl: string } }>('GET', '/api/portfolio/profile')).body.profile.hostUrl).toBe(`http://${host}`);
    expect((await hostGet(server, `${portfolio.slug}.portfolio.test`, '/weddings')).status).toBe(200);
    // The app's own routes still answer on the mapped host (the analytics beacon posts there, the assets load from there).
    expect((await hostGet(server, host, '/healthz')).status).toBe(200);

    const listed = await admin.json<{ domains: Array<{ host: string }>; portfolios: Array<{ id: string; host: string | null }> }>('GET', '/api/admin/portfolio-domains');
    expect(listed.body.domains.map((entry) => entry.host)).toEqual([host]);
    expect(listed.body.portfolios).toEqual(expect.arrayContaining([expect.objectContaining({ id: portfolio.id, host }), expect.objectContaining({ id: otherPortfolio.id, host: null })]));

    expect((await admin.request('DELETE', `/api/admin/portfolio-domains/${encodeURIComponent('PHOTOS.example.com')}`)).status).toBe(204);
    const after = await hostGet(server, host, '/');
    expect(after.body).not.toContain('data-portfolio');
    expect((await hostGet(server, host, image!)).type).not.toMatch(/^image\//);
    expect((await admin.json<{ error: { code: string } }>('DELETE', `/api/admin/portfolio-domains/${host}`)).body.error.code).toBe('domain_not_found');

    const actions = await server.runtime.database.db.selectFrom('audit_events').select('action').where('action', 'like', 'portfolio.domain_%').execute();
    expect(actions.map((entry) => entry.action)).toEqual(['portfolio.domain_mapped', 'portfolio.domain_unmapped']);
  });

  it('maps international names as punycode, one host per portfolio, never one host twice', async () => {
    const international = await admin.json<{ domain: { host: string } }>('POST', '/api/admin/portfolio-domains', { host: 'Fotos.Bücher.example', portfolioId: portfolio.id });
    expect(international.body.domain.host).toBe('fotos.xn--bcher-kva.example');
    expect((await hostGet(server, 'fotos.xn--bcher-kva.example', '/')).body).toContain(`data-portfolio="${portfolio.slug}"`);
    // Mapping another host to the same portfolio replaces the first.
    await admin.json('POST', '/api/admin/portfolio-domains', { host: 'ana.example.net', portfolioId: portfolio.id });
    expect((await hostGet(server, 'fotos.xn--bcher-kva.example', '/')).body).not.toContain('data-portfolio');
    expect((await hostGet(server, 'ana.example.net', '/')).body).toContain(`data-portfolio="${portfolio.slug}"`);
    // Mapping it again is no change; to another portfolio, a conflict.
    expect((await admin.json('POST', '/api/admin/portfolio-domains', { host: 'ana.example.net', portfolioId: portfolio.id })).status).toBe(200);
    const taken = await admin.json<{ error: { code: string } }>('POST', '/api/admin/portfolio-domains', { host: 'ANA.example.net', portfolioId: otherPortfolio.id });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'host_taken']);
    await admin.request('DELETE', '/api/admin/portfolio-domains/ana.example.net');
  });

  it('refuses photographers and anonymous callers, and bad input with a stable 4xx', async () => {
    const calls: Array<[string, string, unknown]> = [
      ['GET', '/api/admin/portfolio-domains', undefined],
      ['POST', '/api/admin/portfolio-domains', { host: 'stolen.example.com', portfolioId: portfolio.id }],
      ['DELETE', '/api/admin/portfolio-domains/stolen.example.com', undefined],
    ];
    for (const [method, path, body] of calls) {
      const refused = await owner.json<{ error: { code: string } }>(method, path, body);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect((await new TestClient(server).request(method, path, body)).status, `${method} ${path}`).toBe(401);
    }
    const appHost = new URL(server.url).host;
    const bad: Array<[unknown, number, string]> = [
      [{ host: '192.0.2.1', portfolioId: portfolio.id }, 400, 'invalid_host'],
      [{ host: 'photos.example.com:443', portfolioId: portfolio.id }, 400, 'invalid_host'],
      [{ host: '*.example.com', portfolioId: portfolio.id }, 400, 'invalid_host'],
      [{ host: `${portfolio.slug}.portfolio.test`, portfolioId: portfolio.id }, 400, 'host_reserved'],
      [{ host: 'portfolio.test', portfolioId: portfolio.id }, 400, 'host_reserved'],
      [{ host: appHost.includes(':') ? 'localhost' : appHost, portfolioId: portfolio.id }, 400, appHost.includes(':') ? 'invalid_host' : 'host_reserved'],
      [{ host: 'photos.example.com', portfolioId: '00000000-0000-4000-8000-000000000000' }, 404, 'portfolio_not_found'],
      [{ host: 'photos.example.com', portfolioId: 'nope' }, 400, 'validation_failed'],
      [{ host: 'photos.example.com' }, 400, 'validation_failed'],
      [{ host: 'photos.example.com', portfolioId: portfolio.id, tls: true }, 400, 'validation_failed'],
      [{ host: '', portfolioId: portfolio.id }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of bad) {
      const answer = await admin.json<{ error: { code: string } }>('POST', '/api/admin/portfolio-domains', body);
      expect([answer.status, answer.body.error.code], JSON.stringify(body)).toEqual([status, code]);
    }
    const badDelete = await admin.json<{ error: { code: string } }>('DELETE', '/api/admin/portfolio-domains/192.0.2.1');
    expect([badDelete.status, badDelete.body.error.code]).toEqual([400, 'invalid_host']);
    expect((await admin.json<{ domains: unknown[] }>('GET', '/api/admin/portfolio-domains')).body.domains).toEqual([]);
  });
});

describe('the app’s own host under PORTFOLIO_DOMAIN', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The app at app.portfolio.test: the wildcard would read its host as the portfolio `app`.
    const started = await startTestServer({ database: 'sqlite', env: { TRUST_PROXY: 'true', PORTFOLIO_DOMAIN: 'portfolio.test', PUBLIC_URL: 'http://app.portfolio.test' } });
    // Clients reach it by address (nothing resolves app.portfolio.test); the Host header is what routing reads.
    server = Object.assign(Object.create(started) as TestServer, { url: `http://127.0.0.1:${(started.app.server.address() as AddressInfo).port}` });
  }, 120_000);
  afterAll(async () => server?.close());

  it('reserves the slug that is the app’s host label, and serves the app there whatever portfolio holds that slug', async () => {
    const { client: owner, user } = await signedInClient(server, 'photographer', 'shadow');
    const taken = await owner.json<{ error: { code: string } }>('PUT', '/api/portfolio/profile', { slug: 'app', displayName: 'Shadow' });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'slug_reserved']);
    const portfolio = await createPortfolio(owner);
    await publishNew(owner, (await createCollection(owner, 'Weddings')).id, 1);
    expect((await hostGet(server, `${portfolio.slug}.portfolio.test`, '/')).body).toContain(`data-portfolio="${portfolio.slug}"`);

    // A portfolio that held the slug before it was reserved still cannot take the app's host.
    await server.runtime.database.db.updateTable('portfolios').set({ slug: 'app' }).where('user_id', '=', user.id).execute();
    for (const path of ['/', '/weddings', '/sign-in', '/robots.txt', '/sitemap.xml']) {
      const onAppHost = await hostGet(server, 'app.portfolio.test', path);
      const byAddress = await hostGet(server, '127.0.0.1', path);
      expect(onAppHost.body, path).not.toContain('data-portfolio');
      expect([onAppHost.status, onAppHost.body], path).toEqual([byAddress.status, byAddress.body.replaceAll('127.0.0.1', 'app.portfolio.test')]);
    }
    expect((await hostGet(server, 'APP.portfolio.test:8443', '/')).body).not.toContain('data-portfolio');
    // It is still served at /p/app on the app's host.
    expect((await hostGet(server, 'app.portfolio.test', '/p/app')).body).toContain('data-portfolio="app"');
  });
});
