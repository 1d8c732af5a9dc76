import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { createDelivery, waitForMails, withDeliveriesDeps } from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { uploaded } from '../../test/vault.ts';
import { listAuditEvents } from '../audit/audit-log.ts';
import { resendDelivery } from './service.ts';

/**
 * A studio cannot use deliveries as a spam relay: emails per hour and per day, new recipients
 * per day and resends per delivery are limited, counted in the database (so a restart, or
 * another instance, changes nothing), refused with 429 `mail_limit_reached`, and the admins hear
 * of it once per window.
 */

const HOUR_MS = 60 * 60_000;

describe.each(databaseKinds())('delivery mail limits on %s', (database) => {
  let server: TestServer;
  let adminEmail: string;
  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { MAIL_STUDIO_EMAILS_PER_HOUR: '12', MAIL_STUDIO_EMAILS_PER_DAY: '20', MAIL_STUDIO_NEW_RECIPIENTS_PER_DAY: '4', MAIL_DELIVERY_RESENDS_PER_DAY: '2' },
    });
    adminEmail = (await signedInAdmin(server)).user.email;
  });
  afterAll(async () => server?.close());

  async function studio(label: string): Promise<{ client: TestClient; userId: string; studioId: string; fileId: string }> {
    const { client, user } = await signedInClient(server, 'photographer', label);
    const file = await uploaded(client, await photo('jpeg', { width: 64, height: 48 }), { name: 'one.jpg' });
    return { client, userId: user.id, studioId: user.studioId as string, fileId: file.id };
  }

  const recipients = (label: string, count: number) => Array.from({ length: count }, (_, index) => `${label}-${index}@example.com`);

  it('refuses emails past the hourly ceiling with 429, alerts once, and the count survives a new instance', async () => {
    const { client, userId, studioId, fileId } = await studio('hourly');
    // 3 recipients × 2 messages = 6 emails: two deliveries fit in 12 an hour, the third does not.
    await createDelivery(client, { title: 'One', fileIds: [fileId], recipients: recipients('h', 3) });
    await createDelivery(client, { title: 'Two', fileIds: [fileId], recipients: recipients('h', 3) });
    for (let attempt = 0; attempt < 3; attempt++) {
      const refused = await client.json<{ error: { code: string; message: string } }>('POST', '/api/deliveries', { title: 'Three', fileIds: [fileId], recipients: recipients('h', 3) });
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('mail_limit_reached');
      expect(refused.body.error.message).toMatch(/at most 12 delivery emails an hour/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Refused means nothing was made.
    const listed = await client.json<{ deliveries: unknown[] }>('GET', '/api/deliveries');
    expect(listed.body.deliveries).toHaveLength(2);
    // A delivery without recipients sends nothing and is not limited.
    await createDelivery(client, { title: 'No mail', fileIds: [fileId] });

    const alerts = (await listAuditEvents(server.runtime.database.db, { limit: 500 })).filter(
      (event) => event.action === 'mail.studio_limit_reached' && event.details.studioId === studioId,
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ actorUserId: userId, details: { limit: 'emailsPerHour', ceiling: 12 } });
    const mails = await waitForMails(server, adminEmail, /reached its delivery mail limit/);
    expect(mails.filter((mail) => mail.text.includes(studioId))).toHaveLength(1);

    // Deps built afresh (as after a restart) read the same counts from the database.
    const { delivery } = await createDelivery(client, { title: 'Quiet', fileIds: [fileId] });
    await client.json('PATCH', `/api/deliveries/${delivery.id}`, { recipients: ['late@example.com'] });
    const actor = { studioId, userId, role: 'owner', ip: '127.0.0.1', userAgent: 'test' } as const;
    await withDeliveriesDeps(server, {}, async (deps) => {
      await expect(resendDelivery(deps, actor as never, delivery.id)).rejects.toMatchObject({ code: 'mail_limit_reached', statusCode: 429 });
    });
    // An hour later the hourly budget is back.
    await withDeliveriesDeps(server, { now: () => Date.now() + HOUR_MS + 60_000 }, async (deps) => {
      await expect(resendDelivery(deps, actor as never, delivery.id)).resolves.toBeDefined();
    });
  });

  it('limits resends and emailed codes per delivery', async () => {
    const { client, fileId } = await studio('resends');
    const { delivery } = await createDelivery(client, { title: 'Resent', fileIds: [fileId], recipients: ['client@example.com'] });
    expect((await client.json('POST', `/api/deliveries/${delivery.id}/resend`, {})).status).toBe(200);
    expect((await client.json('POST', `/api/deliveries/${delivery.id}/code`, { sendToRecipients: true })).status).toBe(200);
    const refused = await client.json<{ error: { code: string } }>('POST', `/api/deliveries/${delivery.id}/resend`, {});
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('mail_limit_reached');
    expect((await client.json<{ error: { code: string } }>('POST', `/api/deliveries/${delivery.id}/code`, { sendToRecipients: true })).status).toBe(429);
    // A new code shown to the photographer only sends nothing, so it is not limited.
    expect((await client.json('POST', `/api/deliveries/${delivery.id}/code`, {})).status).toBe(200);
  });

  it('limits distinct new recipients per day, while known ones stay reachable', async () => {
    const { client, fileId } = await studio('new-recipients');
    await createDelivery(client, { title: 'Many', fileIds: [fileId], recipients: recipients('n', 2) });
    await createDelivery(client, { title: 'More', fileIds: [fileId], recipients: recipients('m', 2) });
    const refused = await client.json<{ error: { code: string; message: string } }>('POST', '/api/deliveries', { title: 'New', fileIds: [fileId], recipients: ['fresh@example.com'] });
    expect(refused.status).toBe(429);
    expect(refused.body.error.message).toMatch(/4 new addresses a day/);
    // Someone already mailed is not new.
    await createDelivery(client, { title: 'Again', fileIds: [fileId], recipients: ['n-0@example.com'] });
  });
});
