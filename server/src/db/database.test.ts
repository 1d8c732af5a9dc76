import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseKinds, makeTempDir } from '../../test/harness.ts';
import { createPostgresTestDatabase } from '../../test/postgres.ts';
import { type Database, createDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';

async function openFresh(kind: 'sqlite' | 'postgres'): Promise<{ database: Database; cleanup(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = await makeTempDir('db');
    const database = createDatabase({ kind: 'sqlite', file: path.join(dir, 'test.sqlite') });
    return { database, cleanup: async () => { await database.close(); await fs.rm(dir, { recursive: true, force: true }); } };
  }
  const postgres = await createPostgresTestDatabase();
  const database = createDatabase({ kind: 'postgres', url: postgres.url });
  return { database, cleanup: async () => { await database.close(); await postgres.drop(); } };
}

describe.each(databaseKinds())('database on %s', (kind) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => cleanup?.());

  it('migrates to the latest schema, idempotently', async () => {
    const fresh = await openFresh(kind);
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
    const fresh = await openFresh(kind);
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
    const fresh = await openFresh(kind);
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
    const fresh = await openFresh(kind);
    cleanup = fresh.cleanup;
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(fresh.database.db);
    expect(mode.rows[0]?.journal_mode).toBe('wal');
    const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(fresh.database.db);
    expect(timeout.rows[0]?.timeout).toBe(5000);
  });
});
