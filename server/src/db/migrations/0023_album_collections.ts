import { type Kysely, sql } from 'kysely';

// Albums become collections (issue 16): a file may be in several albums, so membership moves
// from vault_files.album_id to vault_album_files, one row per (album, file). Every file that was
// in an album stays in it (added when it was uploaded). Deleting an album or a file deletes its
// memberships, never the other side.
// vault_files gains an index on (studio_id, size): duplicate detection on upload looks at the
// studio's files of the new file's exact size only, then compares their sealed SHA-256 (docs/vault.md).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vault_album_files')
    .addColumn('album_id', 'text', (c) => c.notNull().references('vault_albums.id').onDelete('cascade'))
    .addColumn('file_id', 'text', (c) => c.notNull().references('vault_files.id').onDelete('cascade'))
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('vault_album_files_pk', ['album_id', 'file_id'])
    .execute();
  await db.schema.createIndex('vault_album_files_file').on('vault_album_files').column('file_id').execute();
  await sql`INSERT INTO vault_album_files (album_id, file_id, added_at) SELECT album_id, id, uploaded_at FROM vault_files WHERE album_id IS NOT NULL`.execute(db);
  await db.schema.dropIndex('vault_files_album').execute();
  await db.schema.alterTable('vault_files').dropColumn('album_id').execute();
  await db.schema.createIndex('vault_files_studio_size').on('vault_files').columns(['studio_id', 'size']).execute();
}

/** Back to one album a file: each file keeps the album it joined first. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('vault_files_studio_size').execute();
  await db.schema.alterTable('vault_files').addColumn('album_id', 'text', (c) => c.references('vault_albums.id').onDelete('set null')).execute();
  await sql`UPDATE vault_files SET album_id = (SELECT m.album_id FROM vault_album_files m WHERE m.file_id = vault_files.id ORDER BY m.added_at, m.album_id LIMIT 1)`.execute(db);
  await db.schema.createIndex('vault_files_album').on('vault_files').columns(['album_id', 'uploaded_at']).execute();
  await db.schema.dropTable('vault_album_files').execute();
}
