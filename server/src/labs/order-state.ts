import type { PrintOrderStatus } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { PrintOrderRow } from './orders-repo.ts';

/**
 * The order workflow. The photographer drafts, submits and may cancel until it ships; the lab
 * moves it on: submitted → accepted → in production → shipped → completed, or rejects it
 * before it ships. Anything else is 409 `order_status_transition_invalid`. The lab reaches the
 * order's files while it works on it, and for a short grace after completing it.
 */

export type LabStatus = 'accepted' | 'in_production' | 'shipped' | 'completed' | 'rejected';

const labTransitions: Record<PrintOrderStatus, readonly LabStatus[]> = {
  draft: [],
  submitted: ['accepted', 'rejected'],
  accepted: ['in_production', 'rejected'],
  in_production: ['shipped', 'rejected'],
  shipped: ['completed'],
  completed: [],
  rejected: [],
  cancelled: [],
};

const cancellable: readonly PrintOrderStatus[] = ['draft', 'submitted', 'accepted', 'in_production'];

/** After completion, the lab may still fetch the originals for this long (a reprint, a check). */
export const FILE_ACCESS_GRACE_MS = 24 * 60 * 60_000;

function invalidTransition(from: PrintOrderStatus, to: PrintOrderStatus): AppError {
  return new AppError('order_status_transition_invalid', `An order that is ${from.replace('_', ' ')} cannot become ${to.replace('_', ' ')}.`, 409);
}

export function assertLabTransition(from: PrintOrderStatus, to: LabStatus): void {
  if (!labTransitions[from].includes(to)) throw invalidTransition(from, to);
}

export function assertCancellable(from: PrintOrderStatus): void {
  if (!cancellable.includes(from)) throw invalidTransition(from, 'cancelled');
}

export function assertDraft(order: Pick<PrintOrderRow, 'status'>): void {
  if (order.status !== 'draft') throw new AppError('order_not_draft', 'Only a draft can be changed or submitted.', 409);
}

/** Whether the lab may fetch the order's files now. */
export function filesAvailable(order: Pick<PrintOrderRow, 'status' | 'closed_at'>, now: number): boolean {
  if (order.status === 'completed') return order.closed_at !== null && now < order.closed_at + FILE_ACCESS_GRACE_MS;
  return order.status === 'submitted' || order.status === 'accepted' || order.status === 'in_production' || order.status === 'shipped';
}

/** The statuses that end an order (and set its closed_at). */
export function isClosing(status: PrintOrderStatus): boolean {
  return status === 'completed' || status === 'rejected' || status === 'cancelled';
}
