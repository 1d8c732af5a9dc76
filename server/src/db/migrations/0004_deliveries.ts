import type { Kysely } from 'kysely';
import { sqlIn } from './check-constraints.ts';

// Client deliveries: a link token and a code, stored only as hashes (SHA-256 for the 256-bit
// token, a peppered HMAC for the code); title, message and recipients sealed in one column.
// The attempt counter and lockout live on the row so every instance shares them.
// See docs/deliveries.md.

export const deliveryEventKinds = [
  'created',
  'opened',
  'code_failed',
  'locked',
  'file_downloaded',
  'zip_downloaded',
  'updated',
  'revoked',
  'code_regenerated',
  'resent',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('details_sealed', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('code_digest', 'text', (c) => c.notNull())
    .addColumn('code_key_version', 'text', (c) => c.notNull())
    .addColumn('allow_originals', 'integer', (c) => c.notNull())
    .addColumn('allow_zip', 'integer', (c) => c.notNull())
    .addColumn('download_limit', 'bigint')
    .addColumn('download_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('view_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('lockouts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('first_downloaded_at', 'bigint')
    .addColumn('last_activity_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('deliveries_studio_created').on('deliveries').columns(['studio_id', 'created_at']).execute();

  // Purging a file from the vault takes it out of every delivery.
  await db.schema
    .createTable('delivery_files')
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('file_id', 'text', (c) => c.notNull().references('vault_files.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_files_pk', ['delivery_id', 'file_id'])
    .execute();
  await db.schema.createIndex('delivery_files_file').on('delivery_files').column('file_id').execute();

  await db.schema
    .createTable('delivery_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delivery_sessions_delivery').on('delivery_sessions').column('delivery_id').execute();

  await db.schema
    .createTable('delivery_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', deliveryEventKinds)))
    // No foreign key: the event outlives a file purged from the vault.
    .addColumn('file_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('delivery_events_delivery_at').on('delivery_events').columns(['delivery_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('delivery_events').execute();
  await db.schema.dropTable('delivery_sessions').execute();
  await db.schema.dropTable('delivery_files').execute();
  await db.schema.dropTable('deliveries').execute();
}
