import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { type TestCollection, createCollection, createPortfolio, publishNew } from '../../test/portfolio.ts';
import { signedInMember } from '../../test/teams.ts';

/**
 * A disabled account's portfolio is not shown (docs/portfolio.md, "A disabled photographer"):
 * while the studio is suspended (its owner disabled) every public page and image of its
 * portfolios answers as for a portfolio that does not exist (404, out of the sitemap), and its
 * website token and signed site images answer 403 `studio_suspended`; a disabled member's own
 * portfolio disappears alone, the rest of the studio stays. Re-enabling brings it all back.
 */

interface SiteCollections {
  collections: Array<{ id: string; portfolio: string; cover: { images: Record<string, string> } | null }>;
}

async function site(server: TestServer, path: string, secret: string): Promise<Response> {
  return fetch(`${server.url}/api/site/v1${path}`, { headers: { authorization: `Bearer ${secret}` } });
}

async function outcome(response: Response): Promise<string> {
  if (response.status < 400) return String(response.status);
  const text = await response.text();
  const code = response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as { error: { code: string } }).error.code : 'html';
  return `${response.status} ${code}`;
}

describe.each(databaseKinds())('a disabled account’s portfolio on %s', (database) => {
  let server: TestServer;
  let admin: TestClient;
  let owner: { client: TestClient; user: { id: string } };
  let member: { client: TestClient; user: { id: string } };
  let ownerSlug: string;
  let memberSlug: string;
  let ownerCollection: TestCollection;
  let memberCollection: TestCollection;
  let secret: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    admin = (await signedInAdmin(server)).client;
    owner = await signedInClient(server, 'photographer', 'suspended-owner');
    member = await signedInMember(server, owner.client, 'editor');
    ownerSlug = (await createPortfolio(owner.client)).slug;
    ownerCollection = await publishNew(owner.client, (await createCollection(owner.client, 'Owner work')).id, 1);
    memberSlug = (await createPortfolio(member.client)).slug;
    memberCollection = await publishNew(member.client, (await createCollection(member.client, 'Member work')).id, 1);
    secret = (await owner.client.json<{ secret: string }>('POST', '/api/portfolio/site-tokens', { name: 'Website' })).body.secret;
  }, 180_000);
  afterAll(async () => server?.close());

  const setDisabled = async (userId: string, disabled: boolean) => {
    expect((await admin.json('PATCH', `/api/admin/users/${userId}`, { disabled })).status).toBe(200);
  };
  const publicPaths = (slug: string, collection: TestCollection) => [
    `/p/${slug}`,
    `/p/${slug}/${collection.slug}`,
    `/p/${slug}/photos/${collection.photos[0]!.id}/w320.jpeg`,
  ];
  const publicOutcomes = async (slug: string, collection: TestCollection) => Promise.all(publicPaths(slug, collection).map(async (path) => outcome(await fetch(`${server.url}${path}`))));
  const sitemap = async () => (await fetch(`${server.url}/sitemap.xml`)).text();
  const siteImageOf = async () => {
    const listed = (await (await site(server, '/collections', secret)).json()) as SiteCollections;
    return listed.collections.find((entry) => entry.id === ownerCollection.id)?.cover?.images['640'] as string;
  };

  it('hides a suspended studio’s portfolios as if they did not exist, refuses its website token, and brings all back on re-enable', async () => {
    const image = await siteImageOf();
    expect(await publicOutcomes(ownerSlug, ownerCollection)).toEqual(['200', '200', '200']);
    expect(await outcome(await fetch(image))).toBe('200');

    await setDisabled(owner.user.id, true);
    // The same answers as a slug nobody has: nothing tells a suspended portfolio apart.
    const nobody = await publicOutcomes('nobody-has-this', ownerCollection);
    expect(nobody).toEqual(['404 html', '404 html', '404 image_not_found']);
    expect(await publicOutcomes(ownerSlug, ownerCollection)).toEqual(nobody);
    expect(await publicOutcomes(memberSlug, memberCollection)).toEqual(nobody);
    expect(await sitemap()).not.toContain(`/p/${ownerSlug}`);
    expect(await sitemap()).not.toContain(`/p/${memberSlug}`);
    // The studio's own website: its token and its signed images say why, as every signed link of the studio does.
    for (const path of ['/portfolios', `/portfolios/${ownerSlug}`, '/collections', `/collections/${ownerCollection.id}`]) {
      expect(await outcome(await site(server, path, secret)), path).toBe('403 studio_suspended');
    }
    expect(await outcome(await fetch(image))).toBe('403 studio_suspended');

    await setDisabled(owner.user.id, false);
    expect(await publicOutcomes(ownerSlug, ownerCollection)).toEqual(['200', '200', '200']);
    expect(await publicOutcomes(memberSlug, memberCollection)).toEqual(['200', '200', '200']);
    expect(await sitemap()).toContain(`/p/${ownerSlug}`);
    expect(await outcome(await site(server, '/portfolios', secret))).toBe('200');
    expect(await outcome(await fetch(image))).toBe('200');
  });

  it('hides a disabled member’s own portfolio everywhere, and only theirs', async () => {
    const memberImage = ((await (await site(server, `/collections/${memberCollection.id}`, secret)).json()) as { photos: Array<{ images: Record<string, string> }> }).photos[0]!.images['640'] as string;
    await setDisabled(member.user.id, true);
    try {
      expect(await publicOutcomes(memberSlug, memberCollection)).toEqual(['404 html', '404 html', '404 image_not_found']);
      expect(await publicOutcomes(ownerSlug, ownerCollection)).toEqual(['200', '200', '200']);
      expect(await sitemap()).not.toContain(`/p/${memberSlug}`);
      expect(await sitemap()).toContain(`/p/${ownerSlug}`);
      const portfolios = (await (await site(server, '/portfolios', secret)).json()) as { portfolios: Array<{ slug: string }> };
      expect(portfolios.portfolios.map((entry) => entry.slug)).toEqual([ownerSlug]);
      expect(await outcome(await site(server, `/portfolios/${memberSlug}`, secret))).toBe('404 portfolio_not_found');
      const collections = (await (await site(server, '/collections', secret)).json()) as SiteCollections;
      expect(collections.collections.map((entry) => entry.id)).toEqual([ownerCollection.id]);
      expect(await outcome(await site(server, `/collections/${memberCollection.id}`, secret))).toBe('404 collection_not_found');
      expect(await outcome(await fetch(memberImage))).toBe('404 image_not_found');
    } finally {
      await setDisabled(member.user.id, false);
    }
    expect(await publicOutcomes(memberSlug, memberCollection)).toEqual(['200', '200', '200']);
    expect(await outcome(await fetch(memberImage))).toBe('200');
  });
});
