import { type Kysely, sql } from 'kysely';
import { sqlIn } from './check-constraints.ts';

// The client gallery (docs/deliveries.md, "The gallery"): sets inside a delivery (their names
// sealed like the delivery's details), each delivered file in at most one set, a cover photo
// and a watermark per delivery, and the events of a live delivery's edits. SQLite cannot
// change a CHECK constraint in place, so delivery_events is rebuilt (on both databases alike)
// with the longer list of kinds.

const earlierEventKinds = ['created', 'opened', 'code_failed', 'locked', 'file_downloaded', 'zip_downloaded', 'updated', 'revoked', 'code_regenerated', 'resent'] as const;

export const galleryEventKinds = ['file_added', 'file_removed', 'reordered', 'sets_changed'] as const;

async function createEventsTable(db: Kysely<unknown>, name: string, kinds: readonly string[]): Promise<void> {
  await db.schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', kinds)))
    .addColumn('file_id', 'text')
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
}

async function rebuildEvents(db: Kysely<unknown>, kinds: readonly string[]): Promise<void> {
  await createEventsTable(db, 'delivery_events_rebuilt', kinds);
  await sql`insert into delivery_events_rebuilt (id, delivery_id, kind, file_id, at, ip, user_agent)
    select id, delivery_id, kind, file_id, at, ip, user_agent from delivery_events where kind in (${sql.join(kinds.map((kind) => sql.lit(kind)))})`.execute(db);
  await db.schema.dropTable('delivery_events').execute();
  await db.schema.alterTable('delivery_events_rebuilt').renameTo('delivery_events').execute();
  await db.schema.createIndex('delivery_events_delivery_at').on('delivery_events').columns(['delivery_id', 'at']).execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('delivery_sets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('deliveries.id').onDelete('cascade'))
    .addColumn('name_sealed', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('delivery_sets_delivery').on('delivery_sets').column('delivery_id').execute();
  // Deleting a set keeps its files in the delivery, in no set.
  await db.schema.alterTable('delivery_files').addColumn('set_id', 'text', (c) => c.references('delivery_sets.id').onDelete('set null')).execute();
  await db.schema.alterTable('deliveries').addColumn('cover_file_id', 'text').execute();
  // JSON { text, position, opacity }: drawn on the client's previews and web-size downloads.
  await db.schema.alterTable('deliveries').addColumn('watermark_json', 'text').execute();
  await rebuildEvents(db, [...earlierEventKinds, ...galleryEventKinds]);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await rebuildEvents(db, earlierEventKinds);
  await db.schema.alterTable('deliveries').dropColumn('watermark_json').execute();
  await db.schema.alterTable('deliveries').dropColumn('cover_file_id').execute();
  await db.schema.alterTable('delivery_files').dropColumn('set_id').execute();
  await db.schema.dropTable('delivery_sets').execute();
}
