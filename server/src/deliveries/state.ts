import { AppError, NotFoundError } from '../errors.ts';
import type { DeliveryRow } from './repo.ts';

/** Where a delivery stands, as the photographer's list shows it and the client's routes enforce it. */

export type DeliveryStatus = 'active' | 'expired' | 'revoked' | 'locked' | 'exhausted';

/** Why a delivery gives nothing any more, or null while it is usable (a lockout is not an end). */
export function endReason(row: DeliveryRow, now: number): 'revoked' | 'expired' | 'exhausted' | null {
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at <= now) return 'expired';
  if (row.download_limit !== null && row.download_count >= row.download_limit) return 'exhausted';
  return null;
}

export function deliveryStatus(row: DeliveryRow, now: number): DeliveryStatus {
  return endReason(row, now) ?? (row.locked_until !== null && row.locked_until > now ? 'locked' : 'active');
}

const endMessages = {
  revoked: 'The photographer has withdrawn this delivery.',
  expired: 'This delivery has expired.',
  exhausted: 'This delivery has reached its download limit.',
} as const;

/** 410: the files are gone for this link; the client is told why, and never shown the files. */
export function deliveryEnded(reason: keyof typeof endMessages): AppError {
  return new AppError(`delivery_${reason}`, endMessages[reason], 410);
}

/** Throws the 410 for an ended delivery. */
export function assertDeliveryLive(row: DeliveryRow, now: number): void {
  const reason = endReason(row, now);
  if (reason) throw deliveryEnded(reason);
}

/**
 * Throws the 410 for a delivery that can no longer be viewed: revoked or expired. One whose
 * download limit is used up stays viewable ("view only"); its downloads are refused.
 */
export function assertDeliveryViewable(row: DeliveryRow, now: number): void {
  const reason = endReason(row, now);
  if (reason && reason !== 'exhausted') throw deliveryEnded(reason);
}

export function deliveryNotFound(): NotFoundError {
  return new NotFoundError('delivery_not_found', 'This delivery does not exist.');
}
