import type { Kysely } from 'kysely';

// Issue 16, part B: what a studio shows its clients (name, logo, accent colour, contact
// details, signature), and access families can live with: a delivery's link and code kept
// sealed so the photographer can show them again, wrong codes counted per network (with the
// delivery's own counter as the global ceiling), and the expiry reminder sent once.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('studio_branding')
    .addColumn('studio_id', 'text', (c) => c.primaryKey().references('studios.id').onDelete('cascade'))
    // Sealed JSON under the studio's data key: name, accent colour, contact details, signature.
    .addColumn('details_sealed', 'text', (c) => c.notNull())
    // The logo as re-encoded by the imaging pool (PNG), sealed under the studio's data key.
    .addColumn('logo_sealed', 'text')
    // SHA-256 of the re-encoded logo: its ETag and the version in its URL.
    .addColumn('logo_sha256', 'text')
    .addColumn('logo_width', 'integer')
    .addColumn('logo_height', 'integer')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('deliveries').addColumn('access_sealed', 'text').execute();
  await db.schema.alterTable('deliveries').addColumn('reminder_sent_at', 'bigint').execute();
  await db.schema.createIndex('deliveries_reminder_due').on('deliveries').columns(['reminder_sent_at', 'expires_at']).execute();

  await db.schema
    .createTable('delivery_code_guards')
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    // SHA-256 of the delivery and the caller's network: never the address itself.
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('lockouts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_code_guards_pk', ['delivery_id', 'source_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('delivery_code_guards').execute();
  await db.schema.dropIndex('deliveries_reminder_due').execute();
  await db.schema.alterTable('deliveries').dropColumn('reminder_sent_at').execute();
  await db.schema.alterTable('deliveries').dropColumn('access_sealed').execute();
  await db.schema.dropTable('studio_branding').execute();
}
