import type { Kysely } from 'kysely';
import { sqlIn } from './check-constraints.ts';

// Studio teams and client proofing (issue 17).
//
// Teams: a session remembers the studio its person acts in (`sessions.active_studio_id`, checked
// against `studio_members` on every request, so a removed member loses the studio at once);
// invitations are one-time links whose token is stored only as its SHA-256.
//
// Proofing: a delivery that allows it (`delivery_proofing`, with an optional limit on
// favourites) holds named lists of its clients; each list is written with its own token
// (stored as SHA-256); its name and the comments are sealed together on the list's row, the
// hearts are rows of their own. See docs/deliveries.md.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('active_studio_id', 'text').execute();

  await db.schema
    .createTable('studio_invitations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sqlIn('role', ['owner', 'editor', 'viewer'])))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('invited_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('accepted_by', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('studio_invitations_studio').on('studio_invitations').columns(['studio_id', 'created_at']).execute();

  await db.schema
    .createTable('delivery_proofing')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey().references('deliveries.id').onDelete('cascade'))
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('favourite_limit', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('delivery_proofing_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('details_sealed', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('submitted_at', 'bigint')
    .addUniqueConstraint('delivery_proofing_lists_name', ['delivery_id', 'name_key'])
    .execute();

  await db.schema
    .createTable('delivery_proofing_favourites')
    .addColumn('list_id', 'text', (c) => c.notNull().references('delivery_proofing_lists.id').onDelete('cascade'))
    .addColumn('file_id', 'text', (c) => c.notNull().references('vault_files.id').onDelete('cascade'))
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('delivery_proofing_favourites_pk', ['list_id', 'file_id'])
    .execute();
  await db.schema.createIndex('delivery_proofing_favourites_file').on('delivery_proofing_favourites').column('file_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('delivery_proofing_favourites').execute();
  await db.schema.dropTable('delivery_proofing_lists').execute();
  await db.schema.dropTable('delivery_proofing').execute();
  await db.schema.dropTable('studio_invitations').execute();
  await db.schema.alterTable('sessions').dropColumn('active_studio_id').execute();
}
