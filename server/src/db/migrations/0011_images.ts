import type { Kysely } from 'kysely';

// The image service (docs/imaging.md): a studio's projects, their API keys (the signing secret
// sealed, the previous one kept sealed through a rotation's grace period), the vault files
// published for the web under an opaque public id, and usage counted per key and minute.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('image_projects')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // JSON arrays of host patterns (images/allowlists.ts).
    .addColumn('referers', 'text', (c) => c.notNull())
    .addColumn('sources', 'text', (c) => c.notNull())
    .addColumn('require_expiry', 'integer', (c) => c.notNull())
    .addColumn('max_lifetime_seconds', 'bigint')
    .addColumn('allow_original', 'integer', (c) => c.notNull())
    // imgproxy-format signing: hex key and salt, sealed; null when the format is off.
    .addColumn('imgproxy_key_sealed', 'text')
    .addColumn('imgproxy_salt_sealed', 'text')
    .addColumn('imgproxy_signature_size', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('image_projects_studio_slug', ['studio_id', 'slug'])
    .execute();
  await db.schema.createIndex('image_projects_slug').on('image_projects').column('slug').execute();

  await db.schema
    .createTable('image_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('image_projects.id').onDelete('cascade'))
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('previous_secret_sealed', 'text')
    .addColumn('previous_valid_until', 'bigint')
    // JSON arrays narrowing the project's lists, or null to inherit them.
    .addColumn('referers', 'text')
    .addColumn('sources', 'text')
    .addColumn('per_minute', 'integer', (c) => c.notNull())
    .addColumn('per_day', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('rotated_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('image_keys_project').on('image_keys').columns(['project_id', 'created_at']).execute();

  // Purging a file from the vault unpublishes it.
  await db.schema
    .createTable('image_web_files')
    .addColumn('file_id', 'text', (c) => c.primaryKey().references('vault_files.id').onDelete('cascade'))
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('public_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // One row per project, key ('' for imgproxy-format requests, which carry no key) and minute.
  await db.schema
    .createTable('image_usage')
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('project_id', 'text', (c) => c.notNull().references('image_projects.id').onDelete('cascade'))
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('minute', 'bigint', (c) => c.notNull())
    .addColumn('requests', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('cache_hits', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refused_signature', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refused_expired', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refused_referer', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refused_source', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('refused_rate_limit', 'bigint', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('image_usage_pk', ['project_id', 'key_id', 'minute'])
    .execute();
  await db.schema.createIndex('image_usage_project_minute').on('image_usage').columns(['project_id', 'minute']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('image_usage').execute();
  await db.schema.dropTable('image_web_files').execute();
  await db.schema.dropTable('image_keys').execute();
  await db.schema.dropTable('image_projects').execute();
}
