import type { Kysely } from 'kysely';
import { sqlIn } from './check-constraints.ts';

// Public portfolios (docs/portfolio.md): a photographer's profile, ordered collections of
// published photos (a published photo names a vault file; nothing is copied), the studio's
// website tokens (only their hashes), and analytics kept without cookies, addresses or user
// agents: daily counters, and for 48 hours the day's salted visitor hashes, then only a count.

export const analyticsKinds = ['impression', 'view', 'click', 'download', 'page_view'] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portfolios')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('bio', 'text', (c) => c.notNull())
    .addColumn('avatar_file_id', 'text', (c) => c.references('vault_files.id').onDelete('set null'))
    .addColumn('contact_url', 'text')
    // JSON array of { label, url }.
    .addColumn('social_links', 'text', (c) => c.notNull())
    .addColumn('hide_from_search', 'integer', (c) => c.notNull())
    .addColumn('custom_domain', 'text', (c) => c.unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('portfolios_studio').on('portfolios').column('studio_id').execute();

  await db.schema
    .createTable('portfolio_collections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('slug', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // A published photo of this collection (portfolio_photos.id), or null: the first one.
    .addColumn('cover_photo_id', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('portfolio_collections_slug', ['portfolio_id', 'slug'])
    .execute();

  // The id is the photo's public id (128 random bits): URLs never carry the vault file id.
  await db.schema
    .createTable('portfolio_photos')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('collection_id', 'text', (c) => c.notNull().references('portfolio_collections.id').onDelete('cascade'))
    .addColumn('file_id', 'text', (c) => c.notNull().references('vault_files.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('alt', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('published_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('portfolio_photos_file', ['collection_id', 'file_id'])
    .execute();
  await db.schema.createIndex('portfolio_photos_collection').on('portfolio_photos').columns(['collection_id', 'position']).execute();
  await db.schema.createIndex('portfolio_photos_portfolio').on('portfolio_photos').column('portfolio_id').execute();

  await db.schema
    .createTable('portfolio_site_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // JSON array of origins (https://www.example.com) allowed by CORS.
    .addColumn('origins', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // Set by a rotation (the overlap's end) or never.
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .addColumn('last_used_at', 'bigint')
    .execute();
  await db.schema.createIndex('portfolio_site_tokens_studio').on('portfolio_site_tokens').column('studio_id').execute();

  // Counters per portfolio, UTC day, event kind and what it was about ('' when nothing).
  await db.schema
    .createTable('portfolio_daily_counts')
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', analyticsKinds)))
    .addColumn('photo_id', 'text', (c) => c.notNull())
    .addColumn('collection_id', 'text', (c) => c.notNull())
    .addColumn('referrer', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_daily_counts_pk', ['portfolio_id', 'day', 'kind', 'photo_id', 'collection_id', 'referrer'])
    .execute();

  // A visitor of the day: HMAC(the day's salt, address + agent + portfolio), kept 48 hours at most.
  await db.schema
    .createTable('portfolio_visitors')
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('visitor_hash', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_visitors_pk', ['portfolio_id', 'day', 'visitor_hash'])
    .execute();

  await db.schema
    .createTable('portfolio_daily_uniques')
    .addColumn('studio_id', 'text', (c) => c.notNull().references('studios.id').onDelete('cascade'))
    .addColumn('portfolio_id', 'text', (c) => c.notNull().references('portfolios.id').onDelete('cascade'))
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('visitors', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_daily_uniques_pk', ['portfolio_id', 'day'])
    .execute();

  // The day's random salt, deleted once the day is over.
  await db.schema
    .createTable('portfolio_salts')
    .addColumn('day', 'integer', (c) => c.primaryKey())
    .addColumn('salt', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['portfolio_salts', 'portfolio_daily_uniques', 'portfolio_visitors', 'portfolio_daily_counts', 'portfolio_site_tokens', 'portfolio_photos', 'portfolio_collections', 'portfolios']) {
    await db.schema.dropTable(table).execute();
  }
}
