import type { Kysely } from 'kysely';
import type { Tables } from '../db/tables.ts';

/** Queries on `key_version_usage` (keys/rotation.ts); nothing else touches the table. */

export async function listVersionUsage(db: Kysely<Tables>): Promise<Array<{ version: string; inUse: boolean }>> {
  const rows = await db.selectFrom('key_version_usage').select(['version', 'in_use']).orderBy('version').execute();
  return rows.map((row) => ({ version: row.version, inUse: row.in_use === 1 }));
}

export async function upsertVersionUsage(db: Kysely<Tables>, entry: { version: string; inUse: boolean; now: number }): Promise<void> {
  await db
    .insertInto('key_version_usage')
    .values({ version: entry.version, in_use: entry.inUse ? 1 : 0, updated_at: entry.now })
    .onConflict((conflict) => conflict.column('version').doUpdateSet({ in_use: entry.inUse ? 1 : 0, updated_at: entry.now }))
    .execute();
}
