import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithCode, signedInAdmin, signedInClient, uniqueEmail } from '../../test/accounts.ts';
import { TestClient, waitForMail } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';

type AdminUser = { id: string; email: string; role: string; status: string; activeSessions: number };
type ErrorBody = { error: { code: string } };

describe.each(databaseKinds())('user administration on %s', (database) => {
  let server: TestServer;
  let admin: TestClient;
  let adminId: string;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    const signedIn = await signedInAdmin(server);
    admin = signedIn.client;
    adminId = signedIn.user.id;
  });
  afterAll(async () => server?.close());

  it('creates a photographer with their own studio and emails an invitation naming the studio and who made it', async () => {
    const email = uniqueEmail('invitee');
    const created = await admin.json<{ user: AdminUser }>('POST', '/api/admin/users', { email, role: 'photographer', studioName: 'Atelier Nord' });
    expect(created.status).toBe(201);
    expect(created.body.user).toMatchObject({ email, role: 'photographer', status: 'invited' });
    await waitForMail(server, email, /invited to Shutterlock/);
    const adminEmail = (await admin.json<{ user: { email: string } }>('GET', '/api/me')).body.user.email;
    const [mail] = await waitForMail(server, email, /[^\r\n]+has made an account on Shutterlock for you[^\r\n]+/);
    expect(mail).toBe(`${adminEmail} has made an account on Shutterlock for you, with your own studio, “Atelier Nord”: your photo library, client deliveries and team live there.`);
    const membership = await server.runtime.database.db.selectFrom('studio_members').selectAll().where('user_id', '=', created.body.user.id).executeTakeFirstOrThrow();
    expect(membership.role).toBe('owner');
    expect((await server.runtime.database.db.selectFrom('studio_keys').selectAll().where('studio_id', '=', membership.studio_id).execute())).toHaveLength(1);

    // The first sign-in verifies the address.
    await signInWithCode(new TestClient(server, { ip: '10.9.9.9' }), email);
    const listed = await admin.json<{ users: AdminUser[] }>('GET', '/api/admin/users');
    expect(listed.body.users.find((user) => user.email === email)).toMatchObject({ status: 'active', activeSessions: 1 });
    expect((await admin.json<ErrorBody>('POST', '/api/admin/users', { email, role: 'photographer' })).body.error.code).toBe('email_taken');
  });

  it('filters the users list by role, status, part of the address and last sign-in', async () => {
    const tag = `filter${Date.now().toString(36)}`;
    const invited = await admin.json<{ user: AdminUser }>('POST', '/api/admin/users', { email: `${tag}-invited@example.com`, role: 'photographer' });
    const active = await admin.json<{ user: AdminUser }>('POST', '/api/admin/users', { email: `${tag}-active@example.com`, role: 'photographer' });
    const disabled = await admin.json<{ user: AdminUser }>('POST', '/api/admin/users', { email: `${tag}-disabled_1@example.com`, role: 'admin' });
    await signInWithCode(new TestClient(server, { ip: '10.9.9.10' }), active.body.user.email);
    await admin.json('POST', `/api/admin/users/${disabled.body.user.id}/disable`);
    const emails = async (query: string) => (await admin.json<{ users: AdminUser[] }>('GET', `/api/admin/users?email=${tag}&${query}`)).body.users.map((user) => user.email);

    expect(await emails('')).toEqual([disabled.body.user.email, active.body.user.email, invited.body.user.email].sort());
    expect(await emails('role=admin')).toEqual([disabled.body.user.email]);
    expect(await emails('status=invited')).toEqual([invited.body.user.email]);
    expect(await emails('status=active&role=photographer')).toEqual([active.body.user.email]);
    expect(await emails('status=disabled')).toEqual([disabled.body.user.email]);
    const hourAgo = encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString());
    expect(await emails(`lastSignInAfter=${hourAgo}`)).toEqual([active.body.user.email]);
    // Not signed in since an hour ago: never, here.
    expect(await emails(`lastSignInBefore=${hourAgo}`)).toEqual([disabled.body.user.email, invited.body.user.email].sort());
    // Any case; LIKE's wildcards match only themselves.
    expect((await admin.json<{ users: AdminUser[] }>('GET', `/api/admin/users?email=${tag.toUpperCase()}-DISABLED_`)).body.users.map((user) => user.email)).toEqual([disabled.body.user.email]);
    expect((await admin.json<{ users: AdminUser[] }>('GET', `/api/admin/users?email=${tag}%25`)).body.users).toEqual([]);
    expect((await admin.json<{ users: AdminUser[] }>('GET', `/api/admin/users?email=${tag}-a_tive`)).body.users).toEqual([]);

    for (const bad of ['role=owner', 'status=gone', 'lastSignInAfter=yesterday', 'email=', 'unknown=1']) {
      const refused = await admin.json<ErrorBody>('GET', `/api/admin/users?${bad}`);
      expect(refused.status, bad).toBe(400);
      expect(refused.body.error.code, bad).toBe('validation_failed');
    }
  });

  it('names the studio as the admin says, never after the sign-in email, and shows clients that name', async () => {
    const named = await admin.json<{ user: AdminUser }>('POST', '/api/admin/users', { email: uniqueEmail('named'), role: 'photographer', studioName: 'Studio Lumière' });
    const unnamed = await admin.json<{ user: AdminUser }>('POST', '/api/admin/users', { email: uniqueEmail('unnamed'), role: 'photographer' });
    const studioNameOf = async (userId: string) =>
      (
        await server.runtime.database.db
          .selectFrom('studios')
          .innerJoin('studio_members', 'studio_members.studio_id', 'studios.id')
          .select('studios.name')
          .where('studio_members.user_id', '=', userId)
          .executeTakeFirstOrThrow()
      ).name;
    expect(await studioNameOf(named.body.user.id)).toBe('Studio Lumière');
    expect(await studioNameOf(unnamed.body.user.id)).toBe('Photography studio');
  });

  it('creates one account when two requests race for one address: the other gets 409, and no studio is left over', async () => {
    const email = uniqueEmail('race');
    const db = server.runtime.database.db;
    const studiosBefore = (await db.selectFrom('studios').select('id').execute()).length;
    const answers = await Promise.all(Array.from({ length: 4 }, () => admin.json<ErrorBody>('POST', '/api/admin/users', { email, role: 'photographer' })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409]);
    for (const answer of answers.filter((candidate) => candidate.status === 409)) expect(answer.body.error.code).toBe('email_taken');
    expect((await db.selectFrom('studios').select('id').execute()).length).toBe(studiosBefore + 1);
  });

  it('keeps one account per address: full-width letters, case, a trailing dot and IDNA spellings are the same; look-alikes are refused', async () => {
    const local = uniqueEmail('paypal').split('@')[0] as string;
    const created = await admin.json<{ user: AdminUser }>('POST', '/api/admin/users', { email: `${local}@Bücher.example.`, role: 'photographer' });
    expect(created.status).toBe(201);
    expect(created.body.user.email).toBe(`${local}@xn--bcher-kva.example`);
    const fullWidth = [...local].map((character) => (/[a-z0-9]/.test(character) ? String.fromCodePoint(character.codePointAt(0)! + 0xfee0) : character)).join('');
    for (const twin of [`${local.toUpperCase()}@xn--bcher-kva.example`, `${fullWidth}@bücher.example`]) {
      expect((await admin.json<ErrorBody>('POST', '/api/admin/users', { email: twin, role: 'photographer' })).body.error.code).toBe('email_taken');
    }
    // A Cyrillic "а" in place of the Latin "a": another address that looks the same.
    const lookAlike = await admin.json<ErrorBody>('POST', '/api/admin/users', { email: `${local.replace('a', '\u0430')}@bücher.example`, role: 'photographer' });
    expect(lookAlike.status).toBe(409);
    expect(lookAlike.body.error.code).toBe('email_confusable');
    // Signing in with a spelling of the address finds the account.
    const device = new TestClient(server, { ip: '10.8.8.8' });
    const mailsBefore = (await server.outbox()).length;
    expect((await device.request('POST', '/api/auth/sign-in/code', { email: `${fullWidth}@BÜCHER.example.` })).status).toBe(202);
    const [, code] = await waitForMail(server, created.body.user.email, /sign-in code is (\d{6})/, { after: mailsBefore });
    expect((await device.request('POST', '/api/auth/sign-in/verify', { email: `${local}@bücher.example`, code })).status).toBe(200);
  });

  it('disabling an account ends its sessions at once and blocks sign-in', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const disabled = await admin.json<{ user: AdminUser }>('PATCH', `/api/admin/users/${user.id}`, { disabled: true });
    expect(disabled.body.user.status).toBe('disabled');
    expect((await client.request('GET', '/api/me')).status).toBe(401);
    const retry = await signInWithCode(new TestClient(server, { ip: '10.9.9.10' }), user.email).catch(() => ({ status: 0 }));
    expect(retry.status).not.toBe(200);
    expect((await admin.json<{ user: AdminUser }>('PATCH', `/api/admin/users/${user.id}`, { disabled: false })).body.user.status).toBe('active');
  });

  it('changes a role (ending the sessions) and ends sessions on request', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const promoted = await admin.json<{ user: AdminUser }>('PATCH', `/api/admin/users/${user.id}`, { role: 'admin' });
    expect(promoted.body.user.role).toBe('admin');
    expect((await client.request('GET', '/api/me')).status).toBe(401);

    const other = await signedInClient(server, 'photographer');
    expect((await admin.json<{ revoked: number }>('POST', `/api/admin/users/${other.user.id}/sessions/revoke`)).body.revoked).toBe(1);
    expect((await other.client.request('GET', '/api/me')).status).toBe(401);
  });

  it('refuses bad input, unknown users and changes to the admin’s own account', async () => {
    expect((await admin.json<ErrorBody>('POST', '/api/admin/users', { email: 'x@example.com', role: 'owner' })).body.error.code).toBe('validation_failed');
    expect((await admin.json<ErrorBody>('POST', '/api/admin/users', { email: 'nonsense', role: 'photographer' })).body.error.code).toBe('email_invalid');
    expect((await admin.json<ErrorBody>('PATCH', `/api/admin/users/${adminId}`, {})).body.error.code).toBe('validation_failed');
    expect((await admin.json<ErrorBody>('PATCH', `/api/admin/users/${adminId}`, { disabled: true })).body.error.code).toBe('cannot_change_own_account');
    const missing = await admin.json<ErrorBody>('PATCH', '/api/admin/users/00000000-0000-4000-8000-000000000000', { disabled: true });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('user_not_found');
  });

  it('records admin actions in the audit log', async () => {
    const actions = await server.runtime.database.db.selectFrom('audit_events').select('action').where('actor_user_id', '=', adminId).execute();
    expect(actions.map((row) => row.action)).toEqual(expect.arrayContaining(['user.created', 'user.disabled', 'user.role_changed', 'user.sessions_revoked']));
  });
});
