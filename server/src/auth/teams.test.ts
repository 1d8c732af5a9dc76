import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, signInWithCode, signedInClient, uniqueEmail } from '../../test/accounts.ts';
import { TestClient, waitForMail } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { inviteAndAccept, signedInMember } from '../../test/teams.ts';
import { hashToken } from '../crypto/hashing.ts';
import { rolePermissions } from '../http/permissions.ts';

/**
 * Studio teams (auth/teams.ts): invitations are one-time and expire, the token is stored only
 * hashed, roles change and members go at once, the last owner stays, a person switches between
 * the studios they belong to, and every new route answers bad input with a stable 4xx. What each
 * role may do on every route is walked in http/authorization.test.ts.
 */

type Members = { members: Array<{ userId: string; email: string; role: string; you: boolean }>; invitations: Array<{ id: string; email: string }> };
type ErrorAnswer = { error: { code: string; message?: string } };

describe.each(databaseKinds())('studio teams on %s', (database) => {
  let server: TestServer;
  let owner: TestClient;
  let ownerId: string;
  let ownerStudio: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    const signed = await signedInClient(server, 'photographer', 'team-owner');
    owner = signed.client;
    ownerId = signed.user.id;
    ownerStudio = signed.user.studioId ?? '';
  });
  afterAll(async () => server?.close());

  it('makes an invited address a member with its role, through a one-time link stored only hashed', async () => {
    const email = uniqueEmail('invitee');
    const before = (await server.outbox()).length;
    const invited = await owner.json<{ invitation: { id: string; email: string; role: string } }>('POST', '/api/studio/invitations', { email, role: 'editor' });
    expect(invited.status).toBe(201);
    expect(invited.body.invitation).toMatchObject({ email, role: 'editor' });
    const token = (await waitForMail(server, email, /\/invitations\/accept#token=([A-Za-z0-9_-]+)/, { after: before }))[1] ?? '';
    // The email names the studio and who invited (the owner's address).
    const ownerEmail = (await owner.json<{ user: { email: string } }>('GET', '/api/me')).body.user.email;
    const studioNamed = (await owner.json<{ studios: Array<{ name: string }> }>('GET', '/api/me/studios')).body.studios[0]?.name ?? '';
    const [invitationText] = await waitForMail(server, email, /[^\r\n]+ invited you to join the studio[^\r\n]+/, { after: before });
    expect(invitationText).toBe(`${ownerEmail} invited you to join the studio “${studioNamed}” on Shutterlock as an editor.`);
    const stored = await server.runtime.database.db.selectFrom('studio_invitations').selectAll().where('id', '=', invited.body.invitation.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).toBe(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((await owner.json<Members>('GET', '/api/studio/members')).body.invitations.map((row) => row.email)).toContain(email);

    const anonymous = new TestClient(server, { ip: '10.77.0.1' });
    // Before the click, the page learns the studio, the role, the expiry and the address masked — nothing else.
    const offer = await anonymous.json<Record<string, unknown>>('POST', '/api/invitations/lookup', { token });
    expect(offer.status).toBe(200);
    const masked = `${email[0]}•••${email.slice(email.indexOf('@'))}`;
    expect(offer.body).toEqual({ studio: { name: expect.any(String) }, role: 'editor', expiresAt: new Date(Number(stored.expires_at)).toISOString(), email: masked, session: 'none' });
    const accepted = await anonymous.json<{ studio: { name: string } }>('POST', '/api/invitations/accept', { token });
    expect(accepted.status).toBe(200);
    expect(offer.body.studio).toEqual({ name: accepted.body.studio.name });
    expect(accepted.body).toMatchObject({ role: 'editor', email: masked, accountCreated: true, switched: false, studio: { id: ownerStudio } });
    const again = await anonymous.json<ErrorAnswer>('POST', '/api/invitations/accept', { token });
    expect([again.status, again.body.error.code]).toEqual([400, 'invitation_invalid']);
    const used = await anonymous.json<ErrorAnswer>('POST', '/api/invitations/lookup', { token });
    expect([used.status, used.body.error.code]).toEqual([400, 'invitation_invalid']);

    const member = new TestClient(server, { ip: '10.77.0.2' });
    expect((await signInWithCode(member, email)).status).toBe(200);
    const me = await member.json<{ user: { studioId: string; studioRole: string } }>('GET', '/api/me');
    expect(me.body.user).toMatchObject({ studioId: ownerStudio, studioRole: 'editor' });
    const list = await owner.json<Members>('GET', '/api/studio/members');
    expect(list.body.members.map((row) => [row.email, row.role])).toEqual(expect.arrayContaining([[email, 'editor']]));
    expect(list.body.invitations.map((row) => row.email)).not.toContain(email);
  });

  it('accepts for the account signed in with the invited address and switches its session to the studio; refuses another account; tells a member they are one', async () => {
    const invitee = await createAccount(server, 'photographer', 'signed-invitee'); // owns a studio of their own
    const signedIn = new TestClient(server, { ip: '10.77.2.1' });
    expect((await signInWithCode(signedIn, invitee.email)).status).toBe(200);
    const someoneElse = (await signedInClient(server, 'photographer', 'not-invited')).client;
    const before = (await server.outbox()).length;
    await owner.json('POST', '/api/studio/invitations', { email: invitee.email, role: 'viewer' });
    const token = (await waitForMail(server, invitee.email, /#token=([A-Za-z0-9_-]+)/, { after: before }))[1] ?? '';

    const otherOffer = await someoneElse.json<{ session: string }>('POST', '/api/invitations/lookup', { token });
    expect([otherOffer.status, otherOffer.body.session]).toEqual([200, 'other']);
    const refused = await someoneElse.json<ErrorAnswer>('POST', '/api/invitations/accept', { token });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'invitation_for_another_address']);
    expect(refused.body.error.message).toContain(`${invitee.email[0]}•••@`);
    expect(refused.body.error.message).not.toContain(invitee.email);

    const offer = await signedIn.json<{ session: string; studio: Record<string, string> }>('POST', '/api/invitations/lookup', { token });
    expect([offer.status, offer.body.session, offer.body.studio.id]).toEqual([200, 'invited', undefined]);
    const accepted = await signedIn.json<{ switched: boolean; accountCreated: boolean }>('POST', '/api/invitations/accept', { token });
    expect([accepted.status, accepted.body.switched, accepted.body.accountCreated]).toEqual([200, true, false]);
    const me = await signedIn.json<{ user: { studioId: string; studioRole: string } }>('GET', '/api/me');
    expect(me.body.user).toMatchObject({ studioId: ownerStudio, studioRole: 'viewer' });

    // The used link again: the member hears they are one, with the studio to switch to; anyone else, that it is not valid.
    const again = await signedIn.json<{ session: string; studio: { id: string; name: string }; role: string }>('POST', '/api/invitations/lookup', { token });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ session: 'member', studio: { id: ownerStudio }, role: 'viewer' });
    const stranger = await someoneElse.json<ErrorAnswer>('POST', '/api/invitations/lookup', { token });
    expect([stranger.status, stranger.body.error.code]).toEqual([400, 'invitation_invalid']);
    const anonymous = await new TestClient(server, { ip: '10.77.2.3' }).json<ErrorAnswer>('POST', '/api/invitations/lookup', { token });
    expect([anonymous.status, anonymous.body.error.code]).toEqual([400, 'invitation_invalid']);
  });

  it('review: another account signed in neither consumes the link nor makes an account for the address; a cross-site accept with the cookie is refused; signed out, the accept answers the whole address', async () => {
    const email = uniqueEmail('review-fresh'); // no account yet
    const before = (await server.outbox()).length;
    await owner.json('POST', '/api/studio/invitations', { email, role: 'viewer' });
    const token = (await waitForMail(server, email, /#token=([A-Za-z0-9_-]+)/, { after: before }))[1] ?? '';
    const someoneElse = (await signedInClient(server, 'photographer', 'review-other')).client;
    const refused = await someoneElse.json<ErrorAnswer>('POST', '/api/invitations/accept', { token });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'invitation_for_another_address']);
    expect(await server.runtime.database.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
    // Cross-site, with the cookie: the CSRF check answers before the route.
    const forged = await someoneElse.request('POST', '/api/invitations/accept', { token }, { 'sec-fetch-site': 'cross-site' });
    expect([forged.status, ((await forged.json()) as ErrorAnswer).error.code]).toEqual([403, 'csrf_rejected']);
    const offer = await new TestClient(server, { ip: '10.77.4.1' }).json<{ email: string; session: string }>('POST', '/api/invitations/lookup', { token });
    expect([offer.status, offer.body.session, offer.body.email]).toEqual([200, 'none', `${email[0]}•••${email.slice(email.indexOf('@'))}`]);
    // The masking is for whoever holds the link; accepting signed out (the link forwarded) does not hand them the whole address either.
    const accepted = await new TestClient(server, { ip: '10.77.4.2' }).json<{ email: string }>('POST', '/api/invitations/accept', { token });
    expect([accepted.status, accepted.body.email]).toEqual([200, offer.body.email]);
    expect(JSON.stringify(accepted.body)).not.toContain(email);
  });

  it('refuses an expired or withdrawn invitation', async () => {
    const email = uniqueEmail('late');
    const before = (await server.outbox()).length;
    const invited = await owner.json<{ invitation: { id: string } }>('POST', '/api/studio/invitations', { email, role: 'viewer' });
    const token = (await waitForMail(server, email, /#token=([A-Za-z0-9_-]+)/, { after: before }))[1] ?? '';
    await server.runtime.database.db.updateTable('studio_invitations').set({ expires_at: Date.now() - 1 }).where('id', '=', invited.body.invitation.id).execute();
    const expired = await new TestClient(server, { ip: '10.77.1.1' }).json<ErrorAnswer>('POST', '/api/invitations/accept', { token });
    expect([expired.status, expired.body.error.code]).toEqual([400, 'invitation_invalid']);
    const expiredOffer = await new TestClient(server, { ip: '10.77.1.1' }).json<ErrorAnswer>('POST', '/api/invitations/lookup', { token });
    expect([expiredOffer.status, expiredOffer.body.error.code]).toEqual([400, 'invitation_invalid']);

    const second = uniqueEmail('withdrawn');
    const mark = (await server.outbox()).length;
    const pending = await owner.json<{ invitation: { id: string } }>('POST', '/api/studio/invitations', { email: second, role: 'viewer' });
    const secondToken = (await waitForMail(server, second, /#token=([A-Za-z0-9_-]+)/, { after: mark }))[1] ?? '';
    expect((await owner.request('DELETE', `/api/studio/invitations/${pending.body.invitation.id}`)).status).toBe(204);
    const withdrawn = await new TestClient(server, { ip: '10.77.1.2' }).json<ErrorAnswer>('POST', '/api/invitations/accept', { token: secondToken });
    expect([withdrawn.status, withdrawn.body.error.code]).toEqual([400, 'invitation_invalid']);
    const withdrawnOffer = await new TestClient(server, { ip: '10.77.1.2' }).json<ErrorAnswer>('POST', '/api/invitations/lookup', { token: secondToken });
    expect([withdrawnOffer.status, withdrawnOffer.body.error.code]).toEqual([400, 'invitation_invalid']);
    expect((await owner.request('DELETE', `/api/studio/invitations/${pending.body.invitation.id}`)).status).toBe(404);
  });

  it('applies a role change and a removal to the member’s very next request', async () => {
    const { client: member, user } = await signedInMember(server, owner, 'editor');
    expect((await member.json('GET', '/api/deliveries')).status).toBe(200);
    const changed = await owner.json<{ member: { role: string } }>('PATCH', `/api/studio/members/${user.id}`, { role: 'viewer' });
    expect(changed.body.member.role).toBe('viewer');
    const refused = await member.json<ErrorAnswer>('GET', '/api/deliveries');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'studio_role_forbidden']);
    expect((await member.json('GET', '/api/vault/files')).status).toBe(200);
    expect((await owner.request('DELETE', `/api/studio/members/${user.id}`)).status).toBe(204);
    const gone = await member.json<ErrorAnswer>('GET', '/api/vault/files');
    expect([gone.status, gone.body.error.code]).toEqual([403, 'studio_required']);
    expect((await owner.request('DELETE', `/api/studio/members/${user.id}`)).status).toBe(404);
  });

  it('never leaves a studio without an owner', async () => {
    const demote = await owner.json<ErrorAnswer>('PATCH', `/api/studio/members/${ownerId}`, { role: 'editor' });
    expect([demote.status, demote.body.error.code]).toEqual([409, 'last_owner']);
    const remove = await owner.json<ErrorAnswer>('DELETE', `/api/studio/members/${ownerId}`);
    expect([remove.status, remove.body.error.code]).toEqual([409, 'last_owner']);
    const leave = await owner.json<ErrorAnswer>('POST', '/api/studio/leave', {});
    expect([leave.status, leave.body.error.code]).toEqual([409, 'last_owner']);

    const { client: second, user } = await signedInMember(server, owner, 'owner');
    expect((await owner.json('PATCH', `/api/studio/members/${ownerId}`, { role: 'editor' })).status).toBe(200);
    const last = await second.json<ErrorAnswer>('POST', '/api/studio/leave', {});
    expect([last.status, last.body.error.code]).toEqual([409, 'last_owner']);
    expect((await second.json('PATCH', `/api/studio/members/${ownerId}`, { role: 'owner' })).status).toBe(200);
    expect((await second.request('POST', '/api/studio/leave', {})).status).toBe(204);
    expect((await owner.json<Members>('GET', '/api/studio/members')).body.members.map((row) => row.userId)).not.toContain(user.id);
  });

  it('lets a person in several studios switch between them, and only between them', async () => {
    const { client: member } = await signedInMember(server, owner, 'viewer', { withOwnStudio: true });
    const studios = await member.json<{ studios: Array<{ id: string; role: string; active: boolean }> }>('GET', '/api/me/studios');
    expect(studios.body.studios).toHaveLength(2);
    const own = studios.body.studios.find((studio) => studio.role === 'owner');
    expect(own?.active).toBe(true);
    // Their own studio first: full rights there.
    expect((await member.json('GET', '/api/deliveries')).status).toBe(200);
    const switched = await member.json<{ studios: Array<{ id: string; active: boolean }> }>('PUT', '/api/me/studio', { studioId: ownerStudio });
    expect(switched.body.studios.find((studio) => studio.id === ownerStudio)?.active).toBe(true);
    expect((await member.json<{ user: { studioId: string; studioRole: string } }>('GET', '/api/me')).body.user).toMatchObject({ studioId: ownerStudio, studioRole: 'viewer' });
    expect((await member.json('GET', '/api/deliveries')).status).toBe(403);

    const stranger = await createAccount(server, 'photographer', 'stranger');
    const refused = await member.json<ErrorAnswer>('PUT', '/api/me/studio', { studioId: stranger.studioId });
    expect([refused.status, refused.body.error.code]).toEqual([404, 'studio_not_found']);
    expect((await member.json<{ user: { studioId: string } }>('GET', '/api/me')).body.user.studioId).toBe(ownerStudio);
  });

  it('tells the person what their role allows in the studio the session acts in, as the server enforces it', async () => {
    type Me = { user: { studioId: string | null; studioRole: string | null; studioPermissions: string[] } };
    const allowed = async (client: TestClient) => (await client.json<Me>('GET', '/api/me')).body.user;
    expect((await allowed(owner)).studioPermissions).toEqual([...rolePermissions.owner]);

    const { client: member, user } = await signedInMember(server, owner, 'viewer', { withOwnStudio: true });
    // Their own studio first: every permission there, members included.
    expect((await allowed(member)).studioPermissions).toEqual([...rolePermissions.owner]);
    await member.json('PUT', '/api/me/studio', { studioId: ownerStudio });
    const asViewer = await allowed(member);
    expect(asViewer).toMatchObject({ studioId: ownerStudio, studioRole: 'viewer', studioPermissions: ['library.view'] });
    // What the answer leaves out is what the server refuses, and what it lists is allowed.
    expect((await member.json('GET', '/api/vault/files')).status).toBe(200);
    expect((await member.json<ErrorAnswer>('GET', '/api/deliveries')).body.error.code).toBe('studio_role_forbidden');

    // A role change shows in the next answer: the permissions are read per request, like the role.
    await owner.json('PATCH', `/api/studio/members/${user.id}`, { role: 'editor' });
    const asEditor = await allowed(member);
    expect(asEditor.studioPermissions).toEqual([...rolePermissions.editor]);
    expect(asEditor.studioPermissions).not.toContain('members');
    expect(asEditor.studioPermissions).not.toContain('delete');
    expect((await member.json('GET', '/api/deliveries')).status).toBe(200);
    expect((await member.json<ErrorAnswer>('GET', '/api/studio/members')).body.error.code).toBe('studio_role_forbidden');

    // Signing in answers the same view; an admin has no studio and so no permission.
    const again = new TestClient(server, { ip: '10.77.3.1' });
    const signIn = await signInWithCode(again, user.email);
    expect((signIn.body as Me).user.studioPermissions).toEqual([...rolePermissions.owner]);
    const admin = await signedInClient(server, 'admin', 'team-permissions-admin');
    expect(await allowed(admin.client)).toMatchObject({ studioId: null, studioRole: null, studioPermissions: [] });
  });

  it('keeps another studio’s owner away from this studio’s members', async () => {
    const { client: member, user } = await signedInMember(server, owner, 'editor');
    const { client: other } = await signedInClient(server, 'photographer', 'other-owner');
    expect((await other.json('PATCH', `/api/studio/members/${user.id}`, { role: 'owner' })).status).toBe(404);
    expect((await other.request('DELETE', `/api/studio/members/${user.id}`)).status).toBe(404);
    expect((await other.json<Members>('GET', '/api/studio/members')).body.members.map((row) => row.userId)).not.toContain(user.id);
    expect((await member.json('GET', '/api/vault/files')).status).toBe(200);
  });

  it('bounds the invitation emails a studio sends, however often it withdraws and invites again', async () => {
    const { client: spammer } = await signedInClient(server, 'photographer', 'invitation-spammer');
    const target = uniqueEmail('target');
    const mailed = async () => (await server.outbox()).filter((message) => message.includes(target)).length;
    // Each new invitation to the same address replaces the pending one and is one more email.
    for (let sent = 1; sent <= 20; sent += 1) {
      const before = (await server.outbox()).length;
      expect((await spammer.json('POST', '/api/studio/invitations', { email: target, role: 'viewer' })).status).toBe(201);
      await waitForMail(server, target, /#token=/, { after: before });
    }
    const refused = await spammer.request('POST', '/api/studio/invitations', { email: uniqueEmail('another'), role: 'viewer' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as ErrorAnswer).error.code).toBe('invitation_limit_reached');
    expect(await mailed()).toBe(20);
    // Another studio's budget is its own.
    expect((await owner.json('POST', '/api/studio/invitations', { email: uniqueEmail('unaffected'), role: 'viewer' })).status).toBe(201);
  });

  it('refused by the daily ceiling, an invitation costs nothing of the hour’s allowance', async () => {
    const { client: busy, user } = await signedInClient(server, 'photographer', 'invitation-day-spent');
    const db = server.runtime.database.db;
    const counter = (rule: string) => `sl:auth:${rule}:${user.studioId as string}`;
    // The day's 50 spent (in the database: the test server has no Redis).
    await db.insertInto('rate_limit_counters').values({ key: counter('invitationsPerStudioPerDay'), points: 50, expires_at: Date.now() + 60 * 60_000 }).execute();
    const hourBefore = await db.selectFrom('rate_limit_counters').select('points').where('key', '=', counter('invitationsPerStudioPerHour')).executeTakeFirst();
    const refused = await busy.json<ErrorAnswer>('POST', '/api/studio/invitations', { email: uniqueEmail('day-spent'), role: 'viewer' });
    expect([refused.status, refused.body.error.code]).toEqual([429, 'invitation_limit_reached']);
    expect(refused.body.error.message).toMatch(/a day/);
    const hourAfter = await db.selectFrom('rate_limit_counters').select('points').where('key', '=', counter('invitationsPerStudioPerHour')).executeTakeFirst();
    expect(Number(hourAfter?.points ?? 0)).toBe(Number(hourBefore?.points ?? 0));
  });

  it('refuses an invitation to a current member', async () => {
    const { user } = await signedInMember(server, owner, 'viewer');
    const again = await owner.json<ErrorAnswer>('POST', '/api/studio/invitations', { email: user.email, role: 'editor' });
    expect([again.status, again.body.error.code]).toEqual([409, 'already_member']);
  });

  it('answers bad input on every teams route with a stable 4xx', async () => {
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/api/studio/invitations', { email: 'x', role: 'editor' }, 'validation_failed'],
      ['POST', '/api/studio/invitations', { email: uniqueEmail('x'), role: 'admin' }, 'validation_failed'],
      ['POST', '/api/studio/invitations', { email: uniqueEmail('x'), role: 'editor', extra: 1 }, 'validation_failed'],
      ['POST', '/api/invitations/accept', { token: 'short' }, 'validation_failed'],
      ['POST', '/api/invitations/accept', { token: 'A'.repeat(43) }, 'invitation_invalid'],
      ['POST', '/api/invitations/accept', { token: '../../etc/passwd/../../../../' }, 'validation_failed'],
      ['POST', '/api/invitations/lookup', { token: 'short' }, 'validation_failed'],
      ['POST', '/api/invitations/lookup', {}, 'validation_failed'],
      ['POST', '/api/invitations/lookup', { token: 'A'.repeat(43), studioId: ownerStudio }, 'validation_failed'],
      ['POST', '/api/invitations/lookup', { token: 'A'.repeat(43) }, 'invitation_invalid'],
      ['PATCH', '/api/studio/members/not-a-uuid', { role: 'editor' }, 'validation_failed'],
      ['PATCH', `/api/studio/members/${ownerId}`, { role: 'boss' }, 'validation_failed'],
      ['DELETE', '/api/studio/members/not-a-uuid', undefined, 'validation_failed'],
      ['DELETE', '/api/studio/invitations/not-a-uuid', undefined, 'validation_failed'],
      ['PUT', '/api/me/studio', { studioId: 'nope' }, 'validation_failed'],
      ['PUT', '/api/me/studio', {}, 'validation_failed'],
      ['POST', '/api/studio/leave', { now: true }, 'validation_failed'],
    ];
    for (const [method, url, body, code] of cases) {
      const response = await owner.json<ErrorAnswer>(method, url, body);
      expect(response.status, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(response.status, `${method} ${url}`).toBeLessThan(500);
      expect(response.body.error.code, `${method} ${url} ${JSON.stringify(body)}`).toBe(code);
    }
  });

  it('does not let an invitation make an admin a studio member', async () => {
    const admin = await createAccount(server, 'admin', 'team-admin');
    const before = (await server.outbox()).length;
    await owner.json('POST', '/api/studio/invitations', { email: admin.email, role: 'editor' });
    const token = (await waitForMail(server, admin.email, /#token=([A-Za-z0-9_-]+)/, { after: before }))[1] ?? '';
    const refused = await new TestClient(server, { ip: '10.77.2.1' }).json<ErrorAnswer>('POST', '/api/invitations/accept', { token });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'invitation_invalid']);
    // Looked up, it answers as accepting does: nothing tells it apart from a used link.
    const offer = await new TestClient(server, { ip: '10.77.2.1' }).json<ErrorAnswer>('POST', '/api/invitations/lookup', { token });
    expect([offer.status, offer.body.error.code]).toEqual([400, 'invitation_invalid']);
    await expect(inviteAndAccept(server, owner, uniqueEmail('fine'), 'viewer')).resolves.toBeDefined();
  });
});
