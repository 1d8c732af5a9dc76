import type { StudioSecretBox } from '../crypto/secret-fields.ts';

/**
 * Where an order goes and what the photographer wrote: personal data, sealed together in
 * `print_orders.details_sealed` under the ordering studio's data key (studioSecrets, so
 * crypto-erasing the studio erases them; declared in key-protected.ts), bound to the order.
 */
export interface ShippingAddress {
  recipientName: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  region: string;
  country: string;
  phone: string;
}

export interface PrintOrderDetails {
  shipping: ShippingAddress;
  notes: string;
}

export const printOrderDetailsPurpose = 'print-order-details';
export const printOrderDetailsAssociatedData = (orderId: string) => `print_orders/${orderId}`;

export async function sealOrderDetails(secrets: StudioSecretBox, orderId: string, details: PrintOrderDetails): Promise<string> {
  return secrets.seal(JSON.stringify(details), printOrderDetailsPurpose, printOrderDetailsAssociatedData(orderId));
}

export async function openOrderDetails(secrets: StudioSecretBox, orderId: string, sealed: string): Promise<PrintOrderDetails> {
  return JSON.parse((await secrets.open(sealed, printOrderDetailsPurpose, printOrderDetailsAssociatedData(orderId))).toString('utf8')) as PrintOrderDetails;
}
