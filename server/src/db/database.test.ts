import { type Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseKinds, openFreshDatabase } from '../../test/harness.ts';
import { migrateToLatest } from './migrate.ts';
import { down as albumsAsFolders, up as albumsAsCollections } from './migrations/0023_album_collections.ts';
import { down as withoutDuplicateDetection, up as withDuplicateDetection } from './migrations/0025_duplicate_detection.ts';

/** A file row as the schema before 0023 has it: with its one album. */
async function insertFile(db: Kysely<unknown>, id: string, albumId: string | null, uploadedAt: number): Promise<void> {
  await sql`INSERT INTO vault_files (id, studio_id, album_id, status, encrypted, blob_key, media_type, size, captured_day, uploaded_at)
    VALUES (${id}, 's1', ${albumId}, 'ready', 1, ${`blob-${id}`}, 'image/jpeg', 10, 0, ${uploadedAt})`.execute(db);
}

describe.each(databaseKinds())('database on %s', (kind) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => cleanup?.());

  it('migrates to the latest schema, idempotently', async () => {
    const fresh = await openFreshDatabase(kind);
    cleanup = fresh.cleanup;
    await migrateToLatest(fresh.database);
    expect(await migrateToLatest(fresh.database)).toEqual([]);
    await fresh.database.ping();
    const { db } = fresh.database;
    await db.insertInto('studios').values({ id: 's1', name: 'North Light', created_at: Date.now() }).execute();
    const row = await db.selectFrom('studios').selectAll().where('id', '=', 's1').executeTakeFirstOrThrow();
    expect(row.name).toBe('North Light');
    expect(typeof row.created_at).toBe('number');
  });

  it('answers the same query again and again, and after the schema changed', async () => {
    const fresh = await openFreshDatabase(kind);
    cleanup = fresh.cleanup;
    await migrateToLatest(fresh.database);
    const { db } = fresh.database;
    for (const id of ['s1', 's2', 's3']) await db.insertInto('studios').values({ id, name: `Studio ${id}`, created_at: Date.now() }).execute();
    const names = () => db.selectFrom('studios').select('name').orderBy('id').execute();
    for (let round = 0; round < 3; round++) expect((await names()).length).toBe(3);
    await db.deleteFrom('studios').where('id', '=', 's2').execute();
    expect((await names()).length).toBe(2);
    // A kept statement is prepared again by SQLite when the schema under it changes.
    await sql`alter table studios add column note text`.execute(db);
    expect(await names()).toEqual([{ name: 'Studio s1' }, { name: 'Studio s3' }]);
  });

  it('enforces foreign keys', async () => {
    const fresh = await openFreshDatabase(kind);
    cleanup = fresh.cleanup;
    await migrateToLatest(fresh.database);
    await expect(
      fresh.database.db
        .insertInto('studio_keys')
        .values({ studio_id: 'missing', key_version: 'v1', wrapped_key: 'x', created_at: 1, rewrapped_at: null })
        .execute(),
    ).rejects.toThrow();
  });

  it.runIf(kind === 'sqlite')('runs SQLite in WAL mode with a busy timeout', async () => {
    const fresh = await openFreshDatabase(kind);
    cleanup = fresh.cleanup;
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(fresh.database.db);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
    const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(fresh.database.db);
    expect(timeout.rows[0]?.timeout).toBe(5000);
  });

  it('carries each file’s album over to album memberships (migration 0023), and back to the first one', async () => {
    const fresh = await openFreshDatabase(kind);
    cleanup = fresh.cleanup;
    await migrateToLatest(fresh.database);
    const db = fresh.database.db as unknown as Kysely<unknown>;
    // Back to the schema 0023 started from: the later migration that replaced its index first.
    await withoutDuplicateDetection(db);
    await albumsAsFolders(db);
    await sql`INSERT INTO studios (id, name, created_at) VALUES ('s1', 'North Light', 1)`.execute(db);
    for (const album of ['a1', 'a2']) await sql`INSERT INTO vault_albums (id, studio_id, name_sealed, created_at, updated_at) VALUES (${album}, 's1', 'sealed', 1, 1)`.execute(db);
    await insertFile(db, 'f1', 'a1', 100);
    await insertFile(db, 'f2', 'a2', 200);
    await insertFile(db, 'f3', null, 300);

    await albumsAsCollections(db);
    const memberships = await sql<{ album_id: string; file_id: string; added_at: number }>`SELECT album_id, file_id, added_at FROM vault_album_files ORDER BY file_id`.execute(db);
    expect(memberships.rows.map((row) => [row.album_id, row.file_id, Number(row.added_at)])).toEqual([['a1', 'f1', 100], ['a2', 'f2', 200]]);
    await expect(sql`SELECT album_id FROM vault_files`.execute(db)).rejects.toThrow();

    // Back: a file in two albums keeps the one it joined first.
    await sql`INSERT INTO vault_album_files (album_id, file_id, added_at) VALUES ('a2', 'f1', 150)`.execute(db);
    await albumsAsFolders(db);
    const files = await sql<{ id: string; album_id: string | null }>`SELECT id, album_id FROM vault_files ORDER BY id`.execute(db);
    expect(files.rows).toEqual([{ id: 'f1', album_id: 'a1' }, { id: 'f2', album_id: 'a2' }, { id: 'f3', album_id: null }]);
    await albumsAsCollections(db);
    await withDuplicateDetection(db);
  });

  it('adds the blind index of files’ content and a resumable upload’s duplicate choice (migration 0025), and takes them away', async () => {
    const fresh = await openFreshDatabase(kind);
    cleanup = fresh.cleanup;
    await migrateToLatest(fresh.database);
    const db = fresh.database.db as unknown as Kysely<unknown>;
    await sql`INSERT INTO studios (id, name, created_at) VALUES ('s1', 'North Light', 1)`.execute(db);
    await sql`INSERT INTO users (id, email, role, created_at, updated_at) VALUES ('u1', 'ada@example.com', 'photographer', 1, 1)`.execute(db);
    const upload = (id: string, onDuplicate?: string) =>
      sql`INSERT INTO vault_resumable_uploads (id, studio_id, user_id, length, upload_offset, header, chunks, segments, created_at, expires_at${onDuplicate === undefined ? sql`` : sql`, on_duplicate`})
        VALUES (${id}, 's1', 'u1', 10, 0, 'h', 0, '[]', 1, 2${onDuplicate === undefined ? sql`` : sql`, ${onDuplicate}`})`.execute(db);
    await upload('r1');
    await upload('r2', 'skip');
    await expect(upload('r3', 'maybe')).rejects.toThrow();
    const choices = await sql<{ id: string; on_duplicate: string; duplicate_of: string | null }>`SELECT id, on_duplicate, duplicate_of FROM vault_resumable_uploads ORDER BY id`.execute(db);
    expect(choices.rows).toEqual([{ id: 'r1', on_duplicate: 'keep', duplicate_of: null }, { id: 'r2', on_duplicate: 'skip', duplicate_of: null }]);
    await sql`INSERT INTO vault_files (id, studio_id, status, encrypted, blob_key, media_type, size, captured_day, uploaded_at, content_digest)
      VALUES ('f1', 's1', 'ready', 1, 'blob-f1', 'image/jpeg', 10, 0, 1, 'digest')`.execute(db);

    await withoutDuplicateDetection(db);
    await expect(sql`SELECT content_digest FROM vault_files`.execute(db)).rejects.toThrow();
    await expect(sql`SELECT on_duplicate FROM vault_resumable_uploads`.execute(db)).rejects.toThrow();
    await withDuplicateDetection(db);
    const files = await sql<{ id: string; content_digest: string | null }>`SELECT id, content_digest FROM vault_files`.execute(db);
    expect(files.rows).toEqual([{ id: 'f1', content_digest: null }]);
  });
});
