import type { Kysely } from 'kysely';
import { sqlIn } from './check-constraints.ts';


// The encrypted vault (files, albums) and the durable job queue that makes their previews.
// Names and metadata are sealed (crypto/secret-fields.ts); only what sorting, quotas and
// serving need stays in clear — see docs/vault.md.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Per-studio settings an admin changes: encryption of new uploads, and the storage quota.
  await db.schema.alterTable('studios').addColumn('encryption_enabled', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('studios').addColumn('quota_bytes', 'bigint').execute();

  await db.schema
    .createTable('vault_albums')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('name_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vault_albums_studio').on('vault_albums').column('studio_id').execute();

  await db.schema
    .createTable('vault_files')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    // Deleting an album moves its files to "no album"; it never deletes files.
    .addColumn('album_id', 'text', (c) => c.references('vault_albums.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['uploading', 'processing', 'ready', 'failed', 'purging'])))
    .addColumn('failure_reason', 'text')
    .addColumn('encrypted', 'integer', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull().unique())
    .addColumn('thumbnail_key', 'text')
    .addColumn('preview_key', 'text')
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    // Null only while uploading: the rest of the metadata is known once the stream is checked.
    .addColumn('name_sealed', 'text')
    .addColumn('metadata_sealed', 'text')
    .addColumn('captured_day', 'bigint', (c) => c.notNull())
    .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema.createIndex('vault_files_studio_uploaded').on('vault_files').columns(['studio_id', 'uploaded_at', 'id']).execute();
  await db.schema.createIndex('vault_files_studio_captured').on('vault_files').columns(['studio_id', 'captured_day', 'uploaded_at', 'id']).execute();
  await db.schema.createIndex('vault_files_album').on('vault_files').columns(['album_id', 'uploaded_at']).execute();
  await db.schema.createIndex('vault_files_deleted').on('vault_files').column('deleted_at').execute();

  // A job is claimed by a compare-and-set UPDATE, so several instances never run it twice at
  // once. While running, run_after is the lease: a job whose runner died is taken up again.
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['pending', 'running', 'failed'])))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_after', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_after']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('jobs').execute();
  await db.schema.dropTable('vault_files').execute();
  await db.schema.dropTable('vault_albums').execute();
  await db.schema.alterTable('studios').dropColumn('quota_bytes').execute();
  await db.schema.alterTable('studios').dropColumn('encryption_enabled').execute();
}
