import type { SecretBox } from '../crypto/secret-fields.ts';

/**
 * What the photographer wrote and to whom: sealed together in `deliveries.details_sealed`
 * (declared for rotation in key-protected.ts), bound to the delivery's id.
 */
export interface DeliveryDetails {
  title: string;
  message: string;
  recipients: string[];
}

export const deliveryDetailsPurpose = 'delivery-details';
export const deliveryDetailsAssociatedData = (deliveryId: string) => `deliveries/${deliveryId}`;

export async function sealDeliveryDetails(secrets: SecretBox, deliveryId: string, details: DeliveryDetails): Promise<string> {
  return secrets.seal(JSON.stringify(details), deliveryDetailsPurpose, deliveryDetailsAssociatedData(deliveryId));
}

export async function openDeliveryDetails(secrets: SecretBox, deliveryId: string, sealed: string): Promise<DeliveryDetails> {
  return JSON.parse((await secrets.open(sealed, deliveryDetailsPurpose, deliveryDetailsAssociatedData(deliveryId))).toString('utf8')) as DeliveryDetails;
}
