import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';
import type { Database } from './database.ts';
import * as studiosAndKeys from './migrations/0001_studios_and_keys.ts';
import * as accounts from './migrations/0002_accounts.ts';
import * as vault from './migrations/0003_vault.ts';
import * as deliveries from './migrations/0004_deliveries.ts';
import * as accountSecurity from './migrations/0005_account_security.ts';
import * as keyHierarchy from './migrations/0006_key_hierarchy.ts';
import * as deliveryMailLimits from './migrations/0007_delivery_mail_limits.ts';
import * as auditChainAndAlerts from './migrations/0008_audit_chain_and_alerts.ts';
import * as labs from './migrations/0009_labs.ts';
import * as images from './migrations/0011_images.ts';
import * as plainBlockHashes from './migrations/0012_plain_block_hashes.ts';
import * as portfolio from './migrations/0013_portfolio.ts';
import * as deliveryGallery from './migrations/0014_delivery_gallery.ts';
import * as brandingAndFamilyAccess from './migrations/0015_branding_and_family_access.ts';
import * as resumableUploads from './migrations/0017_resumable_uploads.ts';
import * as teamsAndProofing from './migrations/0018_teams_and_proofing.ts';
import * as pendingBlobs from './migrations/0019_pending_blobs.ts';
import * as hardening from './migrations/0020_hardening.ts';
import * as portfolioWatermarks from './migrations/0022_portfolio_watermarks.ts';
import * as albumCollections from './migrations/0023_album_collections.ts';
import * as duplicateDetection from './migrations/0025_duplicate_detection.ts';

/**
 * Every migration, in order. Listed explicitly (not read from a folder) so the set that runs
 * is exactly the set that was type-checked and reviewed. Names never change once released.
 */
const migrations: Record<string, Migration> = {
  '0001_studios_and_keys': studiosAndKeys,
  '0002_accounts': accounts,
  '0003_vault': vault,
  '0004_deliveries': deliveries,
  '0005_account_security': accountSecurity,
  '0006_key_hierarchy': keyHierarchy,
  '0007_delivery_mail_limits': deliveryMailLimits,
  '0008_audit_chain_and_alerts': auditChainAndAlerts,
  '0009_labs': labs,
  '0011_images': images,
  '0012_plain_block_hashes': plainBlockHashes,
  '0013_portfolio': portfolio,
  '0014_delivery_gallery': deliveryGallery,
  '0015_branding_and_family_access': brandingAndFamilyAccess,
  '0017_resumable_uploads': resumableUploads,
  '0018_teams_and_proofing': teamsAndProofing,
  '0019_pending_blobs': pendingBlobs,
  '0020_hardening': hardening,
  '0022_portfolio_watermarks': portfolioWatermarks,
  '0023_album_collections': albumCollections,
  '0025_duplicate_detection': duplicateDetection,
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
