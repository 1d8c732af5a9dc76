/** The deliveries' addresses: the photographer's list, a new one, one delivery; and the client's link. */

export type DeliveriesRoute = { kind: 'list' } | { kind: 'new' } | { kind: 'delivery'; deliveryId: string };

export const DELIVERIES_PATH = '/deliveries';
export const NEW_DELIVERY_PATH = '/deliveries/new';

/** The photographer's delivery route at `pathname`, or `null` when it is not one. */
export function parseDeliveriesPath(pathname: string): DeliveriesRoute | null {
  if (pathname === DELIVERIES_PATH) return { kind: 'list' };
  if (pathname === NEW_DELIVERY_PATH) return { kind: 'new' };
  const match = /^\/deliveries\/([^/]+)$/.exec(pathname);
  const id = match?.[1] === undefined ? null : decodeSegment(match[1]);
  return id === null ? null : { kind: 'delivery', deliveryId: id };
}

export function deliveryPath(deliveryId: string): string {
  return `${DELIVERIES_PATH}/${encodeURIComponent(deliveryId)}`;
}

/** The form for a new delivery of these files, or of this album. */
export function newDeliveryPath(contents: { fileIds: readonly string[] } | { albumId: string }): string {
  // Commas between the ids, as they are: easier to read than %2C, and URLSearchParams reads them back.
  const query = 'albumId' in contents ? `album=${encodeURIComponent(contents.albumId)}` : `files=${contents.fileIds.map(encodeURIComponent).join(',')}`;
  return `${NEW_DELIVERY_PATH}?${query}`;
}

/** What `newDeliveryPath` put in the query: files, an album, or nothing chosen yet. */
export function parseNewDeliveryQuery(search: string): { fileIds: string[] } | { albumId: string } | null {
  const params = new URLSearchParams(search);
  const album = params.get('album');
  if (album) return { albumId: album };
  const fileIds = (params.get('files') ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  return fileIds.length > 0 ? { fileIds: [...new Set(fileIds)] } : null;
}

/**
 * The link token of a client's delivery page (`/d/{token}`), or `null` when `pathname` is
 * not one. The token stays in the path: nothing else keeps it.
 */
export function parseClientDeliveryPath(pathname: string): string | null {
  const match = /^\/d\/([^/]+)\/?$/.exec(pathname);
  return match?.[1] === undefined ? null : decodeSegment(match[1]);
}

function decodeSegment(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null; // a malformed address is simply not one of ours
  }
}
