import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, uniqueEmail } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { createDelivery, deliveryRow, mailsTo, setDeliveryRow, waitForMails, withDeliveriesDeps } from '../../test/deliveries.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { type UploadedFile, uploaded } from '../../test/vault.ts';
import { sendDueReminders } from './reminders.ts';

/**
 * Expiry reminders: once per delivery, DELIVERY_REMINDER_DAYS before it ends, to its
 * recipients, branded, with the link and never the code; none for a revoked or spent delivery;
 * due again when the expiry is extended.
 */

const DAY_MS = 24 * 60 * 60_000;

describe('expiry reminders', () => {
  let server: TestServer;
  let photographer: TestClient;
  let file: UploadedFile;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: 'true', DELIVERY_REMINDER_DAYS: '3' } });
    photographer = (await signedInClient(server, 'photographer', 'reminders')).client;
    await photographer.json('PATCH', '/api/studio/branding', { name: 'Reminder Studio' });
    file = await uploaded(photographer, await photo('jpeg', { width: 120, height: 90 }), { name: 'r.jpg' });
  });
  afterAll(async () => server?.close());

  /** A delivery made two days ago that expires in `days`. */
  async function ageing(days: number, extra: Record<string, unknown> = {}) {
    const to = uniqueEmail('reminded');
    const made = await createDelivery(photographer, { title: `Ends in ${days}`, fileIds: [file.id], recipients: [to], ...extra });
    await setDeliveryRow(server, made.delivery.id, { created_at: Date.now() - 2 * DAY_MS, expires_at: Date.now() + days * DAY_MS });
    return { ...made, to };
  }

  const run = () => withDeliveriesDeps(server, {}, (deps) => sendDueReminders(deps));

  it('reminds the recipients once, with the link and without the code, branded, in HTML and text', async () => {
    const due = await ageing(2);
    const later = await ageing(10);
    const spent = await ageing(1, { downloadLimit: 1 });
    await setDeliveryRow(server, spent.delivery.id, { download_count: 1 });
    const revoked = await ageing(1);
    await photographer.json('POST', `/api/deliveries/${revoked.delivery.id}/revoke`, {});
    await run();
    const [mail] = await waitForMails(server, due.to, /available until/);
    expect(mail?.subject).toContain('Reminder Studio');
    // Dates as people read them, the time zone named: "until 3 January 2027", "Sunday, 3 January 2027 at 22:59 UTC".
    const reminder = (await mailsTo(server, due.to)).find((each) => /are available until/.test(each.subject));
    expect(reminder?.subject).toMatch(/are available until \d{1,2} [A-Z][a-z]+ \d{4}$/);
    expect(reminder?.text).toMatch(/After [A-Z][a-z]+day, \d{1,2} [A-Z][a-z]+ \d{4} at \d{2}:\d{2} UTC the link stops working/);
    expect(`${reminder?.text}${mail?.text}`).not.toContain('GMT');
    expect(mail?.text).toContain(due.access.url);
    expect(mail?.html).toContain(`href="${due.access.url}"`);
    expect(`${mail?.text}${mail?.html}${mail?.subject}`).not.toContain(due.access.code);
    expect((await deliveryRow(server, due.delivery.id)).reminder_sent_at).not.toBeNull();
    // Once.
    await run();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await mailsTo(server, due.to)).filter((m) => /available until/.test(m.subject))).toHaveLength(1);
    for (const other of [later, spent, revoked]) expect((await mailsTo(server, other.to)).filter((m) => /available until/.test(m.subject))).toHaveLength(0);
    // Extending the expiry makes a new reminder due when the new end nears.
    const extended = await photographer.json('PATCH', `/api/deliveries/${due.delivery.id}`, { expiresAt: new Date(Date.now() + 20 * DAY_MS).toISOString() });
    expect(extended.status).toBe(200);
    expect((await deliveryRow(server, due.delivery.id)).reminder_sent_at).toBeNull();
  });

  it('sends nothing when turned off', async () => {
    const due = await ageing(1);
    const sent = await withDeliveriesDeps(server, { site: { ...server.runtime.config, deliveries: { ...server.runtime.config.deliveries, reminderDays: 0 } } }, (deps) => sendDueReminders(deps));
    expect(sent).toBe(0);
    expect((await deliveryRow(server, due.delivery.id)).reminder_sent_at).toBeNull();
  });
});
