import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit } from '../audit/audit-log.ts';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { TestClient, waitForMail } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { previewJobsDone, upload } from '../../test/vault.ts';

type ErrorBody = { error: { code: string } };
type AuditPage = { events: Array<{ seq: number; action: string; studioId: string | null; actorUserId: string | null; subjectUserId: string | null; actorEmail?: string | null; subjectEmail?: string | null }>; nextBefore: number | null };
type Alert = { id: string; rule: string; subject: string; status: string; emailed: boolean; eventCount: number };

describe.each(databaseKinds())('the admin console on %s', (database) => {
  let server: TestServer;
  let admin: TestClient;
  let adminUser: { id: string; email: string };
  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { TRUST_PROXY: 'true', ALERT_ACCOUNT_SIGN_IN_FAILURES: '3', ALERT_NETWORK_SIGN_IN_FAILURES: '1000', ALERT_EMAILS_PER_HOUR: '2' },
    });
    const signedIn = await signedInAdmin(server);
    admin = signedIn.client;
    adminUser = signedIn.user;
  });
  afterAll(async () => server?.close());

  it('disables a user and shows it in the audit trail, filtered and paged', async () => {
    const { user } = await signedInClient(server, 'photographer');
    const disabled = await admin.json<{ user: { status: string } }>('POST', `/api/admin/users/${user.id}/disable`);
    expect(disabled.body.user.status).toBe('disabled');
    const trail = await admin.json<AuditPage>('GET', `/api/audit/events?action=user.disabled&actor=${adminUser.id}`);
    expect(trail.body.events).toEqual([expect.objectContaining({ action: 'user.disabled', subjectUserId: user.id })]);
    // Named as a person reads them: by email, not by id.
    expect(trail.body.events[0]).toMatchObject({ actorEmail: adminUser.email, subjectEmail: user.email });

    const first = await admin.json<AuditPage>('GET', '/api/audit/events?limit=2');
    expect(first.body.events).toHaveLength(2);
    expect(first.body.nextBefore).toBe(first.body.events[1]?.seq);
    const second = await admin.json<AuditPage>('GET', `/api/audit/events?limit=2&before=${first.body.nextBefore}`);
    expect(second.body.events[0]!.seq).toBeLessThan(first.body.nextBefore!);
    const future = await admin.json<AuditPage>('GET', `/api/audit/events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.events).toEqual([]);
  });

  it('shows a photographer only their own studio’s events', async () => {
    const mine = await signedInClient(server, 'photographer', 'mine');
    const other = await signedInClient(server, 'photographer', 'other');
    await recordAudit(server.runtime.database.db, { action: 'test.mine', studioId: mine.user.studioId });
    await recordAudit(server.runtime.database.db, { action: 'test.other', details: { studioId: other.user.studioId! } });
    const asked = await mine.client.json<AuditPage>('GET', `/api/audit/events?studio=${other.user.studioId}`);
    expect(asked.status).toBe(200);
    expect(asked.body.events.map((event) => event.action)).toEqual(['test.mine']);
    const exported = await mine.client.request('GET', '/api/audit/events/export?format=jsonl');
    expect((await exported.text()).trim().split('\n').map((line) => (JSON.parse(line) as { action: string }).action)).toEqual(['test.mine']);
    const otherSees = await other.client.json<AuditPage>('GET', '/api/audit/events');
    expect(otherSees.body.events.map((event) => event.action)).toEqual(['test.other']);
  });

  it('exports as JSON Lines and as CSV, with formulas defused', async () => {
    await recordAudit(server.runtime.database.db, { action: 'test.export', userAgent: '=HYPERLINK("http://evil")', details: { note: 'a, "quoted"\nline' } });
    const jsonl = await admin.request('GET', '/api/audit/events/export?format=jsonl&action=test.export');
    expect(jsonl.headers.get('content-type')).toContain('application/x-ndjson');
    expect(jsonl.headers.get('content-disposition')).toContain('audit-events.jsonl');
    const [line] = (await jsonl.text()).trim().split('\n');
    expect(JSON.parse(line!)).toMatchObject({ action: 'test.export', details: { note: 'a, "quoted"\nline' } });
    const csv = await admin.request('GET', '/api/audit/events/export?format=csv&action=test.export');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\n')[0]).toBe('seq,id,at,action,actorUserId,subjectUserId,studioId,ip,userAgent,details');
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text).toContain('test.export');
  });

  it('raises one alert for a burst of failed sign-ins, emails admins within the budget, and acknowledges it', async () => {
    const { user } = await signedInClient(server, 'photographer', 'target');
    const attacker = new TestClient(server, { ip: '10.66.0.1' });
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const refused = await attacker.request('POST', '/api/auth/sign-in/password', { email: user.email, password: 'not the password at all' });
      expect(refused.status).toBe(401);
    }
    const listed = await admin.json<{ alerts: Alert[] }>('GET', '/api/admin/alerts?status=open');
    const alerts = listed.body.alerts.filter((alert) => alert.rule === 'sign_in_failures_account' && alert.subject === user.id);
    expect(alerts).toEqual([expect.objectContaining({ status: 'open', eventCount: 3, emailed: true })]);
    await waitForMail(server, adminUser.email, /failed sign-ins for account/);

    const acknowledged = await admin.json<{ alert: Alert }>('POST', `/api/admin/alerts/${alerts[0]!.id}/acknowledge`);
    expect(acknowledged.body.alert.status).toBe('acknowledged');
    expect((await admin.json<{ alerts: Alert[] }>('GET', '/api/admin/alerts?status=open')).body.alerts.find((alert) => alert.id === alerts[0]!.id)).toBeUndefined();
    expect((await admin.json<ErrorBody>('POST', '/api/admin/alerts/00000000-0000-4000-8000-000000000000/acknowledge')).body.error.code).toBe('alert_not_found');
  });

  it('stops emailing when the hourly budget is spent, but still shows the alerts', async () => {
    for (let index = 0; index < 4; index += 1) {
      await recordAudit(server.runtime.database.db, { action: 'delivery.locked', details: { deliveryId: `budget-${index}` } });
    }
    const answer = await admin.json<{ alerts: Alert[] }>('GET', '/api/admin/alerts?limit=200');
    const alerts = answer.body.alerts.filter((alert) => alert.subject.startsWith('budget-'));
    expect(alerts).toHaveLength(4);
    // The budget is 2 an hour, and the sign-in burst above spent one.
    expect(alerts.filter((alert) => alert.emailed)).toHaveLength(1);
  });

  it('reports the system’s status without secret values', async () => {
    const status = await admin.json<{ database: { status: string }; storage: { status: string }; masterKeys: Array<{ state: string }>; jobs: unknown[]; auditChain: { headSeq: number }; configuration: Array<{ name: string; value: string }> }>('GET', '/api/admin/system');
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ database: { kind: database, status: 'ok' }, storage: { status: 'ok' }, mail: { kind: 'outbox' } });
    expect(status.body.masterKeys[0]).toMatchObject({ state: 'active' });
    expect(status.body.auditChain.headSeq).toBeGreaterThan(0);
    expect(status.body.configuration.find((row) => row.name === 'master keys')?.value).toMatch(/^\(/);
  });

  it('lists studios with usage and members, and one studio', async () => {
    const { user } = await signedInClient(server, 'photographer', 'studio-owner');
    const studios = await admin.json<{ studios: Array<{ id: string; usedBytes: number; members: number; keyVersion: string }> }>('GET', '/api/admin/studios');
    expect(studios.body.studios.find((studio) => studio.id === user.studioId)).toMatchObject({ usedBytes: 0, members: 1, keyVersion: expect.any(String) });
    const one = await admin.json<{ studio: { memberList: Array<{ email: string; role: string }> } }>('GET', `/api/admin/studios/${user.studioId}`);
    expect(one.body.studio.memberList).toEqual([expect.objectContaining({ email: user.email, role: 'owner' })]);
    const missing = await admin.json<ErrorBody>('GET', '/api/admin/studios/00000000-0000-4000-8000-000000000000');
    expect(missing).toMatchObject({ status: 404, body: { error: { code: 'studio_not_found' } } });
  });

  it('shows a studio’s storage per variant: originals, previews, image cache and the rest', async () => {
    const { client, user } = await signedInClient(server, 'photographer', 'studio-owner');
    const uploaded = await upload(client, await photo('jpeg', { width: 640, height: 480 }), { name: 'storage.jpg' });
    expect(uploaded.status).toBe(201);
    await previewJobsDone(server);
    const { blobs, database } = server.runtime;
    const row = await database.db.selectFrom('vault_files').select(['blob_key', 'thumbnail_key', 'preview_key']).where('id', '=', uploaded.file.id).executeTakeFirstOrThrow();
    const sizeOf = async (key: string | null) => (await blobs.head(key!))!.size;
    // A cached transform and a blob no file names (as a crash between a put and its row leaves one).
    await blobs.put(`image-cache/${user.studioId}/cached-result`, Readable.from([Buffer.alloc(1000)]));
    await blobs.put(`studios/${user.studioId}/k2-unreferenced`, Readable.from([Buffer.alloc(300)]));
    const one = await admin.json<{ studio: { storage: Record<string, number> } }>('GET', `/api/admin/studios/${user.studioId}`);
    expect(one.body.studio.storage).toEqual({
      originals: await sizeOf(row.blob_key),
      previews: (await sizeOf(row.thumbnail_key)) + (await sizeOf(row.preview_key)),
      cache: 1000,
      other: 300,
    });
    // Sealed with the chunked format's overhead, so at least the plaintext.
    expect(one.body.studio.storage.originals).toBeGreaterThanOrEqual(uploaded.file.size);
  });

  it('lists jobs and retries a failed one', async () => {
    const db = server.runtime.database.db;
    await db.insertInto('jobs').values({ id: 'test.failing:1', kind: 'test.failing', payload: 'null', status: 'failed', attempts: 3, run_after: Date.now(), last_error: 'boom', created_at: Date.now() }).execute();
    const failed = await admin.json<{ jobs: Array<{ id: string; lastError: string }> }>('GET', '/api/admin/jobs?status=failed');
    expect(failed.body.jobs).toEqual(expect.arrayContaining([expect.objectContaining({ id: 'test.failing:1', lastError: 'boom' })]));
    expect((await admin.request('POST', '/api/admin/jobs/test.failing:1/retry')).status).toBe(204);
    expect((await db.selectFrom('jobs').select(['status', 'attempts']).where('id', '=', 'test.failing:1').executeTakeFirstOrThrow())).toEqual({ status: 'pending', attempts: 0 });
    expect((await admin.json<ErrorBody>('POST', '/api/admin/jobs/test.failing:1/retry')).body.error.code).toBe('job_not_found');
    const status = await admin.json<{ jobs: Array<{ kind: string; pending: number }> }>('GET', '/api/admin/system');
    expect(status.body.jobs).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'test.failing', pending: 1 })]));
  });

  it('refuses bad input with stable codes', async () => {
    for (const path of [
      '/api/audit/events?limit=0',
      '/api/audit/events?limit=501',
      '/api/audit/events?actor=not-a-uuid',
      '/api/audit/events?from=yesterday',
      '/api/audit/events?action=DROP%20TABLE',
      '/api/audit/events?unknown=1',
      '/api/audit/events/export',
      '/api/audit/events/export?format=xml',
      '/api/admin/alerts?status=closed',
      '/api/admin/jobs?status=done',
      '/api/admin/studios/not-a-uuid',
    ]) {
      const answer = await admin.json<ErrorBody>('GET', path);
      expect(answer.status, path).toBe(400);
      expect(answer.body.error.code, path).toBe('validation_failed');
    }
    expect((await admin.json<ErrorBody>('POST', '/api/admin/jobs/bad%20id/retry')).body.error.code).toBe('validation_failed');
    expect((await admin.json<ErrorBody>('POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/disable')).body.error.code).toBe('user_not_found');
  });

  it('refuses photographers and clients on admin routes, and anonymous callers on the audit trail', async () => {
    const { client } = await signedInClient(server, 'photographer', 'nosy');
    for (const path of ['/api/admin/alerts', '/api/admin/system', '/api/admin/studios', '/api/admin/jobs']) expect((await client.request('GET', path)).status, path).toBe(403);
    const anonymous = new TestClient(server);
    expect((await anonymous.request('GET', '/api/audit/events')).status).toBe(401);
    expect((await anonymous.request('GET', '/api/audit/events/export?format=csv')).status).toBe(401);
  });
});
