import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../../test/accounts.ts';
import { TestClient, waitForMail } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { listAuditEvents } from '../audit/audit-log.ts';
import { codeFailureDecayMs, countingFailures, freeCodeFailures, lockoutAfter, maxCodeAttempts } from './code-guard.ts';

type ErrorBody = { error: { code: string } };
const year = 365 * 24 * 60 * 60_000;

describe('the account budget of sign-in codes', () => {
  it('locks from the 10th wrong code on, 15 minutes doubling every 3', () => {
    expect(lockoutAfter(freeCodeFailures - 1)).toBe(0);
    expect(lockoutAfter(10)).toBe(15 * 60_000);
    expect(lockoutAfter(12)).toBe(15 * 60_000);
    expect(lockoutAfter(13)).toBe(30 * 60_000);
    expect(lockoutAfter(58)).toBeGreaterThan(year);
    expect(Number.isFinite(lockoutAfter(10_000))).toBe(true);
  });

  it('forgets one wrong code per 30 days without one', () => {
    expect(countingFailures({ failures: 5, last_failure_at: 0 }, codeFailureDecayMs * 2 + 1)).toBe(3);
    expect(countingFailures({ failures: 1, last_failure_at: 0 }, codeFailureDecayMs * 10)).toBe(0);
    expect(countingFailures(undefined, 0)).toBe(0);
  });

  it('lets the fastest possible guesser make fewer than 100 guesses in a year (success below 1e-4)', () => {
    // The attacker guesses the moment each lock ends, and also waits out decay when that is faster.
    let guard = { failures: 0, last_failure_at: null as number | null };
    let now = 0;
    let guesses = 0;
    while (now < year) {
      guesses += 1;
      const failures = countingFailures(guard, now) + 1;
      guard = { failures, last_failure_at: now };
      now += Math.max(1, Math.min(lockoutAfter(failures), codeFailureDecayMs));
    }
    expect(guesses).toBeLessThanOrEqual(72);
    expect(guesses / 1e6).toBeLessThan(1e-4);
  });
});

describe.each(databaseKinds())('sign-in code guessing on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => server?.close());
  const db = () => server.runtime.database.db;

  async function requestCode(client: TestClient, email: string): Promise<string> {
    const before = (await server.outbox()).length;
    expect((await client.request('POST', '/api/auth/sign-in/code', { email })).status).toBe(202);
    const [, code] = await waitForMail(server, email, /sign-in code is (\d{6})/, { after: before });
    return code as string;
  }

  it('binds a code to the browser that asked for it: guesses from elsewhere cannot use or spend it', async () => {
    const user = await createAccount(server, 'photographer');
    const owner = new TestClient(server, { ip: '198.51.100.1' });
    const code = await requestCode(owner, user.email);
    expect(owner.cookies.get('sl_code')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const stranger = new TestClient(server, { ip: '203.0.113.5' });
    // 9 tries: the per-IP and per-account-and-browser rate limits would answer the rest anyway.
    for (let attempt = 0; attempt < 8; attempt += 1) {
      stranger.ip = `203.0.113.${10 + attempt}`;
      const guess = await stranger.json<ErrorBody>('POST', '/api/auth/sign-in/verify', { email: user.email, code: '000000' });
      expect(guess.body.error.code).toBe('invalid_code');
    }
    // Even the right code is useless without the owner's cookie.
    expect((await stranger.json<ErrorBody>('POST', '/api/auth/sign-in/verify', { email: user.email, code })).body.error.code).toBe('invalid_code');
    // A code the stranger asks for does not replace the owner's.
    await requestCode(stranger, user.email);
    expect(await db().selectFrom('sign_in_guards').selectAll().where('user_id', '=', user.id).execute()).toEqual([]);
    const signedIn = await owner.json<{ user: { id: string } }>('POST', '/api/auth/sign-in/verify', { email: user.email, code });
    expect(signedIn.status).toBe(200);
    expect(owner.cookies.has('sl_code')).toBe(false);
  });

  it('counts wrong codes per account in the database, locks with a growing lockout and emails the owner', async () => {
    const user = await createAccount(server, 'photographer');
    const guesser = new TestClient(server, { ip: '192.0.2.50' });
    let code = '';
    for (let failure = 1; failure <= freeCodeFailures; failure += 1) {
      if ((failure - 1) % maxCodeAttempts === 0) code = await requestCode(guesser, user.email);
      guesser.ip = `192.0.2.${50 + failure}`;
      const wrong = code === '000000' ? '111111' : '000000';
      const answer = await guesser.json<ErrorBody>('POST', '/api/auth/sign-in/verify', { email: user.email, code: wrong });
      expect(answer.body.error.code).toBe('invalid_code');
    }
    const guard = await db().selectFrom('sign_in_guards').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(guard.failures).toBe(freeCodeFailures);
    expect(guard.locked_until).toBeGreaterThan(Date.now() + 14 * 60_000);
    await waitForMail(server, user.email, /sign-in codes for your account are paused/);

    // Locked: even the right code of a fresh request from another browser waits.
    const later = new TestClient(server, { ip: '192.0.2.80' });
    const fresh = await requestCode(later, user.email);
    const locked = await later.request('POST', '/api/auth/sign-in/verify', { email: user.email, code: fresh });
    expect(locked.status).toBe(429);
    expect(((await locked.json()) as ErrorBody).error.code).toBe('sign_in_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    const actions = (await listAuditEvents(db(), { subjectUserId: user.id })).map((event) => event.action);
    expect(actions).toContain('auth.sign_in_code_locked');

    // Once the lock ends, a right code signs in and is not counted.
    await db().updateTable('sign_in_guards').set({ locked_until: Date.now() - 1 }).where('user_id', '=', user.id).execute();
    expect((await later.request('POST', '/api/auth/sign-in/verify', { email: user.email, code: fresh })).status).toBe(200);
    const after = await db().selectFrom('sign_in_guards').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(after.failures).toBe(freeCodeFailures);
  });

  it('cannot be raced: parallel guesses on one code spend at most its 5 attempts', async () => {
    const user = await createAccount(server, 'photographer');
    const guesser = new TestClient(server, { ip: '192.0.2.90' });
    const code = await requestCode(guesser, user.email);
    const wrong = code === '000000' ? '111111' : '000000';
    await Promise.all(Array.from({ length: 12 }, () => guesser.request('POST', '/api/auth/sign-in/verify', { email: user.email, code: wrong })));
    const row = await db().selectFrom('sign_in_codes').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(row.failed_attempts).toBeLessThanOrEqual(maxCodeAttempts);
    const guard = await db().selectFrom('sign_in_guards').selectAll().where('user_id', '=', user.id).executeTakeFirst();
    expect(guard?.failures ?? 0).toBeLessThanOrEqual(maxCodeAttempts);
  });
});
