import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, signInWithCode, uniqueEmail } from '../../test/accounts.ts';
import { TestClient, waitForMail } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { createAuthDeps } from './deps.ts';
import { issueSetupTokenIfNoAdmin } from './setup.ts';

type ErrorBody = { error: { code: string; message: string } };
const strongPassword = 'correct horse battery staple 42!';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

let ipCounter = 0;
const freshIp = () => {
  ipCounter += 1;
  return `198.51.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`;
};

describe.each(databaseKinds())('sign-in on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => server?.close());

  it('signs in with an emailed code and sets a hardened session cookie', async () => {
    const user = await createAccount(server, 'photographer');
    const client = new TestClient(server, { ip: freshIp() });
    const requested = await client.request('POST', '/api/auth/sign-in/code', { email: user.email.toUpperCase() });
    expect(requested.status).toBe(202);
    const [, code] = await waitForMail(server, user.email, /sign-in code is (\d{6})/);
    // The code is in the body only, never the subject (lock screens show subjects).
    const mail = (await server.outbox()).find((message) => message.includes(`To: ${user.email}`)) as string;
    expect(/^Subject: (.*)$/m.exec(mail)?.[1]).not.toContain(code);
    const verified = await client.request('POST', '/api/auth/sign-in/verify', { email: user.email, code });
    expect(verified.status).toBe(200);
    const cookie = verified.headers.getSetCookie().find((line) => line.startsWith('sl_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\//);
    const me = await client.json<{ user: { email: string; emailVerified: boolean; studioId: string } }>('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: user.email, emailVerified: true, studioId: user.studioId });
    // Only the token's hash is stored.
    const token = client.cookies.get('sl_session') as string;
    const rows = await server.runtime.database.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('has the dummy Argon2 hash for unknown accounts ready from start-up, one per process', async () => {
    // Made when buildApp built the auth services (start-up), not by the first unknown account's request.
    const [one, another] = [createAuthDeps(server.runtime), createAuthDeps(server.runtime)];
    try {
      expect(one.dummyPasswordHash).toBe(another.dummyPasswordHash);
      await expect(one.dummyPasswordHash).resolves.toMatch(/^\$argon2id\$/);
    } finally {
      await Promise.all([one.limits.close(), another.limits.close()]);
    }
  });

  it('answers a code request identically, in status, body and time, whether or not the account exists', async () => {
    const user = await createAccount(server, 'photographer');
    const answer = async (email: string) => {
      const started = performance.now();
      const response = await new TestClient(server, { ip: freshIp() }).request('POST', '/api/auth/sign-in/code', { email });
      return { status: response.status, body: await response.text(), ms: performance.now() - started };
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      const a = await answer(user.email);
      const b = await answer(uniqueEmail('nobody'));
      expect(b.status).toBe(a.status);
      expect(b.body).toBe(a.body);
      known.push(a.ms);
      unknown.push(b.ms);
    }
    // The email goes out in the background and both paths run the same transaction, so what
    // remains is noise; on a loaded machine that noise scales with the answer time itself, so
    // the bound does too (a leak such as an Argon2 hash or an SMTP round trip is far larger).
    const faster = Math.min(median(known), median(unknown));
    expect(Math.abs(median(known) - median(unknown))).toBeLessThan(Math.max(25, faster * 0.5));
  });

  it('refuses a wrong, reused, replaced or expired code, and locks a code after 5 wrong tries', async () => {
    const user = await createAccount(server, 'photographer');
    const client = new TestClient(server, { ip: freshIp() });
    const signIn = (code: string) => client.json<ErrorBody>('POST', '/api/auth/sign-in/verify', { email: user.email, code });

    // Replaced: a new request invalidates the previous code.
    await client.request('POST', '/api/auth/sign-in/code', { email: user.email });
    const [, first] = await waitForMail(server, user.email, /sign-in code is (\d{6})/);
    const mailsBefore = (await server.outbox()).length;
    await client.request('POST', '/api/auth/sign-in/code', { email: user.email });
    const [, second] = await waitForMail(server, user.email, /sign-in code is (\d{6})/, { after: mailsBefore });
    if (first !== second) expect((await signIn(first as string)).body.error.code).toBe('invalid_code');

    // Reused: a code works once.
    expect((await signIn(second as string)).status).toBe(200);
    expect((await signIn(second as string)).body.error.code).toBe('invalid_code');

    // Locked: five wrong tries kill the code, even the right one after that.
    const mailsBeforeThird = (await server.outbox()).length;
    await client.request('POST', '/api/auth/sign-in/code', { email: user.email });
    const [, third] = await waitForMail(server, user.email, /sign-in code is (\d{6})/, { after: mailsBeforeThird });
    const wrong = third === '000000' ? '111111' : '000000';
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await signIn(wrong)).body.error.code).toBe('invalid_code');
    expect((await signIn(third as string)).body.error.code).toBe('invalid_code');

    // Expired: ten minutes later it is dead.
    const mailsBeforeFourth = (await server.outbox()).length;
    await client.request('POST', '/api/auth/sign-in/code', { email: user.email });
    const [, fourth] = await waitForMail(server, user.email, /sign-in code is (\d{6})/, { after: mailsBeforeFourth });
    await server.runtime.database.db.updateTable('sign_in_codes').set({ expires_at: Date.now() - 1 }).where('user_id', '=', user.id).execute();
    expect((await signIn(fourth as string)).body.error.code).toBe('invalid_code');

    // Codes are stored only as peppered MACs.
    const stored = await server.runtime.database.db.selectFrom('sign_in_codes').select('code_digest').execute();
    for (const row of stored) expect(row.code_digest).not.toMatch(/^\d{6}$/);
  });

  it('rate-limits code requests per account and per address with 429 and Retry-After', async () => {
    const user = await createAccount(server, 'photographer');
    let last: Response | undefined;
    for (let attempt = 0; attempt < 6; attempt += 1) last = await new TestClient(server, { ip: freshIp() }).request('POST', '/api/auth/sign-in/code', { email: user.email });
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await last?.json()) as ErrorBody).error.code).toBe('rate_limited');

    const sameAddress = new TestClient(server, { ip: freshIp() });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 21; attempt += 1) statuses.push((await sameAddress.request('POST', '/api/auth/sign-in/code', { email: uniqueEmail('spray') })).status);
    expect(statuses.slice(0, 20).every((status) => status === 202)).toBe(true);
    expect(statuses[20]).toBe(429);
  });

  it('signs in with a password, with the same answer for a wrong password and an unknown account', async () => {
    const user = await createAccount(server, 'photographer');
    const client = new TestClient(server, { ip: freshIp() });
    await signInWithCode(client, user.email);
    expect((await client.json<ErrorBody>('PUT', '/api/account/password', { newPassword: 'short' })).body.error.code).toBe('password_too_short');
    expect((await client.json<ErrorBody>('PUT', '/api/account/password', { newPassword: 'password12345' })).body.error.code).toBe('password_too_weak');
    expect((await client.request('PUT', '/api/account/password', { newPassword: strongPassword })).status).toBe(204);
    const stored = await server.runtime.database.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);

    const fresh = new TestClient(server, { ip: freshIp() });
    const wrong = await fresh.json<ErrorBody>('POST', '/api/auth/sign-in/password', { email: user.email, password: 'not the password at all' });
    const unknown = await fresh.json<ErrorBody>('POST', '/api/auth/sign-in/password', { email: uniqueEmail('ghost'), password: 'not the password at all' });
    expect(wrong.status).toBe(401);
    expect({ status: unknown.status, body: unknown.body }).toEqual({ status: wrong.status, body: wrong.body });
    const ok = await fresh.json<{ user: { email: string; hasPassword: boolean } }>('POST', '/api/auth/sign-in/password', { email: user.email, password: strongPassword });
    expect(ok.status).toBe(200);
    expect(ok.body.user).toMatchObject({ email: user.email, hasPassword: true });

    // Changing it needs the current one.
    expect((await fresh.json<ErrorBody>('PUT', '/api/account/password', { newPassword: `${strongPassword} again` })).body.error.code).toBe('current_password_wrong');
  });

  it('resets a password by an emailed single-use link that ends every session', async () => {
    const user = await createAccount(server, 'photographer');
    const signedIn = new TestClient(server, { ip: freshIp() });
    await signInWithCode(signedIn, user.email);

    const stranger = new TestClient(server, { ip: freshIp() });
    const known = await stranger.json('POST', '/api/auth/password-reset', { email: user.email });
    const unknown = await stranger.json('POST', '/api/auth/password-reset', { email: uniqueEmail('ghost') });
    expect(known).toMatchObject({ status: 202, body: { status: 'sent' } });
    expect(unknown.body).toEqual(known.body);

    const [, token] = await waitForMail(server, user.email, /reset-password#token=([A-Za-z0-9_-]{43})/);
    const weak = await stranger.json<ErrorBody>('POST', '/api/auth/password-reset/complete', { token, newPassword: 'password12345' });
    expect(weak.body.error.code).toBe('password_too_weak');
    expect((await stranger.request('POST', '/api/auth/password-reset/complete', { token, newPassword: strongPassword })).status).toBe(204);
    expect((await stranger.json<ErrorBody>('POST', '/api/auth/password-reset/complete', { token, newPassword: strongPassword })).body.error.code).toBe('reset_token_invalid');
    expect((await signedIn.request('GET', '/api/me')).status).toBe(401);
    expect((await stranger.request('POST', '/api/auth/sign-in/password', { email: user.email, password: strongPassword })).status).toBe(200);
  });

  it('lets the person at the console create the first admin once, with the setup link', async () => {
    const fresh = await startTestServer({ database });
    try {
      const token = await issueSetupTokenIfNoAdmin({ db: fresh.runtime.database.db, now: Date.now });
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const client = new TestClient(fresh);
      expect((await client.json<ErrorBody>('POST', '/api/setup/first-admin', { token: 'x'.repeat(43), email: 'boss@example.com' })).body.error.code).toBe('setup_token_invalid');
      const created = await client.json<{ user: { role: string; mustEnrollTotp: boolean } }>('POST', '/api/setup/first-admin', { token, email: 'boss@example.com' });
      expect(created.status).toBe(201);
      expect(created.body.user).toMatchObject({ role: 'admin', mustEnrollTotp: true });
      // Until TOTP is enrolled, the admin can reach only their own account and enrollment.
      expect((await client.json<ErrorBody>('GET', '/api/admin/users')).body.error.code).toBe('totp_enrollment_required');
      expect((await client.request('GET', '/api/me')).status).toBe(200);
      expect((await new TestClient(fresh).json<ErrorBody>('POST', '/api/setup/first-admin', { token, email: 'other@example.com' })).body.error.code).toBe('setup_token_invalid');
      expect(await issueSetupTokenIfNoAdmin({ db: fresh.runtime.database.db, now: Date.now })).toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('makes the first admin a photographer with a studio of their own when asked, shown as active rather than invited', async () => {
    const fresh = await startTestServer({ database });
    try {
      const token = await issueSetupTokenIfNoAdmin({ db: fresh.runtime.database.db, now: Date.now });
      const client = new TestClient(fresh);
      const blank = await client.json<ErrorBody>('POST', '/api/setup/first-admin', { token, email: 'solo@example.com', photographer: true, studioName: '   ' });
      expect(blank).toMatchObject({ status: 400, body: { error: { code: 'studio_name_invalid' } } });
      const bad = await client.json<ErrorBody>('POST', '/api/setup/first-admin', { token, email: 'solo@example.com', photographer: 'yes' });
      expect(bad.body.error.code).toBe('validation_failed');
      // Neither refusal spent the link.
      const created = await client.json<{ user: { role: string; studioId: string | null } }>('POST', '/api/setup/first-admin', {
        token,
        email: 'solo@example.com',
        photographer: true,
        studioName: 'Studio Solo',
      });
      expect(created.status).toBe(201);
      expect(created.body.user.role).toBe('admin');
      expect(created.body.user.studioId).toEqual(expect.any(String));
      const db = fresh.runtime.database.db;
      const studio = await db.selectFrom('studios').select('name').where('id', '=', created.body.user.studioId as string).executeTakeFirstOrThrow();
      expect(studio.name).toBe('Studio Solo');
      const row = await db.selectFrom('users').select('email_verified_at').where('email', '=', 'solo@example.com').executeTakeFirstOrThrow();
      expect(row.email_verified_at).not.toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('shows the first admin without a studio as active, not invited', async () => {
    const fresh = await startTestServer({ database });
    try {
      const token = await issueSetupTokenIfNoAdmin({ db: fresh.runtime.database.db, now: Date.now });
      const created = await new TestClient(fresh).json<{ user: { studioId: string | null } }>('POST', '/api/setup/first-admin', { token, email: 'boss@example.com' });
      expect(created.body.user.studioId).toBeNull();
      const row = await fresh.runtime.database.db.selectFrom('users').select('email_verified_at').where('email', '=', 'boss@example.com').executeTakeFirstOrThrow();
      expect(row.email_verified_at).not.toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('writes sign-in events to the audit log without codes, tokens or passwords', async () => {
    const user = await createAccount(server, 'photographer');
    const client = new TestClient(server, { ip: freshIp() });
    await client.request('POST', '/api/auth/sign-in/code', { email: user.email });
    const [, code] = await waitForMail(server, user.email, /sign-in code is (\d{6})/);
    await client.request('POST', '/api/auth/sign-in/verify', { email: user.email, code: code === '123456' ? '654321' : '123456' });
    await client.request('POST', '/api/auth/sign-in/verify', { email: user.email, code });
    await client.request('POST', '/api/auth/sign-out');
    const events = await server.runtime.database.db.selectFrom('audit_events').selectAll().where('subject_user_id', '=', user.id).orderBy('at').execute();
    expect(events.map((event) => event.action)).toEqual(
      expect.arrayContaining(['user.created', 'sign_in.code_requested', 'sign_in.code_failed', 'sign_in.succeeded', 'session.signed_out']),
    );
    const everything = JSON.stringify(events);
    expect(everything).not.toContain(code);
    expect(everything).not.toContain(client.cookies.get('sl_session') ?? 'no-cookie-left');
  });

  it('refuses bad input with clear 4xx answers', async () => {
    const client = new TestClient(server, { ip: freshIp() });
    expect((await client.json<ErrorBody>('POST', '/api/auth/sign-in/code', { email: 'not-an-email' })).body.error.code).toBe('email_invalid');
    expect((await client.json<ErrorBody>('POST', '/api/auth/sign-in/code', { email: 'a@b.co', extra: 1 })).body.error.code).toBe('validation_failed');
    expect((await client.json<ErrorBody>('POST', '/api/auth/sign-in/verify', { email: 'a@b.co', code: 'x'.repeat(13) })).body.error.code).toBe('validation_failed');
    expect((await client.json<ErrorBody>('POST', '/api/auth/sign-in/password', { email: 'a@b.co', password: 'x'.repeat(2000) })).status).toBe(400);
    expect((await client.json<ErrorBody>('POST', '/api/auth/sign-in/second-factor', { code: '123456' })).body.error.code).toBe('second_factor_expired');
  });
});
