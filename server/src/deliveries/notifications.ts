import { activeUserEmail } from '../auth/users.ts';
import { runInBackground } from '../jobs/background.ts';
import type { DeliveriesDeps } from './deps.ts';
import { type DeliveryDetails, openDeliveryDetails } from './details.ts';
import type { DeliveryRow } from './repo.ts';

/**
 * The deliveries' emails. To the client, the link and the code always travel in two separate
 * messages, so one intercepted or misdirected email opens nothing; neither subject carries a
 * secret. To the photographer: the first download, and a lockout by wrong codes. All are sent
 * in the background: a slow or failing mail server never fails the request (failures are logged).
 */

export interface DeliveryMail {
  studioName: string;
  details: DeliveryDetails;
  expiresAt: number;
}

function expiryText(expiresAt: number): string {
  return new Date(expiresAt).toUTCString();
}

function mailRecipients(deps: DeliveriesDeps, details: DeliveryDetails, label: string, subject: string, lines: readonly string[]): void {
  const text = lines.join('\n');
  for (const to of details.recipients) runInBackground(deps.logger, label, () => deps.mailer.send({ to, subject, text }));
}

export function sendLinkEmails(deps: DeliveriesDeps, mail: DeliveryMail, url: string): void {
  const { studioName, details } = mail;
  mailRecipients(deps, details, 'delivery-link-email', `${studioName} has shared photos with you: ${details.title}`, [
    `${studioName} has shared “${details.title}” with you.`,
    ...(details.message ? ['', details.message] : []),
    '',
    `Open it here: ${url}`,
    '',
    'You will need the code sent to you in a separate email.',
    `The delivery is available until ${expiryText(mail.expiresAt)}.`,
  ]);
}

export function sendCodeEmails(deps: DeliveriesDeps, mail: DeliveryMail, code: string): void {
  const { studioName, details } = mail;
  mailRecipients(deps, details, 'delivery-code-email', `Your code for photos from ${studioName}`, [
    `Your code for “${details.title}” from ${studioName} is:`,
    '',
    `    ${code}`,
    '',
    'Enter it on the page the link in the other email opens. Never share it with anyone you would not give the photos to.',
  ]);
}

function notifyPhotographer(deps: DeliveriesDeps, delivery: DeliveryRow, label: string, message: (details: DeliveryDetails) => { subject: string; text: string }): void {
  runInBackground(deps.logger, label, async () => {
    const email = delivery.created_by ? await activeUserEmail(deps, delivery.created_by) : undefined;
    if (!email) return;
    const details = await openDeliveryDetails(deps.secrets, delivery.id, delivery.details_sealed);
    const link = `${deps.site.publicUrl}/deliveries/${delivery.id}`;
    const { subject, text } = message(details);
    await deps.mailer.send({ to: email, subject, text: `${text}\n\nSee its activity: ${link}` });
  });
}

export function notifyFirstDownload(deps: DeliveriesDeps, delivery: DeliveryRow): void {
  notifyPhotographer(deps, delivery, 'delivery-first-download-email', (details) => ({
    subject: `Your delivery “${details.title}” was downloaded`,
    text: `Your client has started downloading “${details.title}”.`,
  }));
}

export function notifyLocked(deps: DeliveriesDeps, delivery: DeliveryRow, lockedUntil: number): void {
  notifyPhotographer(deps, delivery, 'delivery-locked-email', (details) => ({
    subject: `Your delivery “${details.title}” was locked after wrong codes`,
    text: [
      `Someone entered wrong codes for “${details.title}” too many times, so it is locked until ${expiryText(lockedUntil)}.`,
      'If that was not your client, someone else has the link: send your client a new link and code (Resend), which also ends the lockout, or revoke the delivery.',
    ].join('\n'),
  }));
}
