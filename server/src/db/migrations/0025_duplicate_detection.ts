import type { Kysely } from 'kysely';
import { sqlIn } from './check-constraints.ts';

// Duplicate detection on upload (docs/vault.md, "Duplicates"). vault_files.content_digest is a
// blind index of the original's SHA-256 — HMAC-SHA-256 under a key derived from the studio's
// data key (crypto/secret-fields.ts, blindIndex) — never the SHA-256 itself, which stays sealed
// in metadata_sealed: the database alone cannot confirm what a file holds, only that two files
// of one studio hold the same. Null until set: new uploads set it, existing files get it from
// the vault's backfill job (vault/content-digests.ts), since the key is not in the database.
// It replaces the (studio_id, size) index of 0023, which nothing reads.
// A resumable upload keeps what its client asked for a duplicate (Upload-Metadata `onDuplicate`)
// and, once complete, which file it duplicated, so a client that lost the final answer hears it again.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('vault_files').addColumn('content_digest', 'text').execute();
  await db.schema.createIndex('vault_files_studio_content').on('vault_files').columns(['studio_id', 'content_digest']).execute();
  await db.schema.dropIndex('vault_files_studio_size').execute();
  await db.schema
    .alterTable('vault_resumable_uploads')
    .addColumn('on_duplicate', 'text', (c) => c.notNull().defaultTo('keep').check(sqlIn('on_duplicate', ['keep', 'skip'])))
    .execute();
  await db.schema.alterTable('vault_resumable_uploads').addColumn('duplicate_of', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('vault_resumable_uploads').dropColumn('duplicate_of').execute();
  await db.schema.alterTable('vault_resumable_uploads').dropColumn('on_duplicate').execute();
  await db.schema.createIndex('vault_files_studio_size').on('vault_files').columns(['studio_id', 'size']).execute();
  await db.schema.dropIndex('vault_files_studio_content').execute();
  await db.schema.alterTable('vault_files').dropColumn('content_digest').execute();
}
