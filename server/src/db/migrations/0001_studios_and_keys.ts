import type { Kysely } from 'kysely';

// Migrations use only types that mean the same on SQLite and PostgreSQL: text, bigint
// (epoch milliseconds) and integer. Binary material is stored as base64 text.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('studios')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('studio_keys')
    .addColumn('studio_id', 'text', (column) => column.primaryKey().references('studios.id').onDelete('cascade'))
    .addColumn('key_version', 'text', (column) => column.notNull())
    .addColumn('wrapped_key', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('rewrapped_at', 'bigint')
    .execute();
  await db.schema.createIndex('studio_keys_key_version').on('studio_keys').column('key_version').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('studio_keys').execute();
  await db.schema.dropTable('studios').execute();
}
