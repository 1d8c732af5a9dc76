import type { Kysely } from 'kysely';
import { sqlIn } from './check-constraints.ts';

// The print-lab portal (docs/labs.md): labs with a readable lab ID and a PIN kept only as a
// peppered HMAC; which labs each studio may send to; lab sessions (token only as SHA-256);
// print orders with their lines and timeline. The shipping details are sealed in one column.
// Attempt counters and lockouts live on the lab's row so every instance shares them.

export const printOrderStatuses = ['draft', 'submitted', 'accepted', 'in_production', 'shipped', 'completed', 'rejected', 'cancelled'] as const;

export const printOrderEventKinds = [
  'created',
  'updated',
  'submitted',
  'accepted',
  'in_production',
  'shipped',
  'completed',
  'rejected',
  'cancelled',
  'opened',
  'file_downloaded',
  'zip_downloaded',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('labs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('contact_emails', 'text', (c) => c.notNull())
    .addColumn('catalogue', 'text', (c) => c.notNull())
    .addColumn('pin_digest', 'text', (c) => c.notNull())
    .addColumn('pin_key_version', 'text', (c) => c.notNull())
    .addColumn('pin_length', 'integer', (c) => c.notNull())
    .addColumn('pin_set_at', 'bigint', (c) => c.notNull())
    .addColumn('require_device_code', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled_at', 'bigint')
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    .addColumn('lockouts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('blocked_at', 'bigint')
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // The admin's choice per studio: the portal on or off, and the labs it may send to.
  await db.schema
    .createTable('lab_portal_studios')
    .addColumn('studio_id', 'text', (c) => c.primaryKey().references('studios.id').onDelete('cascade'))
    .addColumn('enabled_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('studio_labs')
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('lab_id', 'text', (c) => c.notNull().references('labs.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('studio_labs_pk', ['studio_id', 'lab_id'])
    .execute();
  await db.schema.createIndex('studio_labs_lab').on('studio_labs').column('lab_id').execute();

  await db.schema
    .createTable('lab_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('lab_id', 'text', (c) => c.notNull().references('labs.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lab_sessions_lab').on('lab_sessions').column('lab_id').execute();

  // Devices that confirmed a one-time code (when the admin requires it): a cookie's token, as SHA-256.
  await db.schema
    .createTable('lab_devices')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('lab_id', 'text', (c) => c.notNull().references('labs.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lab_devices_lab').on('lab_devices').column('lab_id').execute();

  // A one-time code sent to the lab's contacts for a new device, peppered like the PIN.
  await db.schema
    .createTable('lab_device_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('lab_id', 'text', (c) => c.notNull().references('labs.id').onDelete('cascade'))
    .addColumn('code_digest', 'text', (c) => c.notNull())
    .addColumn('code_key_version', 'text', (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema.createIndex('lab_device_codes_lab').on('lab_device_codes').columns(['lab_id', 'created_at']).execute();

  await db.schema
    .createTable('print_orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('lab_id', 'text', (c) => c.notNull().references('labs.id').onDelete('cascade'))
    .addColumn('created_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', printOrderStatuses)))
    .addColumn('details_sealed', 'text', (c) => c.notNull())
    .addColumn('due_date', 'text')
    .addColumn('carrier', 'text')
    .addColumn('tracking_number', 'text')
    .addColumn('reject_reason', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('submitted_at', 'bigint')
    .addColumn('closed_at', 'bigint')
    .execute();
  await db.schema.createIndex('print_orders_studio_created').on('print_orders').columns(['studio_id', 'created_at']).execute();
  await db.schema.createIndex('print_orders_lab_submitted').on('print_orders').columns(['lab_id', 'submitted_at']).execute();

  // Purging a file from the vault takes its lines out of every order.
  await db.schema
    .createTable('print_order_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('print_orders.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('file_id', 'text', (c) => c.notNull().references('vault_files.id').onDelete('cascade'))
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('finish', 'text')
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('crop', 'text')
    .addColumn('notes', 'text')
    .execute();
  await db.schema.createIndex('print_order_lines_order').on('print_order_lines').columns(['order_id', 'position']).execute();
  await db.schema.createIndex('print_order_lines_file').on('print_order_lines').column('file_id').execute();

  await db.schema
    .createTable('print_order_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull().references('print_orders.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', printOrderEventKinds)))
    .addColumn('by_lab', 'integer', (c) => c.notNull())
    // No foreign key: the event outlives a file purged from the vault.
    .addColumn('file_id', 'text')
    .addColumn('note', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text')
    .execute();
  await db.schema.createIndex('print_order_events_order_at').on('print_order_events').columns(['order_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['print_order_events', 'print_order_lines', 'print_orders', 'lab_device_codes', 'lab_devices', 'lab_sessions', 'studio_labs', 'lab_portal_studios', 'labs']) {
    await db.schema.dropTable(table).execute();
  }
}
