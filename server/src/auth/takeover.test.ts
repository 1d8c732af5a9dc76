import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollTotp, signInWithCode, signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient, waitForMail } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { listAuditEvents } from '../audit/audit-log.ts';
import { currentTotp } from './totp.ts';

type ErrorBody = { error: { code: string } };

/**
 * Issue 11's account takeover with a stolen session, end to end over HTTP. The victim signs in
 * by emailed code and has neither password nor TOTP; the attacker holds a copy of the victim's
 * session cookie, made long ago. Each step of the old chain now fails, and the owner has a way
 * back (the "this wasn't me" link, and an administrator's reset of the second factor).
 */
describe.each(databaseKinds())('account takeover with a stolen session, on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => server?.close());
  const db = () => server.runtime.database.db;
  const strongPassword = 'a lighthouse keeper paints 7 boats';

  /** The victim's session, copied into the attacker's client, as it was a day after sign-in. */
  async function stolenSession(): Promise<{ attacker: TestClient; owner: TestClient; user: { id: string; email: string } }> {
    const { client: owner, user } = await signedInClient(server, 'photographer', 'victim');
    const attacker = new TestClient(server, { ip: '203.0.113.66' });
    attacker.cookies.set('sl_session', owner.cookies.get('sl_session') as string);
    const dayAgo = Date.now() - 24 * 60 * 60_000;
    await db().updateTable('sessions').set({ created_at: dayAgo, authenticated_at: dayAgo }).where('user_id', '=', user.id).execute();
    return { attacker, owner, user };
  }

  it('refuses every credential change to a session that has not proved its owner recently', async () => {
    const { attacker, user } = await stolenSession();
    expect((await attacker.request('GET', '/api/me')).status).toBe(200);

    // Step 1 of the old chain: enroll TOTP (which also locked the owner out).
    const enroll = await attacker.json<ErrorBody>('POST', '/api/account/totp/enrollment');
    expect(enroll.status).toBe(403);
    expect(enroll.body.error.code).toBe('reauthentication_required');
    const confirm = await attacker.json<ErrorBody>('POST', '/api/account/totp/enrollment/confirm', { code: '123456' });
    expect(confirm.body.error.code).toBe('reauthentication_required');
    // Step 2: set a password.
    const password = await attacker.json<ErrorBody>('PUT', '/api/account/password', { newPassword: strongPassword });
    expect(password.status).toBe(403);
    expect(password.body.error.code).toBe('reauthentication_required');

    // Re-authentication needs what the attacker does not have: the code goes to the owner's
    // mailbox, a guess is wrong, and a password is no option on an account without one.
    expect((await attacker.request('POST', '/api/account/reauthenticate/code')).status).toBe(202);
    await waitForMail(server, user.email, /confirmation code is (\d{6})/);
    const guess = await attacker.json<ErrorBody>('POST', '/api/account/reauthenticate', { method: 'email_code', secret: '000000' });
    expect(guess.body.error.code).toBe('invalid_code');
    const viaPassword = await attacker.json<ErrorBody>('POST', '/api/account/reauthenticate', { method: 'password', secret: strongPassword });
    expect(viaPassword.body.error.code).toBe('reauthentication_method_unavailable');

    const row = await db().selectFrom('users').selectAll().where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ password_hash: null, totp_seed: null, totp_pending_seed: null, totp_enabled_at: null });
  });

  it('keeps authenticated_at across the renewal a credential change makes, so the renewal is no fresh proof', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    // Authenticated 9 minutes ago: still allowed to enroll, but the renewed session must not be fresher.
    const nineMinutesAgo = Date.now() - 9 * 60_000;
    await db().updateTable('sessions').set({ authenticated_at: nineMinutesAgo, created_at: nineMinutesAgo }).where('user_id', '=', user.id).execute();
    await enrollTotp(client);
    const live = await db().selectFrom('sessions').selectAll().where('user_id', '=', user.id).where('revoked_at', 'is', null).execute();
    expect(live).toHaveLength(1);
    expect(live[0]?.created_at).toBeGreaterThan(nineMinutesAgo);
    expect(live[0]?.authenticated_at).toBe(nineMinutesAgo);
    // Once the 10 minutes pass, the renewed session cannot set a password.
    await db().updateTable('sessions').set({ authenticated_at: Date.now() - 11 * 60_000 }).where('user_id', '=', user.id).execute();
    expect((await client.json<ErrorBody>('PUT', '/api/account/password', { newPassword: strongPassword })).body.error.code).toBe('reauthentication_required');
  });

  it('re-authenticates the owner with the emailed code, in this session only, and then allows the change', async () => {
    const { owner, attacker, user } = await stolenSession();
    const mailsBefore = (await server.outbox()).length;
    expect((await owner.request('POST', '/api/account/reauthenticate/code')).status).toBe(202);
    const [, code] = await waitForMail(server, user.email, /confirmation code is (\d{6})/, { after: mailsBefore });
    // The code is bound to the session that asked for it: another session of the same account cannot use it.
    const other = new TestClient(server, { ip: '198.51.100.9' });
    await signInWithCode(other, user.email);
    await db().updateTable('sessions').set({ authenticated_at: 0 }).where('user_id', '=', user.id).execute();
    expect((await other.json<ErrorBody>('POST', '/api/account/reauthenticate', { method: 'email_code', secret: code })).body.error.code).toBe('invalid_code');
    const done = await owner.json<{ reauthenticatedUntil: string }>('POST', '/api/account/reauthenticate', { method: 'email_code', secret: code });
    expect(done.status).toBe(200);
    expect(Date.parse(done.body.reauthenticatedUntil)).toBeGreaterThan(Date.now() + 9 * 60_000);
    expect((await owner.request('PUT', '/api/account/password', { newPassword: strongPassword })).status).toBe(204);
    // The change renewed the owner's session and ended the others, the stolen copy included.
    expect((await attacker.request('GET', '/api/me')).status).toBe(401);
    const actions = (await listAuditEvents(db(), { subjectUserId: user.id })).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['auth.reauthenticated', 'password.changed']));
  });

  it('asks an account with TOTP for its TOTP, not for an emailed code', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const { secret } = await enrollTotp(client);
    await db().updateTable('sessions').set({ authenticated_at: 0 }).where('user_id', '=', user.id).execute();
    const me = await client.json<{ user: { reauthenticationMethods: string[] } }>('GET', '/api/me');
    expect(me.body.user.reauthenticationMethods).toEqual(['totp']);
    expect((await client.json<ErrorBody>('POST', '/api/account/reauthenticate/code')).body.error.code).toBe('reauthentication_method_unavailable');
    expect((await client.json<ErrorBody>('POST', '/api/account/totp/recovery-codes')).body.error.code).toBe('reauthentication_required');
    const proved = await client.request('POST', '/api/account/reauthenticate', { method: 'totp', secret: currentTotp(secret, Date.now() + 30_000) });
    expect(proved.status).toBe(200);
    const regenerated = await client.json<{ recoveryCodes: string[] }>('POST', '/api/account/totp/recovery-codes');
    expect(regenerated.body.recoveryCodes).toHaveLength(10);
    expect((await client.request('DELETE', '/api/account/totp')).status).toBe(204);
    expect((await client.json<{ user: { totpEnabled: boolean } }>('GET', '/api/me')).body.user.totpEnabled).toBe(false);
  });

  it('emails the owner of every credential change a one-click "this wasn\'t me" that signs out everywhere and undoes it', async () => {
    const { client: intruder, user } = await signedInClient(server, 'photographer');
    const mailsBefore = (await server.outbox()).length;
    await enrollTotp(intruder);
    const [, token] = await waitForMail(server, user.email, /not-me#token=([A-Za-z0-9_-]+)/, { after: mailsBefore });
    const stored = await db().selectFrom('credential_change_tokens').selectAll().where('user_id', '=', user.id).execute();
    expect(JSON.stringify(stored)).not.toContain(token as string);

    const owner = new TestClient(server, { ip: '192.0.2.200' });
    const disowned = await owner.json<{ sessionsEnded: number }>('POST', '/api/auth/credential-change/disown', { token });
    expect(disowned.status).toBe(200);
    expect(disowned.body.sessionsEnded).toBe(1);
    expect((await intruder.request('GET', '/api/me')).status).toBe(401);
    // The second factor the intruder enrolled is gone: the owner signs in with an emailed code alone.
    expect((await signInWithCode(owner, user.email)).body).toMatchObject({ user: { totpEnabled: false } });
    // Single use.
    expect((await owner.json<ErrorBody>('POST', '/api/auth/credential-change/disown', { token })).body.error.code).toBe('disown_token_invalid');
    const actions = (await listAuditEvents(db(), { subjectUserId: user.id })).map((event) => event.action);
    expect(actions).toContain('auth.credential_change_disowned');
  });

  it('lets an administrator reset a second factor: audited, emailed, every session ended', async () => {
    const admin = await signedInAdmin(server);
    const { client, user } = await signedInClient(server, 'photographer');
    await enrollTotp(client);
    const mailsBefore = (await server.outbox()).length;
    const reset = await admin.client.json<{ user: { totpEnabled: boolean } }>('POST', `/api/admin/users/${user.id}/second-factor/reset`);
    expect(reset.status).toBe(200);
    expect(reset.body.user.totpEnabled).toBe(false);
    expect((await client.request('GET', '/api/me')).status).toBe(401);
    await waitForMail(server, user.email, /administrator reset the two-factor authentication/, { after: mailsBefore });
    expect(await db().selectFrom('recovery_codes').selectAll().where('user_id', '=', user.id).execute()).toEqual([]);
    const events = await listAuditEvents(db(), { subjectUserId: user.id });
    expect(events.find((event) => event.action === 'auth.second_factor_reset')?.actorUserId).toBe(admin.user.id);

    const again = await admin.client.json<ErrorBody>('POST', `/api/admin/users/${user.id}/second-factor/reset`);
    expect(again.body.error.code).toBe('totp_not_enabled');
    const own = await admin.client.json<ErrorBody>('POST', `/api/admin/users/${admin.user.id}/second-factor/reset`);
    expect(own.body.error.code).toBe('cannot_change_own_account');
    const missing = await admin.client.json<ErrorBody>('POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/second-factor/reset');
    expect(missing.status).toBe(404);
    const photographer = await signedInClient(server, 'photographer');
    expect((await photographer.client.request('POST', `/api/admin/users/${user.id}/second-factor/reset`)).status).toBe(403);
  });

  it('ends the session a browser still held when it signs in again', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const first = client.cookies.get('sl_session') as string;
    await signInWithCode(client, user.email);
    const replay = new TestClient(server);
    replay.cookies.set('sl_session', first);
    expect((await replay.request('GET', '/api/me')).status).toBe(401);
    expect((await client.request('GET', '/api/me')).status).toBe(200);
  });
});
