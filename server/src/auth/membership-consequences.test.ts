import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import { TestClient, waitForMail } from '../../test/client.ts';
import { createDelivery, openedVisitor, outcome } from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { createCollection, createPortfolio, publishNew } from '../../test/portfolio.ts';
import { signedInMember } from '../../test/teams.ts';
import { uploaded } from '../../test/vault.ts';

/**
 * What a removal or a demotion does beyond the member's next request (auth/teams.ts,
 * MembershipChanges): their portfolio in the studio goes offline (removed, or a role that may
 * not publish), an owner can unpublish any portfolio of the studio, and the emails about what
 * they started go to the studio's current members — never to a former member.
 */

type StudioPortfolios = { portfolios: Array<{ id: string; slug: string; userId: string; yours: boolean }> };

describe.each(databaseKinds())('membership consequences on %s', (database) => {
  let server: TestServer;
  let owner: TestClient;
  let ownerEmail: string;

  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    const signed = await signedInClient(server, 'photographer', 'consequences-owner');
    owner = signed.client;
    ownerEmail = signed.user.email;
  });
  afterAll(async () => server?.close());

  /** Someone on the public side, with a browser's user agent. */
  const visitor = () => new TestClient(server, { ip: '203.0.113.9' });

  /** An editor of the owner's studio with a public portfolio of one photo. */
  async function editorWithPortfolio(): Promise<{ member: TestClient; userId: string; slug: string; id: string; photoUrl: string }> {
    const { client: member, user } = await signedInMember(server, owner, 'editor');
    const portfolio = await createPortfolio(member);
    const collection = await publishNew(member, (await createCollection(member)).id);
    const photoUrl = `/p/${portfolio.slug}/photos/${collection.photos[0]!.id}/w320.jpeg`;
    expect((await visitor().request('GET', `/p/${portfolio.slug}`)).status).toBe(200);
    expect((await visitor().request('GET', photoUrl)).status).toBe(200);
    return { member, userId: user.id, slug: portfolio.slug, id: portfolio.id, photoUrl };
  }

  async function portfolioActions(): Promise<Array<{ reason: unknown; subject: string | null }>> {
    const rows = await server.runtime.database.db.selectFrom('audit_events').select(['details', 'subject_user_id']).where('action', '=', 'portfolio.unpublished').execute();
    return rows.map((row) => ({ reason: (JSON.parse(String(row.details)) as { reason: unknown }).reason, subject: row.subject_user_id }));
  }

  it('takes a removed member’s portfolio offline at once, and frees their account for a portfolio elsewhere', async () => {
    const editor = await editorWithPortfolio();
    expect((await owner.request('DELETE', `/api/studio/members/${editor.userId}`)).status).toBe(204);
    expect((await visitor().request('GET', `/p/${editor.slug}`)).status).toBe(404);
    expect(await outcome(await visitor().request('GET', editor.photoUrl))).toBe('404 image_not_found');
    expect((await owner.json<StudioPortfolios>('GET', '/api/portfolio/studio-portfolios')).body.portfolios.map((row) => row.id)).not.toContain(editor.id);
    expect(await portfolioActions()).toContainEqual({ reason: 'member_removed', subject: editor.userId });
    // The vault keeps the files.
    expect((await owner.json<{ files: unknown[] }>('GET', '/api/vault/files')).body.files.length).toBeGreaterThan(0);
  });

  it('takes the portfolio offline when a member is demoted to a role that may not publish, not otherwise', async () => {
    const kept = await editorWithPortfolio();
    expect((await owner.json('PATCH', `/api/studio/members/${kept.userId}`, { role: 'owner' })).status).toBe(200);
    expect((await owner.json('PATCH', `/api/studio/members/${kept.userId}`, { role: 'editor' })).status).toBe(200);
    expect((await visitor().request('GET', `/p/${kept.slug}`)).status).toBe(200);

    const demoted = await editorWithPortfolio();
    expect((await owner.json('PATCH', `/api/studio/members/${demoted.userId}`, { role: 'viewer' })).status).toBe(200);
    expect((await visitor().request('GET', `/p/${demoted.slug}`)).status).toBe(404);
    expect(await outcome(await visitor().request('GET', demoted.photoUrl))).toBe('404 image_not_found');
    expect(await portfolioActions()).toContainEqual({ reason: 'role_changed', subject: demoted.userId });
  });

  it('lets an owner unpublish a colleague’s portfolio, and nobody else', async () => {
    const editor = await editorWithPortfolio();
    const listed = await editor.member.json<StudioPortfolios>('GET', '/api/portfolio/studio-portfolios');
    expect(listed.body.portfolios.find((row) => row.id === editor.id)).toMatchObject({ slug: editor.slug, userId: editor.userId, yours: true });
    // An editor may not delete (docs/security/teams.md), a viewer not even list.
    expect(await outcome(await editor.member.request('DELETE', `/api/portfolio/studio-portfolios/${editor.id}`))).toBe('403 studio_role_forbidden');
    const { client: viewer } = await signedInMember(server, owner, 'viewer');
    expect(await outcome(await viewer.request('GET', '/api/portfolio/studio-portfolios'))).toBe('403 studio_role_forbidden');
    // Another studio's owner does not find it.
    const stranger = (await signedInClient(server, 'photographer', 'consequences-stranger')).client;
    expect(await outcome(await stranger.request('DELETE', `/api/portfolio/studio-portfolios/${editor.id}`))).toBe('404 portfolio_not_found');
    expect((await visitor().request('GET', `/p/${editor.slug}`)).status).toBe(200);

    expect((await owner.request('DELETE', `/api/portfolio/studio-portfolios/${editor.id}`)).status).toBe(204);
    expect((await visitor().request('GET', `/p/${editor.slug}`)).status).toBe(404);
    expect(await outcome(await visitor().request('GET', editor.photoUrl))).toBe('404 image_not_found');
    expect(await outcome(await owner.request('DELETE', `/api/portfolio/studio-portfolios/${editor.id}`))).toBe('404 portfolio_not_found');
    expect(await portfolioActions()).toContainEqual({ reason: 'owner', subject: editor.userId });
    // The editor, still a member, may make a new one.
    expect((await createPortfolio(editor.member)).slug).not.toBe(editor.slug);
  });

  it('answers bad input on the new routes with a stable 4xx', async () => {
    expect(await outcome(await owner.request('DELETE', '/api/portfolio/studio-portfolios/not-a-uuid'))).toBe('400 validation_failed');
    expect(await outcome(await owner.request('DELETE', '/api/portfolio/studio-portfolios/00000000-0000-4000-8000-000000000000'))).toBe('404 portfolio_not_found');
  });

  it('sends a delivery’s emails to its maker while a member who may see deliveries, then to the studio’s owners', async () => {
    const { client: editor, user } = await signedInMember(server, owner, 'editor');
    const file = await uploaded(editor, await photo('jpeg', { width: 64, height: 48 }), { name: 'DSC_0001.jpg' });
    const delivery = await createDelivery(editor, { title: 'Editor’s wedding', fileIds: [file.id] });
    expect((await editor.json('PUT', `/api/deliveries/${delivery.delivery.id}/proofing`, { enabled: true, favouriteLimit: 3 })).status).toBe(200);

    async function submitSelection(name: string): Promise<string[]> {
      const visitor = await openedVisitor(server, delivery.access);
      const started = await visitor.json<{ listToken: string }>('POST', `/api/d/${delivery.token}/proofing/lists`, { name });
      const list = { 'x-proofing-list': started.body.listToken };
      expect((await visitor.request('PUT', `/api/d/${delivery.token}/proofing/favourites/${file.id}`, { favourite: true }, list)).status).toBe(200);
      const before = (await server.outbox()).length;
      expect((await visitor.request('POST', `/api/d/${delivery.token}/proofing/submit`, {}, list)).status).toBe(200);
      // Every recipient is sent to in one background task: once one has it, all have.
      const recipient = await Promise.any([user.email, ownerEmail].map(async (to) => (await waitForMail(server, to, new RegExp(`${name} submitted a selection`), { after: before }), to)));
      expect(recipient).toBeTruthy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const sent = (await server.outbox()).slice(before).filter((message) => message.includes(`${name} submitted a selection`));
      return [user.email, ownerEmail].filter((to) => sent.some((message) => message.includes(`To: ${to}`)));
    }

    expect(await submitSelection('Anna')).toEqual([user.email]);
    // A viewer has no deliveries: the owners hear of it instead.
    expect((await owner.json('PATCH', `/api/studio/members/${user.id}`, { role: 'viewer' })).status).toBe(200);
    expect(await submitSelection('Bert')).toEqual([ownerEmail]);
    expect((await owner.request('DELETE', `/api/studio/members/${user.id}`)).status).toBe(204);
    expect(await submitSelection('Carla')).toEqual([ownerEmail]);
  });
});
