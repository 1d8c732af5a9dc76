import { studioSecrets } from '../studios/service.ts';
import type { FileUse, VaultFile } from '../vault/service.ts';
import { openDeliveryDetails } from './details.ts';
import type { DeliveriesDeps } from './deps.ts';
import { type DeliveryRow, deliveryHasFile, listDeliveryFileIds, listFileIdsOfDeliveries, listLiveDeliveriesWithFiles } from './repo.ts';

/**
 * What a delivery holds. Its rows name files by id; the files themselves come from the vault's
 * interface, always asked with the delivery's own studio, so a file that left the vault (or
 * went to the trash) leaves every delivery at once, and no id can reach another studio's file.
 */

export interface DeliveryTotals {
  fileCount: number;
  totalBytes: number;
}

/** The delivery's files that are still there, in the photographer's order. */
export async function deliveredFiles(deps: DeliveriesDeps, row: DeliveryRow): Promise<VaultFile[]> {
  return deps.vault.find(row.studio_id, await listDeliveryFileIds(deps.db, row.id));
}

/** One of them, or undefined when the file is not (or no longer) part of the delivery. */
export async function deliveredFile(deps: DeliveriesDeps, row: DeliveryRow, fileId: string): Promise<VaultFile | undefined> {
  if (!(await deliveryHasFile(deps.db, row.id, fileId))) return undefined;
  const [file] = await deps.vault.find(row.studio_id, [fileId]);
  return file;
}

/** Files and bytes of each delivery (all of one studio), counting only the files still there. */
export async function deliveryTotals(deps: DeliveriesDeps, studioId: string, rows: readonly DeliveryRow[]): Promise<Map<string, DeliveryTotals>> {
  const links = await listFileIdsOfDeliveries(deps.db, rows.map((row) => row.id));
  const sizes = await deps.vault.sizes(studioId, links.map((link) => link.fileId));
  const totals = new Map(rows.map((row) => [row.id, { fileCount: 0, totalBytes: 0 }]));
  for (const { deliveryId, fileId } of links) {
    const size = sizes.get(fileId);
    const total = totals.get(deliveryId);
    if (size === undefined || !total) continue;
    total.fileCount += 1;
    total.totalBytes += size;
  }
  return totals;
}

export async function totalsOf(deps: DeliveriesDeps, row: DeliveryRow): Promise<DeliveryTotals> {
  return (await deliveryTotals(deps, row.studio_id, [row])).get(row.id) ?? { fileCount: 0, totalBytes: 0 };
}

// Lists of ids are asked in slices: SQLite binds at most 32766 parameters to a statement.
const ID_SLICE = 500;

/**
 * The studio's live deliveries (a client can still open them) that show any of `fileIds`: what
 * the vault warns about before they go to the trash (registered with it in capability.ts).
 */
export async function liveDeliveryUses(deps: DeliveriesDeps, studioId: string, fileIds: readonly string[]): Promise<FileUse[]> {
  const now = deps.now();
  const uses = new Map<string, { sealed: string; fileIds: string[] }>();
  const ids = [...new Set(fileIds)];
  for (let start = 0; start < ids.length; start += ID_SLICE) {
    for (const row of await listLiveDeliveriesWithFiles(deps.db, studioId, ids.slice(start, start + ID_SLICE), now)) {
      const use = uses.get(row.id) ?? { sealed: row.detailsSealed, fileIds: [] };
      use.fileIds.push(row.fileId);
      uses.set(row.id, use);
    }
  }
  if (uses.size === 0) return [];
  const secrets = await studioSecrets(deps, studioId);
  return Promise.all([...uses].map(async ([id, use]) => ({ kind: 'delivery' as const, id, title: (await openDeliveryDetails(secrets, id, use.sealed)).title, fileIds: use.fileIds })));
}
