import { studioNotificationEmails } from '../auth/teams.ts';
import { runInBackground } from '../jobs/background.ts';
import { type ClientEmailContent, type EmailBrand, renderClientEmail } from '../mail/client-email.ts';
import type { ClientBranding } from '../studios/branding.ts';
import { mailDay, mailTime } from '../text.ts';
import { studioSecrets } from '../studios/service.ts';
import type { DeliveriesDeps } from './deps.ts';
import { type DeliveryDetails, openDeliveryDetails } from './details.ts';
import type { DeliveryRow } from './repo.ts';

/**
 * The deliveries' emails. To the client, the link and the code always travel in two separate
 * messages, so one intercepted or misdirected email opens nothing; neither subject carries a
 * secret; every client email is rendered from one branded template (HTML and text). To the photographer: the first download, and a lockout by wrong codes
 * (to whoever the studio's members are when it is sent: auth/teams.ts studioNotificationEmails). All are sent
 * in the background: a slow or failing mail server never fails the request (failures are logged).
 */

export interface DeliveryMail {
  /** The studio's branding name: never an email address. */
  studioName: string;
  branding: ClientBranding;
  /** The studio's logo, when it has one: it travels inside each message. */
  logoPng?: Buffer;
  details: DeliveryDetails;
  expiresAt: number;
}

function brandOf(mail: DeliveryMail): EmailBrand {
  return { ...mail.branding, name: mail.studioName, logoPng: mail.logoPng };
}

/** Every email to a delivery's recipients: rendered from the one client template (mail/client-email.ts), HTML and text. */
function mailRecipients(deps: DeliveriesDeps, mail: DeliveryMail, label: string, content: ClientEmailContent): void {
  const rendered = renderClientEmail(brandOf(mail), content);
  for (const to of mail.details.recipients) runInBackground(deps.logger, label, () => deps.mailer.send({ to, ...rendered }));
}

export function sendLinkEmails(deps: DeliveriesDeps, mail: DeliveryMail, url: string): void {
  const { studioName, details } = mail;
  mailRecipients(deps, mail, 'delivery-link-email', {
    subject: `${studioName} has shared photos with you: ${details.title}`,
    heading: details.title,
    paragraphs: [`${studioName} has shared “${details.title}” with you.`, ...(details.message ? [details.message] : [])],
    action: { label: 'Open your photos', url },
    notes: ['You will need the code sent to you in a separate email.', `The delivery is available until ${mailTime(mail.expiresAt)}.`],
  });
}

export function sendCodeEmails(deps: DeliveriesDeps, mail: DeliveryMail, code: string): void {
  const { studioName, details } = mail;
  mailRecipients(deps, mail, 'delivery-code-email', {
    subject: `Your code for photos from ${studioName}`,
    heading: 'Your code',
    paragraphs: [`Your code for “${details.title}” from ${studioName} is:`],
    code,
    notes: ['Enter it on the page the link in the other email opens. Never share it with anyone you would not give the photos to.'],
  });
}

/**
 * The expiry reminder (reminders.ts): with the link when it is kept (access.ts), never with
 * the code — that stays in its own email.
 */
export function sendExpiryReminders(deps: DeliveriesDeps, mail: DeliveryMail, url: string | null): void {
  const { studioName, details } = mail;
  mailRecipients(deps, mail, 'delivery-reminder-email', {
    subject: `Your photos from ${studioName} are available until ${mailDay(mail.expiresAt)}`,
    heading: `“${details.title}” is available until ${mailTime(mail.expiresAt)}`,
    paragraphs: [
      `${studioName} shared “${details.title}” with you. After ${mailTime(mail.expiresAt)} the link stops working, so download what you would like to keep before then.`,
    ],
    ...(url ? { action: { label: 'Open your photos', url } } : {}),
    notes: [url ? 'Use the code from the earlier email, or the device you opened it on before.' : 'Open it with the link and the code from the earlier emails.'],
  });
}

function notifyPhotographer(deps: DeliveriesDeps, delivery: DeliveryRow, label: string, message: (details: DeliveryDetails) => { subject: string; text: string }): void {
  runInBackground(deps.logger, label, async () => {
    const emails = await studioNotificationEmails(deps, delivery.studio_id, delivery.created_by, 'deliveries');
    if (emails.length === 0) return;
    const details = await openDeliveryDetails(await studioSecrets(deps, delivery.studio_id), delivery.id, delivery.details_sealed);
    const link = `${deps.site.publicUrl}/deliveries/${delivery.id}`;
    const { subject, text } = message(details);
    for (const to of emails) await deps.mailer.send({ to, subject, text: `${text}\n\nSee its activity: ${link}` });
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
      `Someone entered wrong codes for “${details.title}” too many times, so it is locked until ${mailTime(lockedUntil)}.`,
      'If that was not your client, someone else has the link: send your client a new link and code (Resend), which also ends the lockout, or revoke the delivery.',
    ].join('\n'),
  }));
}
