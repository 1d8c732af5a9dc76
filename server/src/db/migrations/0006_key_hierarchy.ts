import type { Kysely } from 'kysely';
import { sqlIn } from './check-constraints.ts';

// The key hierarchy after key separation (docs/security/crypto.md):
// - studio_keys.wrap_format: how a data key is wrapped (crypto/master-keys.ts wrapFormats).
//   Every key stored before this migration was wrapped directly under the raw master key (1).
// - key_peppers: the HMAC keys of peppered code hashes, random (or, for hashes made before
//   this migration, the pepper value they were made with) and stored wrapped by a master key,
//   so `keys rotate` rewraps them and old master versions can be retired (keys/peppers.ts).
// - key_version_usage: per master key version, whether anything may still need it, so the
//   start-up check reads a few rows instead of every sealed value (keys/version-usage.ts).

export const pepperOrigins = ['random', 'derived-v1'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('studio_keys').addColumn('wrap_format', 'integer', (c) => c.notNull().defaultTo(1)).execute();

  await db.schema
    .createTable('key_peppers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('origin', 'text', (c) => c.notNull().check(sqlIn('origin', pepperOrigins)))
    .addColumn('key_version', 'text', (c) => c.notNull())
    .addColumn('wrap_format', 'integer', (c) => c.notNull())
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('rewrapped_at', 'bigint')
    .execute();

  await db.schema
    .createTable('key_version_usage')
    .addColumn('version', 'text', (c) => c.primaryKey())
    .addColumn('in_use', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('key_version_usage').execute();
  await db.schema.dropTable('key_peppers').execute();
  await db.schema.alterTable('studio_keys').dropColumn('wrap_format').execute();
}
