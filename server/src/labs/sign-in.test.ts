import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { type TestClient, waitForMail } from '../../test/client.ts';
import { nextIp, outcomeOf } from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { LAB_COOKIE, createLab, labRow, labSignIn, labVisitor, setLabRow, signedInLab } from '../../test/labs.ts';
import { canonicalLabCode, generateLabCode } from './lab-ids.ts';
import { MAX_LOCKOUTS, MAX_PIN_ATTEMPTS, MAX_WRONG_PINS_PER_PIN, lockoutMs, shortestTimeForGuesses } from './lockout.ts';

/**
 * The lab's way in: the admin's labs with a PIN shown once and kept only as a peppered hash,
 * sign-in with lab ID and PIN, lockouts that grow and end in a block, the per-network limit,
 * sessions that end with a new PIN, a disabled lab or sign-out, and the device code.
 */

const HOUR = 60 * 60_000;

describe('lockout arithmetic', () => {
  it('doubles from 15 minutes to a day, then blocks at the twentieth lockout', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((previous) => lockoutMs(previous))).toEqual([0.25, 0.5, 1, 2, 4, 8, 16, 24, 24].map((hours) => hours * HOUR));
    expect(lockoutMs(MAX_LOCKOUTS - 2)).toBe(24 * HOUR);
    expect(lockoutMs(MAX_LOCKOUTS - 1)).toBeNull();
  });

  it('never lets 10 000 guesses (or even 101) be made against one PIN, and the 100 it allows take more than 13 days', () => {
    expect(MAX_WRONG_PINS_PER_PIN).toBe(100);
    expect(shortestTimeForGuesses(10_000)).toBe(Number.POSITIVE_INFINITY);
    expect(shortestTimeForGuesses(MAX_WRONG_PINS_PER_PIN + 1)).toBe(Number.POSITIVE_INFINITY);
    expect(shortestTimeForGuesses(MAX_WRONG_PINS_PER_PIN)).toBeGreaterThan(13 * 24 * HOUR);
    // A 4-digit PIN: 100 of 10^4 values, so 99% of attackers never find it, whatever time they spend.
    expect(MAX_WRONG_PINS_PER_PIN / 10 ** 4).toBeLessThanOrEqual(0.01);
  });

  it('draws readable lab IDs and reads them back however they are typed', () => {
    for (let index = 0; index < 200; index += 1) expect(generateLabCode()).toMatch(/^LAB-[2-9A-HJKMNP-Z]{4}$/);
    expect(canonicalLabCode(' lab-7kq3 ')).toBe('LAB-7KQ3');
    expect(canonicalLabCode('7KQ3')).toBe('LAB-7KQ3');
    expect(canonicalLabCode('LAB-7KQ0')).toBeUndefined();
    expect(canonicalLabCode('LAB-7KQ33')).toBeUndefined();
  });
});

