import type { Kysely } from 'kysely';

// Blobs written before any row names them — a file's new thumbnail and preview, between their
// writes and the update that makes them the file's — recorded first, so that a process killed
// in between leaves a row the purge finds (and deletes the blob of) instead of an orphan in the
// bucket. See docs/vault.md and docs/operations.md, "Several instances".

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vault_pending_blobs')
    .addColumn('blob_key', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vault_pending_blobs_created_at').on('vault_pending_blobs').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('vault_pending_blobs').execute();
}
