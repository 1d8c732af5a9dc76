/** The print orders' addresses: the list, a new order of selected files, one order. */

export type PrintOrdersRoute = { kind: 'list' } | { kind: 'new' } | { kind: 'order'; orderId: string };

export const PRINT_ORDERS_PATH = '/print-orders';
export const NEW_PRINT_ORDER_PATH = '/print-orders/new';

export function parsePrintOrdersPath(pathname: string): PrintOrdersRoute | null {
  if (pathname === PRINT_ORDERS_PATH) return { kind: 'list' };
  if (pathname === NEW_PRINT_ORDER_PATH) return { kind: 'new' };
  const match = /^\/print-orders\/([0-9a-f-]{36})$/.exec(pathname);
  return match?.[1] === undefined ? null : { kind: 'order', orderId: match[1] };
}

export function printOrderPath(orderId: string): string {
  return `${PRINT_ORDERS_PATH}/${encodeURIComponent(orderId)}`;
}

/** The form for a new order of these files. */
export function newPrintOrderPath(fileIds: readonly string[]): string {
  return `${NEW_PRINT_ORDER_PATH}?files=${fileIds.map(encodeURIComponent).join(',')}`;
}

export function parseNewPrintOrderQuery(search: string): string[] {
  const ids = (new URLSearchParams(search).get('files') ?? '').split(',').map((id) => id.trim());
  return [...new Set(ids.filter((id) => id !== ''))];
}