describe.each(databaseKinds())('lab sign-in on %s', (database) => {
  let server: TestServer;
  let admin: TestClient;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    admin = (await signedInAdmin(server)).client;
  });
  afterAll(async () => server?.close());

  it('shows the PIN once and keeps only a peppered hash of it', async () => {
    const { lab, pin } = await createLab(admin, { name: 'Hash Lab' });
    expect(pin).toMatch(/^\d{6}$/);
    expect(lab.labId).toMatch(/^LAB-[2-9A-Z]{4}$/);
    expect(lab.pinLength).toBe(6);
    const row = await labRow(server, lab.id);
    expect(JSON.stringify(row)).not.toContain(pin);
    expect(row.pin_digest).toMatch(/^[0-9a-f]{64}$/);
    const fetched = await admin.json<{ lab: Record<string, unknown> }>('GET', `/api/admin/labs/${lab.id}`);
    expect(JSON.stringify(fetched.body)).not.toContain(pin);
    const listed = await admin.json<{ labs: Array<{ id: string }> }>('GET', '/api/admin/labs');
    expect(listed.body.labs.map((entry) => entry.id)).toContain(lab.id);
    const four = await createLab(admin, { pinLength: 4 });
    expect(four.pin).toMatch(/^\d{4}$/);
  });

  it('refuses bad input with stable codes', async () => {
    expect(outcomeOf(await admin.json('POST', '/api/admin/labs', { name: 'x', contactEmails: ['a@example.com'], pinLength: 3 }))).toBe('400 validation_failed');
    expect(outcomeOf(await admin.json('POST', '/api/admin/labs', { name: 'x', contactEmails: [] }))).toBe('400 validation_failed');
    expect(outcomeOf(await admin.json('POST', '/api/admin/labs', { name: 'x', contactEmails: ['a@example.com'], extra: 1 }))).toBe('400 validation_failed');
    const twice = [{ sku: 'A', name: 'A', size: '', finishes: [] }, { sku: 'A', name: 'B', size: '', finishes: [] }];
    expect(outcomeOf(await admin.json('POST', '/api/admin/labs', { name: 'x', contactEmails: ['a@example.com'], catalogue: twice }))).toBe('400 catalogue_invalid');
    expect(outcomeOf(await admin.json('GET', '/api/admin/labs/00000000-0000-4000-8000-000000000000'))).toBe('404 lab_not_found');
    expect(outcomeOf(await admin.json('GET', '/api/admin/labs/not-a-uuid'))).toBe('400 validation_failed');
    expect(outcomeOf(await admin.json('PATCH', '/api/admin/labs/00000000-0000-4000-8000-000000000000', {}))).toBe('400 validation_failed');
    expect(outcomeOf(await admin.json('PUT', '/api/admin/studios/00000000-0000-4000-8000-000000000000/labs', { portalEnabled: true, labIds: [] }))).toBe('404 studio_not_found');
    const visitor = labVisitor(server);
    expect(outcomeOf(await visitor.json('POST', '/api/lab/sign-in', { labId: 'LAB-2222' }))).toBe('400 validation_failed');
    expect(outcomeOf(await labSignIn(visitor, 'not a lab', '1234'))).toBe('401 lab_sign_in_failed');
  });

  it('signs a lab in with its ID and PIN into a short, lab-only session, and out again', async () => {
    const { lab, pin } = await createLab(admin);
    const client = labVisitor(server);
    const answer = await client.request('POST', '/api/lab/sign-in', { labId: lab.labId.toLowerCase(), pin });
    expect(answer.status).toBe(200);
    const cookie = answer.headers.getSetCookie().find((line) => line.startsWith(`${LAB_COOKIE}=`)) ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/api\/lab(;|$)/i);
    expect((await client.json('GET', '/api/lab/orders')).status).toBe(200);
    // The cookie's token is stored only as SHA-256.
    const token = client.cookies.get(LAB_COOKIE) ?? '';
    const sessions = await server.runtime.database.db.selectFrom('lab_sessions').selectAll().where('lab_id', '=', lab.id).execute();
    expect(JSON.stringify(sessions)).not.toContain(token);
    expect((await client.json('POST', '/api/lab/sign-out', {})).status).toBe(204);
    client.cookies.set(LAB_COOKIE, token);
    expect(outcomeOf(await client.json('GET', '/api/lab/orders'))).toBe('401 lab_sign_in_required');
  });

  it('ends a session after 30 idle minutes', async () => {
    const { lab, pin } = await createLab(admin);
    const client = await signedInLab(server, lab, pin);
    await server.runtime.database.db.updateTable('lab_sessions').set({ last_seen_at: Date.now() - 31 * 60_000 }).where('lab_id', '=', lab.id).execute();
    expect(outcomeOf(await client.json('GET', '/api/lab/orders'))).toBe('401 lab_sign_in_required');
  });

  it('locks the lab at the fifth wrong PIN, tells its contacts and the admin, and makes each lockout twice as long', async () => {
    const { lab, pin } = await createLab(admin);
    const wrong = pin === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt < MAX_PIN_ATTEMPTS; attempt += 1) {
      expect(outcomeOf(await labSignIn(labVisitor(server), lab.labId, wrong))).toBe('401 lab_sign_in_failed');
    }
    const locked = await labSignIn(labVisitor(server), lab.labId, wrong);
    expect(outcomeOf(locked)).toBe('423 lab_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    // Locked: even the right PIN is not compared.
    expect(outcomeOf(await labSignIn(labVisitor(server), lab.labId, pin))).toBe('423 lab_locked');
    await waitForMail(server, lab.contactEmails[0] as string, /too many times, so it is locked until/);
    const first = await labRow(server, lab.id);
    expect(first.lockouts).toBe(1);
    expect((first.locked_until ?? 0) - Date.now()).toBeGreaterThan(14 * 60_000);
    expect((first.locked_until ?? 0) - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    // The lockout passes; five more wrong PINs lock it for twice as long.
    await setLabRow(server, lab.id, { locked_until: Date.now() - 1 });
    for (let attempt = 1; attempt < MAX_PIN_ATTEMPTS; attempt += 1) await labSignIn(labVisitor(server), lab.labId, wrong);
    expect(outcomeOf(await labSignIn(labVisitor(server), lab.labId, wrong))).toBe('423 lab_locked');
    const second = await labRow(server, lab.id);
    expect(second.lockouts).toBe(2);
    expect((second.locked_until ?? 0) - Date.now()).toBeGreaterThan(29 * 60_000);

    const actions = await server.runtime.database.db.selectFrom('audit_events').select('action').where('details', 'like', `%${lab.id}%`).execute();
    expect(actions.filter((row) => row.action === 'lab.pin_failed')).toHaveLength(10);
    expect(actions.filter((row) => row.action === 'lab.locked')).toHaveLength(2);

    // At the last lockout the lab is blocked: only a new PIN opens it.
    await setLabRow(server, lab.id, { locked_until: Date.now() - 1, lockouts: MAX_LOCKOUTS - 1 });
    for (let attempt = 1; attempt < MAX_PIN_ATTEMPTS; attempt += 1) await labSignIn(labVisitor(server), lab.labId, wrong);
    expect(outcomeOf(await labSignIn(labVisitor(server), lab.labId, wrong))).toBe('423 lab_blocked');
    await setLabRow(server, lab.id, { locked_until: null });
    expect(outcomeOf(await labSignIn(labVisitor(server), lab.labId, pin))).toBe('423 lab_blocked');
    const reset = await admin.json<{ pin: string; lab: { blocked: boolean; lockouts: number } }>('POST', `/api/admin/labs/${lab.id}/pin`, {});
    expect(reset.status).toBe(200);
    expect(reset.body.lab).toMatchObject({ blocked: false, lockouts: 0 });
    expect((await labSignIn(labVisitor(server), lab.labId, reset.body.pin)).status).toBe(200);
  });

  it('does not let a right PIN reset the count of wrong ones', async () => {
    const { lab, pin } = await createLab(admin);
    const wrong = pin === '000000' ? '111111' : '000000';
    for (let attempt = 1; attempt < MAX_PIN_ATTEMPTS; attempt += 1) await labSignIn(labVisitor(server), lab.labId, wrong);
    expect((await labSignIn(labVisitor(server), lab.labId, pin)).status).toBe(200);
    expect(outcomeOf(await labSignIn(labVisitor(server), lab.labId, wrong))).toBe('423 lab_locked');
  });

  it('limits sign-in attempts per network, across labs', async () => {
    const ip = nextIp();
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 21; attempt += 1) outcomes.push(outcomeOf(await labSignIn(labVisitor(server, ip), generateLabCode(), '123456')));
    expect(outcomes.slice(0, 20).every((entry) => entry === '401 lab_sign_in_failed')).toBe(true);
    expect(outcomes[20]).toBe('429 rate_limited');
  });

  it('ends every session when the PIN is reset or the lab is disabled', async () => {
    const { lab, pin } = await createLab(admin);
    const client = await signedInLab(server, lab, pin);
    const reset = await admin.json<{ pin: string }>('POST', `/api/admin/labs/${lab.id}/pin`, { pinLength: 8 });
    expect(reset.body.pin).toMatch(/^\d{8}$/);
    expect(outcomeOf(await client.json('GET', '/api/lab/orders'))).toBe('401 lab_sign_in_required');
    expect(outcomeOf(await labSignIn(labVisitor(server), lab.labId, pin))).toBe('401 lab_sign_in_failed');

    const again = await signedInLab(server, lab, reset.body.pin);
    expect((await admin.json('PATCH', `/api/admin/labs/${lab.id}`, { disabled: true })).status).toBe(200);
    expect(outcomeOf(await again.json('GET', '/api/lab/orders'))).toBe('401 lab_sign_in_required');
    expect(outcomeOf(await labSignIn(labVisitor(server), lab.labId, reset.body.pin))).toBe('401 lab_sign_in_failed');
    expect((await admin.json('PATCH', `/api/admin/labs/${lab.id}`, { disabled: false })).status).toBe(200);
    expect((await labSignIn(labVisitor(server), lab.labId, reset.body.pin)).status).toBe(200);
    expect((await admin.json('DELETE', `/api/admin/labs/${lab.id}`)).status).toBe(204);
    expect(outcomeOf(await labSignIn(labVisitor(server), lab.labId, reset.body.pin))).toBe('401 lab_sign_in_failed');
  });

  it('asks a new device for a one-time code sent to the contacts when the admin requires it', async () => {
    const { lab, pin } = await createLab(admin, { requireDeviceCode: true });
    const device = labVisitor(server);
    const mails = (await server.outbox()).length;
    const first = await labSignIn(device, lab.labId, pin);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ status: 'device_code_sent' });
    expect(device.cookies.get(LAB_COOKIE)).toBeUndefined();
    const [, code] = await waitForMail(server, lab.contactEmails[0] as string, /^\s+(\d{6})$/m, { after: mails });
    const wrongCode = code === '000000' ? '111111' : '000000';
    expect(outcomeOf(await labSignIn(device, lab.labId, pin, wrongCode))).toBe('401 lab_device_code_incorrect');
    expect((await labSignIn(device, lab.labId, pin, code)).status).toBe(200);
    expect(device.cookies.get('sl_lab_device')).toBeTruthy();
    // The code is spent; the device is remembered.
    expect(outcomeOf(await labSignIn(labVisitor(server), lab.labId, pin, code))).toBe('401 lab_device_code_incorrect');
    device.cookies.delete(LAB_COOKIE);
    expect((await labSignIn(device, lab.labId, pin)).status).toBe(200);
  });

  it('keeps photographers out of the admin lab routes', async () => {
    const { client } = await signedInClient(server, 'photographer');
    expect(outcomeOf(await client.json('GET', '/api/admin/labs'))).toBe('403 forbidden');
  });
});
