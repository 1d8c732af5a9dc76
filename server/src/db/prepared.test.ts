import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseKinds, openFreshDatabase } from '../../test/harness.ts';
import { migrateToLatest } from './migrate.ts';
import { preparedQuery } from './prepared.ts';

describe.each(databaseKinds())('a prepared query on %s', (kind) => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => cleanup?.());

  it('is compiled once and runs with each call’s arguments as parameters', async () => {
    const fresh = await openFreshDatabase(kind);
    cleanup = fresh.cleanup;
    await migrateToLatest(fresh.database);
    const { db } = fresh.database;
    await db.insertInto('studios').values([{ id: 's1', name: 'One', created_at: 1, suspended_at: null }, { id: "s2' OR '1'='1", name: 'Two', created_at: 2, suspended_at: 5 }]).execute();
    let built = 0;
    const byId = preparedQuery((handle, id: string, name: string) => {
      built += 1;
      return handle.selectFrom('studios').select(['id', 'suspended_at']).where('id', '=', id).where('name', '=', name);
    });
    expect(await byId(db, 's1', 'One')).toEqual([{ id: 's1', suspended_at: null }]);
    expect((await byId(db, "s2' OR '1'='1", 'Two')).map((row) => [row.id, Number(row.suspended_at)])).toEqual([["s2' OR '1'='1", 5]]);
    expect(await byId(db, 's1', 'Two')).toEqual([]);
    expect(built).toBe(1);
  });

  it('refuses a query where an argument is not one parameter of its own', async () => {
    const fresh = await openFreshDatabase(kind);
    cleanup = fresh.cleanup;
    await migrateToLatest(fresh.database);
    const { db } = fresh.database;
    const twice = preparedQuery((handle, id: string) => handle.selectFrom('studios').select('id').where('id', '=', id).where('name', '=', id));
    await expect(twice(db, 's1')).rejects.toThrow('one parameter');
    const inlined = preparedQuery((handle, id: string) => handle.selectFrom('studios').select('id').where('id', '=', sql.lit(id)));
    await expect(inlined(db, 's1')).rejects.toThrow('one parameter');
    const unused = preparedQuery((handle, id: string) => handle.selectFrom('studios').select('id').where('name', '=', id.slice(1)));
    await expect(unused(db, 's1')).rejects.toThrow('one parameter');
  });
});
