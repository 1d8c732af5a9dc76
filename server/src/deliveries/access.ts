import { auditContext, recordAudit } from '../audit/audit-log.ts';
import { AppError } from '../errors.ts';
import type { StudioActor } from '../http/access.ts';
import { studioSecrets } from '../studios/service.ts';
import type { DeliveriesDeps } from './deps.ts';
import { type DeliveryRow, findStudioDelivery, updateStudioDelivery } from './repo.ts';
import { deliveryNotFound } from './state.ts';

/**
 * A delivery's link token and code, kept so the photographer can show and copy them again at
 * any time (getDeliveryAccess): sealed together under the studio's data key (declared in
 * key-protected.ts, so crypto-erase erases them and `keys rotate` knows them), bound to the
 * delivery. The hashes on the row stay the check: the client's way in never opens this.
 * Deliveries made before it was kept have none; a new code (or a resend) keeps one from then on.
 */

export const deliveryAccessPurpose = 'delivery-access';
export const deliveryAccessAssociatedData = (deliveryId: string) => `deliveries/${deliveryId}/access`;

export interface KeptAccess {
  /** Null when only the code is known (a delivery made before links were kept, given a new code since). */
  token: string | null;
  code: string;
}

export async function sealAccess(deps: DeliveriesDeps, studioId: string, deliveryId: string, access: KeptAccess): Promise<string> {
  return (await studioSecrets(deps, studioId)).seal(JSON.stringify(access), deliveryAccessPurpose, deliveryAccessAssociatedData(deliveryId));
}

export async function openAccess(deps: DeliveriesDeps, row: Pick<DeliveryRow, 'id' | 'studio_id' | 'access_sealed'>): Promise<KeptAccess | undefined> {
  if (row.access_sealed === null) return undefined;
  const opened = await (await studioSecrets(deps, row.studio_id)).open(row.access_sealed, deliveryAccessPurpose, deliveryAccessAssociatedData(row.id));
  return JSON.parse(opened.toString('utf8')) as KeptAccess;
}

/** Keeps the link and code of a delivery, as just made or replaced. */
export async function keepAccess(deps: DeliveriesDeps, studioId: string, deliveryId: string, access: KeptAccess): Promise<void> {
  await updateStudioDelivery(deps.db, studioId, deliveryId, { access_sealed: await sealAccess(deps, studioId, deliveryId, access) });
}

export function linkOf(deps: DeliveriesDeps, token: string): string {
  return `${deps.site.publicUrl}/d/${token}`;
}

export interface ShownAccess {
  /** Null for a delivery whose link was made before links were kept: Resend makes a new one. */
  url: string | null;
  code: string | null;
}

/**
 * The link and code again, for the photographer (getDeliveryAccess). Audited: showing a
 * secret is security-relevant. A revoked delivery's link and code open nothing, and are not shown.
 */
export async function getDeliveryAccess(deps: DeliveriesDeps, actor: StudioActor, deliveryId: string): Promise<ShownAccess> {
  const row = await findStudioDelivery(deps.db, actor.studioId, deliveryId);
  if (!row) throw deliveryNotFound();
  if (row.revoked_at !== null) throw new AppError('delivery_revoked', 'This delivery was revoked; its link and code open nothing.', 409);
  const kept = await openAccess(deps, row);
  await recordAudit(deps.db, { action: 'delivery.access_viewed', ...auditContext(actor), details: { deliveryId: row.id, studioId: actor.studioId } }, deps.now());
  return { url: kept?.token ? linkOf(deps, kept.token) : null, code: kept?.code ?? null };
}
