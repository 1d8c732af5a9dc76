import type { Kysely } from 'kysely';
import { GENESIS_HASH, entryHash } from '../../audit/chain-hash.ts';
import { sqlIn } from './check-constraints.ts';

// The audit log becomes a hash chain (docs/security/audit-chain.md): every entry gets a
// sequence number, the hash of the entry before it and its own hash; one row holds the chain's
// head, which appends lock; seals and pruning checkpoints are HMACs of a head. Entries written
// before this migration are chained here, oldest first. Alerts raised from the audit log and
// the position up to which the log was scanned for them live beside it.

export const alertStatuses = ['open', 'acknowledged'] as const;
export const sealKinds = ['seal', 'checkpoint'] as const;

/** The tables as this migration sees them (a migration never uses tables.ts, which moves on). */
interface MigrationTables {
  audit_events: {
    id: string;
    at: number;
    action: string;
    actor_user_id: string | null;
    subject_user_id: string | null;
    ip: string | null;
    user_agent: string | null;
    details: string;
    seq: number | null;
    studio_id: string | null;
    prev_hash: string | null;
    entry_hash: string | null;
  };
  audit_chain_head: { id: string; seq: number; entry_hash: string };
  alert_scan_cursor: { id: string; seq: number };
}

function studioIdOf(details: string): string | null {
  const parsed = JSON.parse(details) as { studioId?: unknown };
  return typeof parsed.studioId === 'string' ? parsed.studioId : null;
}

async function chainExistingEvents(db: Kysely<MigrationTables>): Promise<{ seq: number; hash: string }> {
  const rows = await db.selectFrom('audit_events').selectAll().orderBy('at').orderBy('id').execute();
  let prevHash = GENESIS_HASH;
  let seq = 0;
  for (const row of rows) {
    seq += 1;
    const studioId = studioIdOf(row.details);
    const hash = entryHash({
      seq,
      id: row.id,
      at: Number(row.at),
      action: row.action,
      actorUserId: row.actor_user_id,
      subjectUserId: row.subject_user_id,
      studioId,
      ip: row.ip,
      userAgent: row.user_agent,
      details: row.details,
      prevHash,
    });
    await db.updateTable('audit_events').set({ seq, studio_id: studioId, prev_hash: prevHash, entry_hash: hash }).where('id', '=', row.id).execute();
    prevHash = hash;
  }
  return { seq, hash: prevHash };
}

export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<MigrationTables>;
  for (const [column, type] of [
    ['seq', 'bigint'],
    ['studio_id', 'text'],
    ['prev_hash', 'text'],
    ['entry_hash', 'text'],
  ] as const) {
    await db.schema.alterTable('audit_events').addColumn(column, type).execute();
  }
  const head = await chainExistingEvents(db);
  await db.schema.createIndex('audit_events_seq').unique().on('audit_events').column('seq').execute();
  await db.schema.createIndex('audit_events_studio').on('audit_events').columns(['studio_id', 'at']).execute();
  await db.schema.createIndex('audit_events_action').on('audit_events').columns(['action', 'at']).execute();

  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('entry_hash', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('audit_chain_head').values({ id: 'audit', seq: head.seq, entry_hash: head.hash }).execute();

  await db.schema
    .createTable('audit_seals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', sealKinds)))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('entry_hash', 'text', (c) => c.notNull())
    .addColumn('sealed_at', 'bigint', (c) => c.notNull())
    .addColumn('key_version', 'text', (c) => c.notNull())
    .addColumn('mac', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_seals_kind_seq').on('audit_seals').columns(['kind', 'seq']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('studio_id', 'text')
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('first_seq', 'bigint', (c) => c.notNull())
    .addColumn('raised_at', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', alertStatuses)))
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('acknowledged_by', 'text')
    .addColumn('emailed_at', 'bigint')
    .execute();
  await db.schema.createIndex('alerts_raised').on('alerts').column('raised_at').execute();
  await db.schema.createIndex('alerts_rule_subject').on('alerts').columns(['rule', 'subject', 'raised_at']).execute();

  await db.schema
    .createTable('alert_scan_cursor')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('alert_scan_cursor').values({ id: 'alerts', seq: head.seq }).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['alert_scan_cursor', 'alerts', 'audit_seals', 'audit_chain_head']) await db.schema.dropTable(table).execute();
  for (const index of ['audit_events_action', 'audit_events_studio', 'audit_events_seq']) await db.schema.dropIndex(index).execute();
  for (const column of ['entry_hash', 'prev_hash', 'studio_id', 'seq']) await db.schema.alterTable('audit_events').dropColumn(column).execute();
}
