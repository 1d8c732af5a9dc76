import type { Kysely } from 'kysely';
import { generateId } from '../crypto/tokens.ts';
import type { DeliveryMailSendsTable, Tables } from '../db/tables.ts';

/** The queries of the studios' mail limits (mail-limits.ts): the only code that touches the delivery_mail_* tables. */

export interface MailSend {
  sendId: string;
  studioId: string;
  deliveryId: string;
  reason: DeliveryMailSendsTable['reason'];
  recipients: ReadonlyArray<{ digest: string; emails: number }>;
  at: number;
}

export async function insertMailSend(db: Kysely<Tables>, send: MailSend): Promise<void> {
  if (send.recipients.length === 0) return;
  await db
    .insertInto('delivery_mail_sends')
    .values(
      send.recipients.map((recipient) => ({
        id: generateId(),
        send_id: send.sendId,
        studio_id: send.studioId,
        delivery_id: send.deliveryId,
        reason: send.reason,
        recipient_digest: recipient.digest,
        emails: recipient.emails,
        at: send.at,
      })),
    )
    .execute();
}

/** Takes back a send that a limit refused, so refused attempts do not spend the budget. */
export async function deleteMailSend(db: Kysely<Tables>, studioId: string, sendId: string): Promise<void> {
  await db.deleteFrom('delivery_mail_sends').where('studio_id', '=', studioId).where('send_id', '=', sendId).execute();
}

export async function pruneMailSends(db: Kysely<Tables>, studioId: string, before: number): Promise<void> {
  await db.deleteFrom('delivery_mail_sends').where('studio_id', '=', studioId).where('at', '<', before).execute();
}

/** The emails the studio sent since `since`. */
export async function countStudioEmails(db: Kysely<Tables>, studioId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('delivery_mail_sends')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('emails'), eb.lit(0)).as('emails'))
    .where('studio_id', '=', studioId)
    .where('at', '>=', since)
    .executeTakeFirst();
  return Number(row?.emails ?? 0);
}

/** Recipients the studio first mailed since `since` (within what is kept). */
export async function countNewRecipients(db: Kysely<Tables>, studioId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('delivery_mail_sends')
        .select('recipient_digest')
        .where('studio_id', '=', studioId)
        .groupBy('recipient_digest')
        .having((having) => having.fn.min('at'), '>=', since)
        .as('first_mailed'),
    )
    .select((eb) => eb.fn.countAll<number>().as('recipients'))
    .executeTakeFirst();
  return Number(row?.recipients ?? 0);
}

/** How many times this delivery was sent again (a resend, a new code emailed) since `since`. */
export async function countDeliveryResends(db: Kysely<Tables>, studioId: string, deliveryId: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('delivery_mail_sends')
    .select((eb) => eb.fn.count<number>('send_id').distinct().as('sends'))
    .where('studio_id', '=', studioId)
    .where('delivery_id', '=', deliveryId)
    .where('reason', '!=', 'created')
    .where('at', '>=', since)
    .executeTakeFirst();
  return Number(row?.sends ?? 0);
}

/** True for the one caller that records this alert: the admins hear of a limit once per window. */
export async function claimMailAlert(db: Kysely<Tables>, alert: { studioId: string; rule: string; windowStart: number; at: number }): Promise<boolean> {
  const result = await db
    .insertInto('delivery_mail_alerts')
    .values({ studio_id: alert.studioId, rule: alert.rule, window_start: alert.windowStart, at: alert.at })
    .onConflict((conflict) => conflict.columns(['studio_id', 'rule', 'window_start']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows) === 1;
}
