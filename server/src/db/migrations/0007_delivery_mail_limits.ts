import type { Kysely } from 'kysely';
import { sqlIn } from './check-constraints.ts';

// What the deliveries have emailed, counted in the database so the limits on a studio's mail
// (deliveries/mail-limits.ts) survive a restart and hold across instances. A recipient appears
// only as a peppered HMAC, scoped to the studio. Rows older than the longest window are pruned.
// The alert rows make "tell the admins" happen once per studio, limit and window.

export const mailSendReasons = ['created', 'resent', 'code_sent'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('delivery_mail_sends')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // One id per sending action (a new delivery, a resend, a new code sent).
    .addColumn('send_id', 'text', (c) => c.notNull())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    // No foreign key: the count outlives a deleted delivery, and is taken before a new one exists.
    .addColumn('delivery_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().check(sqlIn('reason', mailSendReasons)))
    .addColumn('recipient_digest', 'text', (c) => c.notNull())
    // How many messages this recipient got in this send (the link and the code travel apart).
    .addColumn('emails', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delivery_mail_sends_studio_at').on('delivery_mail_sends').columns(['studio_id', 'at']).execute();
  await db.schema.createIndex('delivery_mail_sends_delivery_at').on('delivery_mail_sends').columns(['delivery_id', 'at']).execute();

  await db.schema
    .createTable('delivery_mail_alerts')
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('window_start', 'bigint', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_mail_alerts_pk', ['studio_id', 'rule', 'window_start'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('delivery_mail_alerts').execute();
  await db.schema.dropTable('delivery_mail_sends').execute();
}
