import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { describePlace } from '../http/request-origin.ts';

type SessionList = { sessions: Array<{ id: string; device: string; place: string; current: boolean }> };

describe.each(databaseKinds())('sessions on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true', SESSION_IDLE_MINUTES: '30', SESSION_ABSOLUTE_MINUTES: '600' } });
  });
  afterAll(async () => server?.close());
  const db = () => server.runtime.database.db;

  /** A second device of the same person, signed in through the real flow. */
  async function secondDevice(email: string): Promise<TestClient> {
    const { signInWithCode } = await import('../../test/accounts.ts');
    const device = new TestClient(server, { ip: '203.0.113.77' });
    await signInWithCode(device, email);
    return device;
  }

  it('lists sessions with device, network and which one is this', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    await secondDevice(user.email);
    const listed = await client.json<SessionList>('GET', '/api/account/sessions');
    expect(listed.body.sessions).toHaveLength(2);
    expect(listed.body.sessions.filter((session) => session.current)).toHaveLength(1);
    expect(listed.body.sessions[0]?.device).toContain('Chrome');
    expect(listed.body.sessions.map((session) => session.place)).toContain('Network 203.0.113.x');
  });

  it('says when the account signed in before, null on its first sign-in (and no other account’s counts)', async () => {
    type Me = { user: { previousSignInAt: string | null } };
    const { client, user } = await signedInClient(server, 'photographer');
    await signedInClient(server, 'photographer');
    expect((await client.json<Me>('GET', '/api/me')).body.user.previousSignInAt).toBeNull();
    const firstStart = (await db().selectFrom('sessions').select('created_at').where('user_id', '=', user.id).executeTakeFirstOrThrow()).created_at;

    const device = await secondDevice(user.email);
    const again = await device.json<Me>('GET', '/api/me');
    expect(again.body.user.previousSignInAt).toBe(new Date(firstStart).toISOString());
  });

  it('ends one session, or all others, effective on the very next request', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const other = await secondDevice(user.email);
    const third = await secondDevice(user.email);
    const listed = await client.json<SessionList>('GET', '/api/account/sessions');
    const otherId = (await other.json<SessionList>('GET', '/api/account/sessions')).body.sessions.find((session) => session.current)?.id as string;
    expect((await client.request('DELETE', `/api/account/sessions/${otherId}`)).status).toBe(204);
    expect((await other.request('GET', '/api/me')).status).toBe(401);
    expect(listed.body.sessions).toHaveLength(3);

    const revoked = await client.json<{ revoked: number }>('POST', '/api/account/sessions/revoke-others');
    expect(revoked.body.revoked).toBe(1);
    expect((await third.request('GET', '/api/me')).status).toBe(401);
    expect((await client.request('GET', '/api/me')).status).toBe(200);
  });

  it('cannot end another person’s session (404, nothing changes)', async () => {
    const alice = await signedInClient(server, 'photographer', 'alice');
    const bob = await signedInClient(server, 'photographer', 'bob');
    const bobSession = (await bob.client.json<SessionList>('GET', '/api/account/sessions')).body.sessions[0]?.id as string;
    const attempt = await alice.client.json<{ error: { code: string } }>('DELETE', `/api/account/sessions/${bobSession}`);
    expect(attempt.status).toBe(404);
    expect(attempt.body.error.code).toBe('session_not_found');
    expect((await bob.client.request('GET', '/api/me')).status).toBe(200);
  });

  it('expires a session after the idle timeout and at the absolute lifetime', async () => {
    const idle = await signedInClient(server, 'photographer');
    await db().updateTable('sessions').set({ last_seen_at: Date.now() - 31 * 60_000 }).where('user_id', '=', idle.user.id).execute();
    expect((await idle.client.request('GET', '/api/me')).status).toBe(401);

    const old = await signedInClient(server, 'photographer');
    await db().updateTable('sessions').set({ expires_at: Date.now() - 1 }).where('user_id', '=', old.user.id).execute();
    expect((await old.client.request('GET', '/api/me')).status).toBe(401);

    const recent = await signedInClient(server, 'photographer');
    await db().updateTable('sessions').set({ last_seen_at: Date.now() - 29 * 60_000 }).where('user_id', '=', recent.user.id).execute();
    expect((await recent.client.request('GET', '/api/me')).status).toBe(200);
  });

  it('signs out, and a new sign-in gets a new token', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const firstToken = client.cookies.get('sl_session');
    expect((await client.request('POST', '/api/auth/sign-out')).status).toBe(204);
    expect(client.cookies.has('sl_session')).toBe(false);
    const { signInWithCode } = await import('../../test/accounts.ts');
    await signInWithCode(client, user.email);
    expect(client.cookies.get('sl_session')).not.toBe(firstToken);
    // The old token stays dead even if replayed.
    const replay = new TestClient(server);
    replay.cookies.set('sl_session', firstToken as string);
    expect((await replay.request('GET', '/api/me')).status).toBe(401);
  });

  it('changing the password ends the other sessions and renews this one', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const other = await secondDevice(user.email);
    const before = client.cookies.get('sl_session');
    expect((await client.request('PUT', '/api/account/password', { newPassword: 'a lighthouse keeper paints 7 boats' })).status).toBe(204);
    expect(client.cookies.get('sl_session')).not.toBe(before);
    expect((await client.request('GET', '/api/me')).status).toBe(200);
    expect((await other.request('GET', '/api/me')).status).toBe(401);
  });

  it('sets a first password only within 10 minutes of a sign-in or re-authentication', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    await db().updateTable('sessions').set({ authenticated_at: Date.now() - 11 * 60_000 }).where('user_id', '=', user.id).execute();
    const stale = await client.json<{ error: { code: string } }>('PUT', '/api/account/password', { newPassword: 'a lighthouse keeper paints 7 boats' });
    expect(stale.status).toBe(403);
    expect(stale.body.error.code).toBe('reauthentication_required');
    const stored = await db().selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.password_hash).toBeNull();
  });

  it('refuses a cookie-authenticated change from another site (CSRF)', async () => {
    const { client } = await signedInClient(server, 'photographer');
    const forged = await client.json<{ error: { code: string } }>('POST', '/api/account/sessions/revoke-others', undefined);
    expect(forged.status).toBe(200);
    const crossSite = await client.request('POST', '/api/account/sessions/revoke-others', undefined, { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { error: { code: string } }).error.code).toBe('csrf_rejected');
  });
});

describe('describePlace', () => {
  it('shows the network, never the exact address', () => {
    expect(describePlace('203.0.113.42')).toBe('Network 203.0.113.x');
    expect(describePlace('::ffff:192.168.1.20')).toBe('Local network (192.168.1.x)');
    expect(describePlace('2001:db8:85a3:8d3:1319:8a2e:370:7348')).toBe('Network 2001:db8:85a3::/48');
    expect(describePlace('2001:db8::7348')).toBe('Network 2001:db8:0::/48');
  });
});
