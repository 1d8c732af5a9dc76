import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { activeAdminEmails } from '../auth/users.ts';
import { generateId } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import { runInBackground } from '../jobs/background.ts';
import { studioName } from '../studios/service.ts';
import type { DeliveriesDeps } from './deps.ts';
import {
  claimMailAlert,
  countDeliveryResends,
  countNewRecipients,
  countStudioEmails,
  deleteMailSend,
  insertMailSend,
  pruneMailSends,
} from './mail-repo.ts';

/**
 * What a studio may email through its deliveries, so a photographer's account cannot be used
 * as a spam relay (a subject and body of their choosing to any address): emails per hour and
 * per day, addresses never mailed before per day, and resends per delivery per day
 * (MAIL_* in the README). The counts live in the database, so a restart or a second instance
 * changes nothing. A send is written first and checked after, so parallel requests cannot
 * both slip under a limit (at worst both are refused); a refused send is taken back, so
 * refusals do not spend the budget. The first refusal in a window is audited
 * (`mail.studio_limit_reached`) and emailed to the admins; later ones in that window are not.
 */

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;
/** How long a recipient counts as known: longer than every window. */
const KNOWN_RECIPIENT_MS = 30 * DAY_MS;

export type MailSendReason = 'created' | 'resent' | 'code_sent';

type MailRule = 'emailsPerHour' | 'emailsPerDay' | 'newRecipientsPerDay' | 'resendsPerDeliveryPerDay';

interface Refusal {
  rule: MailRule;
  ceiling: number;
  windowMs: number;
  message: string;
}

export interface PlannedMail {
  deliveryId: string;
  reason: MailSendReason;
  recipients: readonly string[];
  /** Messages each recipient gets in this send: 2 for the link and the code, 1 for a code. */
  emailsPerRecipient: number;
}

/** Where a recipient is counted: a peppered HMAC scoped to the studio, never the address. */
async function recipientDigest(deps: DeliveriesDeps, studioId: string, email: string): Promise<string> {
  return (await deps.pepper.hash(email, `mail-recipient:${studioId}`)).digest;
}

async function firstRefusal(deps: DeliveriesDeps, studioId: string, mail: PlannedMail, now: number): Promise<Refusal | undefined> {
  const limits = deps.site.deliveries.mailLimits;
  if (mail.reason !== 'created') {
    const resends = await countDeliveryResends(deps.db, studioId, mail.deliveryId, now - DAY_MS);
    if (resends > limits.resendsPerDeliveryPerDay) {
      return {
        rule: 'resendsPerDeliveryPerDay',
        ceiling: limits.resendsPerDeliveryPerDay,
        windowMs: DAY_MS,
        message: `This delivery was sent again ${limits.resendsPerDeliveryPerDay} times in the last 24 hours, the most allowed. Try again tomorrow, or give your client the link and code yourself.`,
      };
    }
  }
  if ((await countStudioEmails(deps.db, studioId, now - HOUR_MS)) > limits.emailsPerHour) {
    return { rule: 'emailsPerHour', ceiling: limits.emailsPerHour, windowMs: HOUR_MS, message: `Your studio may send at most ${limits.emailsPerHour} delivery emails an hour. Try again later.` };
  }
  if ((await countStudioEmails(deps.db, studioId, now - DAY_MS)) > limits.emailsPerDay) {
    return { rule: 'emailsPerDay', ceiling: limits.emailsPerDay, windowMs: DAY_MS, message: `Your studio may send at most ${limits.emailsPerDay} delivery emails a day. Try again tomorrow.` };
  }
  if ((await countNewRecipients(deps.db, studioId, now - DAY_MS)) > limits.newRecipientsPerDay) {
    return {
      rule: 'newRecipientsPerDay',
      ceiling: limits.newRecipientsPerDay,
      windowMs: DAY_MS,
      message: `Your studio may email at most ${limits.newRecipientsPerDay} new addresses a day. Try again tomorrow.`,
    };
  }
  return undefined;
}

async function alertOnce(deps: DeliveriesDeps, actor: StudioActor, mail: PlannedMail, refusal: Refusal, now: number): Promise<void> {
  const windowStart = Math.floor(now / refusal.windowMs) * refusal.windowMs;
  if (!(await claimMailAlert(deps.db, { studioId: actor.studioId, rule: refusal.rule, windowStart, at: now }))) return;
  await recordAudit(
    deps.db,
    {
      action: 'mail.studio_limit_reached',
      ...auditContext(actor),
      details: { studioId: actor.studioId, deliveryId: mail.deliveryId, limit: refusal.rule, ceiling: refusal.ceiling },
    },
    now,
  );
  runInBackground(deps.logger, 'mail-limit-alert', async () => {
    const studio = (await studioName(deps, actor.studioId)) ?? actor.studioId;
    const text = [
      `The studio “${studio}” (id ${actor.studioId}) reached its delivery mail limit “${refusal.rule}” (${refusal.ceiling}); further emails are refused until the window passes.`,
      'If this is not the studio’s usual business, its account may be sending spam: look at its deliveries and disable the account if needed.',
    ].join('\n');
    for (const to of await activeAdminEmails(deps)) await deps.mailer.send({ to, subject: 'A studio reached its delivery mail limit', text });
  });
}

/**
 * Counts this send against the studio's limits before anything is sent; throws 429
 * `mail_limit_reached` (with Retry-After) and sends nothing when one is reached.
 */
export async function reserveDeliveryMail(deps: DeliveriesDeps, actor: StudioActor, mail: PlannedMail): Promise<void> {
  if (mail.recipients.length === 0) return;
  const now = deps.now();
  const sendId = generateId();
  await pruneMailSends(deps.db, actor.studioId, now - KNOWN_RECIPIENT_MS);
  const recipients = await Promise.all(
    mail.recipients.map(async (email) => ({ digest: await recipientDigest(deps, actor.studioId, email), emails: mail.emailsPerRecipient })),
  );
  await insertMailSend(deps.db, { sendId, studioId: actor.studioId, deliveryId: mail.deliveryId, reason: mail.reason, recipients, at: now });
  const refusal = await firstRefusal(deps, actor.studioId, mail, now);
  if (!refusal) return;
  await deleteMailSend(deps.db, actor.studioId, sendId);
  await alertOnce(deps, actor, mail, refusal, now);
  throw new AppError('mail_limit_reached', refusal.message, 429, { headers: { 'retry-after': String(refusal.windowMs / 1000) } });
}
