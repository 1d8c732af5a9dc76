import type { OrderEvent, OrderLine, OrderStatus } from '../../api/labs';

export const STATUS_NAMES: Record<OrderStatus, string> = {
  draft: 'Draft',
  submitted: 'Submitted',
  accepted: 'Accepted',
  in_production: 'In production',
  shipped: 'Shipped',
  completed: 'Completed',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

/** One line of an order's timeline, as people say it. */
export function eventText(event: OrderEvent): string {
  switch (event.kind) {
    case 'created':
      return 'Order drafted';
    case 'updated':
      return 'Draft changed';
    case 'opened':
      return 'The lab opened the order';
    case 'file_downloaded':
      return `The lab downloaded ${event.fileName ?? 'a file'}`;
    case 'zip_downloaded':
      return 'The lab downloaded every file as a ZIP';
    case 'submitted':
      return 'Sent to the lab';
    case 'cancelled':
      return 'Cancelled';
    case 'shipped':
      return `Shipped${event.note ? ` — ${event.note}` : ''}`;
    case 'rejected':
      return `Rejected by the lab${event.note ? ` — ${event.note}` : ''}`;
    default:
      return `${STATUS_NAMES[event.kind]} by the lab`;
  }
}

/** One print of an order, as the photographer and the lab read it: "2 × Lustre print 8×10 in (PRINT-8x10, lustre) — bride.jpg · crop: fill". */
export function lineText(line: OrderLine): string {
  const product = `${line.quantity} × ${line.productName} ${line.size} (${[line.sku, line.finish].filter((part) => part !== null).join(', ')})`;
  return [`${product} — ${line.fileName}`, ...(line.crop !== '' ? [`crop: ${line.crop}`] : []), ...(line.notes !== '' ? [line.notes] : [])].join(' · ');
}
