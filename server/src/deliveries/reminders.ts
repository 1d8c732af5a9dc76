import { recordAudit } from '../audit/audit-log.ts';
import { studioSecretsFor, studioSuspended } from '../studios/service.ts';
import { linkOf, openAccess } from './access.ts';
import type { DeliveriesDeps } from './deps.ts';
import { openDeliveryDetails } from './details.ts';
import { sendExpiryReminders } from './notifications.ts';
import { claimReminder, listDueReminders } from './reminders-repo.ts';
import { deliveryMail } from './service.ts';

/**
 * Expiry reminders: DELIVERY_REMINDER_DAYS (3 by default; 0 turns them off) before a delivery
 * expires, its recipients get one email, from the client template, with the link when it is
 * kept (access.ts) and never the code. Once per delivery (`reminder_sent_at`, claimed before
 * sending, so two instances never both send); extending the expiry makes it due again. Not for
 * revoked deliveries, spent download limits, suspended studios or deliveries made in the last
 * day. Run by the deliveries' job runner every 15 minutes (capability.ts).
 */

const DAY_MS = 24 * 60 * 60_000;
const BATCH = 100;

export const REMINDER_JOB = 'deliveries.expiry_reminders';
export const REMINDER_EVERY_MS = 15 * 60_000;

/** Sends the reminders due now; returns how many deliveries were reminded. */
export async function sendDueReminders(deps: DeliveriesDeps): Promise<number> {
  const days = deps.site.deliveries.reminderDays;
  if (days <= 0) return 0;
  const now = deps.now();
  const due = await listDueReminders(deps.db, { now, until: now + days * DAY_MS, madeBefore: now - DAY_MS }, BATCH);
  const secretsOf = studioSecretsFor(deps);
  let sent = 0;
  for (const row of due) {
    if (!(await claimReminder(deps.db, row.studio_id, row.id, now))) continue;
    const spent = row.download_limit !== null && row.download_count >= row.download_limit;
    if (spent || (await studioSuspended(deps, row.studio_id))) continue;
    const details = await openDeliveryDetails(await secretsOf(row.studio_id), row.id, row.details_sealed);
    if (details.recipients.length === 0) continue;
    const kept = await openAccess(deps, row);
    sendExpiryReminders(deps, await deliveryMail(deps, row, details), kept?.token ? linkOf(deps, kept.token) : null);
    await recordAudit(deps.db, { action: 'delivery.reminder_sent', details: { deliveryId: row.id, studioId: row.studio_id, recipients: details.recipients.length } }, now);
    sent += 1;
  }
  return sent;
}
