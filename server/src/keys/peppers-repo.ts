import type { Kysely } from 'kysely';
import type { KeyPeppersTable, Tables } from '../db/tables.ts';

/** Queries on `key_peppers` (keys/peppers.ts); nothing else touches the table. */

export interface StoredPepper {
  id: string;
  keyVersion: string;
  wrapFormat: number;
  wrappedKey: Buffer;
}

function storedPepper(row: Pick<KeyPeppersTable, 'id' | 'key_version' | 'wrap_format' | 'wrapped_key'>): StoredPepper {
  return { id: row.id, keyVersion: row.key_version, wrapFormat: row.wrap_format, wrappedKey: Buffer.from(row.wrapped_key, 'base64') };
}

export async function findPepper(db: Kysely<Tables>, id: string): Promise<StoredPepper | undefined> {
  const row = await db.selectFrom('key_peppers').select(['id', 'key_version', 'wrap_format', 'wrapped_key']).where('id', '=', id).executeTakeFirst();
  return row && storedPepper(row);
}

/** Peppers are a handful (one random one, plus one per master version that older releases derived one from). */
export async function listPeppers(db: Kysely<Tables>): Promise<StoredPepper[]> {
  const rows = await db.selectFrom('key_peppers').select(['id', 'key_version', 'wrap_format', 'wrapped_key']).orderBy('id').execute();
  return rows.map(storedPepper);
}

/** Inserts unless a pepper with this id exists: two instances starting at once keep the first one's. */
export async function insertPepperIfAbsent(db: Kysely<Tables>, pepper: StoredPepper & { origin: KeyPeppersTable['origin']; createdAt: number }): Promise<void> {
  await db
    .insertInto('key_peppers')
    .values({
      id: pepper.id,
      origin: pepper.origin,
      key_version: pepper.keyVersion,
      wrap_format: pepper.wrapFormat,
      wrapped_key: pepper.wrappedKey.toString('base64'),
      created_at: pepper.createdAt,
      rewrapped_at: null,
    })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .execute();
}

export async function countPeppersByVersion(db: Kysely<Tables>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('key_peppers')
    .select(['key_version', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('key_version')
    .execute();
  return new Map(rows.map((row) => [row.key_version, Number(row.count)]));
}

/** Compare-and-set, like studio keys: a rotation running beside another never overwrites newer state. */
export async function replacePepperWrap(db: Kysely<Tables>, previous: StoredPepper, next: StoredPepper & { rewrappedAt: number }): Promise<boolean> {
  const result = await db
    .updateTable('key_peppers')
    .set({ key_version: next.keyVersion, wrap_format: next.wrapFormat, wrapped_key: next.wrappedKey.toString('base64'), rewrapped_at: next.rewrappedAt })
    .where('id', '=', previous.id)
    .where('key_version', '=', previous.keyVersion)
    .where('wrapped_key', '=', previous.wrappedKey.toString('base64'))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
