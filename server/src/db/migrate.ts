import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import type { Database } from './database.ts';

/**
 * A migration whose module is imported when it runs: an up-to-date database, which is every
 * start but the first after an upgrade, loads none of them (modules stay loaded for the
 * process's life; docs/performance.md).
 */
function onDemand(load: () => Promise<Migration>): Migration {
  return {
    up: async (db) => (await load()).up(db),
    down: async (db) => (await load()).down?.(db),
  };
}

/**
 * Every migration, in order. Listed explicitly (not read from a folder) so the set that runs
 * is exactly the set that was type-checked and reviewed. Names never change once released.
 */
const migrations: Record<string, Migration> = {
  '0001_studios_and_keys': onDemand(() => import('./migrations/0001_studios_and_keys.ts')),
  '0002_accounts': onDemand(() => import('./migrations/0002_accounts.ts')),
  '0003_vault': onDemand(() => import('./migrations/0003_vault.ts')),
  '0004_deliveries': onDemand(() => import('./migrations/0004_deliveries.ts')),
  '0005_account_security': onDemand(() => import('./migrations/0005_account_security.ts')),
  '0006_key_hierarchy': onDemand(() => import('./migrations/0006_key_hierarchy.ts')),
  '0007_delivery_mail_limits': onDemand(() => import('./migrations/0007_delivery_mail_limits.ts')),
  '0008_audit_chain_and_alerts': onDemand(() => import('./migrations/0008_audit_chain_and_alerts.ts')),
  '0009_labs': onDemand(() => import('./migrations/0009_labs.ts')),
  '0011_images': onDemand(() => import('./migrations/0011_images.ts')),
  '0012_plain_block_hashes': onDemand(() => import('./migrations/0012_plain_block_hashes.ts')),
  '0013_portfolio': onDemand(() => import('./migrations/0013_portfolio.ts')),
  '0014_delivery_gallery': onDemand(() => import('./migrations/0014_delivery_gallery.ts')),
  '0015_branding_and_family_access': onDemand(() => import('./migrations/0015_branding_and_family_access.ts')),
  '0017_resumable_uploads': onDemand(() => import('./migrations/0017_resumable_uploads.ts')),
  '0018_teams_and_proofing': onDemand(() => import('./migrations/0018_teams_and_proofing.ts')),
  '0019_pending_blobs': onDemand(() => import('./migrations/0019_pending_blobs.ts')),
  '0020_hardening': onDemand(() => import('./migrations/0020_hardening.ts')),
  '0022_portfolio_watermarks': onDemand(() => import('./migrations/0022_portfolio_watermarks.ts')),
  '0023_album_collections': onDemand(() => import('./migrations/0023_album_collections.ts')),
  '0025_duplicate_detection': onDemand(() => import('./migrations/0025_duplicate_detection.ts')),
};

export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((entry) => entry.status === 'Error')?.migrationName;
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(failed ? `Migration ${failed} failed: ${reason}` : `Migrations could not run: ${reason}`, { cause: result.error });
  }
  return (result.results ?? []).filter((entry) => entry.status === 'Success').map((entry) => entry.migrationName);
}
