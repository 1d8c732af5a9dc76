import { studioNotificationEmails } from '../auth/teams.ts';
import { activeUserEmail } from '../auth/users.ts';
import { runInBackground } from '../jobs/background.ts';
import { mailTime } from '../text.ts';
import type { LabsDeps } from './deps.ts';
import type { LabRow } from './repo.ts';
import type { PrintOrderRow } from './orders-repo.ts';
import { parseContacts } from './admin.ts';

/**
 * The portal's emails, all sent in the background: a slow or failing mail server never fails
 * the request (failures are logged). To the lab's contacts: a new order, a lockout, a device
 * code. To the admin who created the lab: a lockout. To the photographer: each status change
 * (to the studio's members as they are when it is sent: auth/teams.ts studioNotificationEmails).
 * No subject carries a secret; only the device code email carries a code.
 */

function send(deps: LabsDeps, label: string, recipients: readonly string[], subject: string, lines: readonly string[]): void {
  const text = lines.join('\n');
  for (const to of recipients) runInBackground(deps.logger, label, () => deps.mailer.send({ to, subject, text }));
}

function portalUrl(deps: LabsDeps): string {
  return `${deps.site.publicUrl}/lab`;
}

export function notifyOrderSubmitted(deps: LabsDeps, lab: LabRow, order: PrintOrderRow, studioName: string, lineCount: number): void {
  send(deps, 'lab-order-email', parseContacts(lab), `New print order from ${studioName}`, [
    `${studioName} has sent ${lab.name} a print order with ${lineCount} line${lineCount === 1 ? '' : 's'}${order.due_date ? `, due ${order.due_date}` : ''}.`,
    '',
    `Open it in the lab portal: ${portalUrl(deps)} (order ${order.id}).`,
  ]);
}

export function notifyLabLocked(deps: LabsDeps, lab: LabRow, lockedUntil: number | null): void {
  const what =
    lockedUntil === null
      ? 'so it is now blocked until an administrator sets a new PIN.'
      : `so it is locked until ${mailTime(lockedUntil)}.`;
  const lines = [`Someone entered wrong PINs for the lab ${lab.name} (${lab.code}) too many times, ${what}`, 'If that was not you, tell the administrator: they can set a new PIN.'];
  send(deps, 'lab-locked-email', parseContacts(lab), `The lab portal for ${lab.name} was locked`, lines);
  runInBackground(deps.logger, 'lab-locked-admin-email', async () => {
    const admin = lab.created_by ? await activeUserEmail(deps, lab.created_by) : undefined;
    if (admin) await deps.mailer.send({ to: admin, subject: `Lab ${lab.code} locked after wrong PINs`, text: lines.join('\n') });
  });
}

export function sendDeviceCode(deps: LabsDeps, lab: LabRow, code: string): void {
  send(deps, 'lab-device-code-email', parseContacts(lab), `Your lab portal sign-in code`, [
    `Someone signed in to the lab portal of ${lab.name} (${lab.code}) with the right PIN on a new device. To confirm it, enter this code:`,
    '',
    `    ${code}`,
    '',
    'It is valid for 10 minutes. If that was not you, tell the administrator to set a new PIN.',
  ]);
}

const statusWords: Record<string, string> = {
  accepted: 'accepted',
  in_production: 'put in production',
  shipped: 'shipped',
  completed: 'completed',
  rejected: 'rejected',
};

export function notifyStatusChanged(deps: LabsDeps, lab: LabRow, order: PrintOrderRow, status: string, note: string | null): void {
  runInBackground(deps.logger, 'print-order-status-email', async () => {
    // Read now: whoever placed the order may have left the studio or lost print orders since.
    const emails = await studioNotificationEmails(deps, order.studio_id, order.created_by, 'lab-orders');
    const subject = `Your print order was ${statusWords[status] ?? status} by ${lab.name}`;
    const text = [`${lab.name} has ${statusWords[status] ?? status} your print order.`, ...(note ? ['', note] : []), '', `See its timeline: ${deps.site.publicUrl}/print-orders/${order.id}`].join('\n');
    for (const to of emails) await deps.mailer.send({ to, subject, text });
  });
}
