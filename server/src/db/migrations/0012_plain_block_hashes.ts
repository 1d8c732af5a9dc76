import type { Kysely } from 'kysely';

// Per-block SHA-256 of originals stored unencrypted (a studio with encryption off), so that a
// range of one is verified by reading the blocks that cover it, not the whole file. Sealed
// like the whole file's SHA-256 in the metadata. A table of its own, so that listing files
// never reads it. See docs/vault.md, "Downloads and integrity".

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vault_plain_blocks')
    .addColumn('file_id', 'text', (c) => c.primaryKey().references('vault_files.id').onDelete('cascade'))
    .addColumn('hashes_sealed', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('vault_plain_blocks').execute();
}
