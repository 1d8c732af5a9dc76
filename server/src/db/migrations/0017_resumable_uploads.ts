import type { Kysely } from 'kysely';

// Resumable (tus) uploads in progress: vault/resumable.ts. The bytes received so far are in the
// blob store as chunk-encrypted segments under uploads/<studio>/<upload>/; this row says how far
// the upload got, holds the message header to go on sealing, and the partial trailing chunk
// (under 16 KiB) sealed on its own. Nothing here is plaintext content; the name is sealed.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vault_resumable_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('album_id', 'text', (c) => c.references('vault_albums.id').onDelete('set null'))
    .addColumn('name_sealed', 'text')
    .addColumn('length', 'bigint', (c) => c.notNull())
    .addColumn('upload_offset', 'bigint', (c) => c.notNull())
    .addColumn('header', 'text', (c) => c.notNull())
    .addColumn('chunks', 'bigint', (c) => c.notNull())
    .addColumn('segments', 'text', (c) => c.notNull())
    .addColumn('tail_sealed', 'text')
    .addColumn('lock_token', 'text')
    .addColumn('locked_until', 'bigint')
    .addColumn('file_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vault_resumable_uploads_studio').on('vault_resumable_uploads').columns(['studio_id', 'user_id']).execute();
  await db.schema.createIndex('vault_resumable_uploads_expires').on('vault_resumable_uploads').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('vault_resumable_uploads').execute();
}
