import { type Kysely, sql } from 'kysely';

// Hardening (issue 18, security review):
// - audit_seals gains a chain of its own: `chain_index` (1, 2, 3, … with no gaps) and
//   `prev_mac` (the previous seal's MAC, in the MAC of format-2 seals), so that removing a seal,
//   or every seal, shows (docs/security/audit-chain.md). Seals made before are numbered here in
//   the order they were made and keep format 1.
// - labs gain `last_failed_at` and `last_locked_at`: wrong PINs count within a window, and the
//   lockout history decays (labs/lockout.ts, docs/labs.md). A lab locked before is taken as
//   locked at the end of its last lockout.

interface MigrationTables {
  audit_seals: { id: string; kind: string; seq: number; sealed_at: number; chain_index: number | null; prev_mac: string | null; format: number };
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const typed = db as unknown as Kysely<MigrationTables>;
  await db.schema.alterTable('audit_seals').addColumn('chain_index', 'bigint').execute();
  await db.schema.alterTable('audit_seals').addColumn('prev_mac', 'text').execute();
  await db.schema.alterTable('audit_seals').addColumn('format', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  const seals = await typed.selectFrom('audit_seals').select(['id']).orderBy('sealed_at').orderBy('seq').orderBy('id').execute();
  let index = 0;
  for (const seal of seals) {
    index += 1;
    await typed.updateTable('audit_seals').set({ chain_index: index }).where('id', '=', seal.id).execute();
  }
  await db.schema.createIndex('audit_seals_chain_index').on('audit_seals').column('chain_index').unique().execute();

  await db.schema.alterTable('labs').addColumn('last_failed_at', 'bigint').execute();
  await db.schema.alterTable('labs').addColumn('last_locked_at', 'bigint').execute();
  await sql`UPDATE labs SET last_locked_at = locked_until WHERE locked_until IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['last_locked_at', 'last_failed_at']) await db.schema.alterTable('labs').dropColumn(column).execute();
  await db.schema.dropIndex('audit_seals_chain_index').execute();
  for (const column of ['format', 'prev_mac', 'chain_index']) await db.schema.alterTable('audit_seals').dropColumn(column).execute();
}
