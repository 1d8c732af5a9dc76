import type { Delivery, DeliveryEvent, DeliveryStatus } from '../../api/deliveries';

export const STATUS_NAMES: Record<DeliveryStatus, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  locked: 'Locked',
  exhausted: 'Limit reached',
};

/** A status as a badge's class: the CSS gives each its colour. */
export function statusBadgeClass(status: DeliveryStatus): string {
  return `badge badge-delivery-${status}`;
}

/** "3 / 10" with a limit, "3" without. */
export function downloadsText(delivery: Pick<Delivery, 'downloadCount' | 'downloadLimit'>): string {
  return delivery.downloadLimit === null ? String(delivery.downloadCount) : `${delivery.downloadCount} / ${delivery.downloadLimit}`;
}

/** What happened, in words: "Downloaded ceremony.jpg", "Wrong code entered". */
export function describeEvent(event: Pick<DeliveryEvent, 'kind' | 'fileName'>): string {
  switch (event.kind) {
    case 'created':
      return 'Delivery created';
    case 'opened':
      return 'Opened with the code';
    case 'code_failed':
      return 'Wrong code entered';
    case 'locked':
      return 'Locked after too many wrong codes';
    case 'file_downloaded':
      return event.fileName === null ? 'Downloaded a file' : `Downloaded ${event.fileName}`;
    case 'zip_downloaded':
      return 'Downloaded all files as a ZIP';
    case 'updated':
      return 'Settings changed';
    case 'revoked':
      return 'Revoked';
    case 'code_regenerated':
      return 'New code issued';
    case 'resent':
      return 'New link and code sent';
    case 'file_added':
      return event.fileName === null ? 'Added a photo' : `Added ${event.fileName}`;
    case 'file_removed':
      return event.fileName === null ? 'Took a photo out' : `Took ${event.fileName} out`;
    case 'reordered':
      return 'Order changed';
    case 'sets_changed':
      return 'Sets changed';
    default:
      // A kind this page does not know yet (a newer server): say something rather than nothing.
      return String((event as { kind: unknown }).kind).replace(/_/g, ' ');
  }
}
