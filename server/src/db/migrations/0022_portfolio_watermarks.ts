import type { Kysely } from 'kysely';

// A portfolio collection's visible watermark (docs/portfolio.md): JSON { text, position,
// opacity, logo? } drawn on every public rendition of the collection's photos; null: none.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('portfolio_collections').addColumn('watermark_json', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('portfolio_collections').dropColumn('watermark_json').execute();
}
