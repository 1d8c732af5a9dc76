import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { changeStudioSettings } from '../studios/service.ts';
import type { VaultDeps } from './deps.ts';
import { usedBytes } from './repo.ts';

/**
 * What an admin sets per studio: whether new uploads are encrypted, and the storage quota.
 * Files already stored keep the form they were stored in (each row records it).
 */

export interface StudioVaultSettings {
  id: string;
  encryptionEnabled: boolean;
  quotaBytes: number | null;
  usedBytes: number;
}

export async function updateStudioVaultSettings(
  deps: VaultDeps,
  audit: AuditContext,
  studioId: string,
  changes: { encryptionEnabled?: boolean; quotaBytes?: number | null },
): Promise<StudioVaultSettings> {
  const settings = await changeStudioSettings(deps, studioId, changes);
  await recordAudit(deps.db, { action: 'studio.updated', ...audit, details: { studioId, encryptionEnabled: settings.encryptionEnabled, quotaBytes: settings.quotaBytes } });
  return { ...settings, usedBytes: await usedBytes(deps.db, studioId) };
}
