import type { SecretBox } from '../crypto/secret-fields.ts';

/**
 * What the photographer wrote and to whom: sealed together in `deliveries.details_sealed`
 * (keys/sealed-columns.ts lists it for rotation), bound to the delivery's id.
 */
export interface DeliveryDetails {
  title: string;
  message: string;
  recipients: string[];
}

const PURPOSE = 'delivery-details';
const associatedData = (deliveryId: string) => `deliveries/${deliveryId}`;

export async function sealDeliveryDetails(secrets: SecretBox, deliveryId: string, details: DeliveryDetails): Promise<string> {
  return secrets.seal(JSON.stringify(details), PURPOSE, associatedData(deliveryId));
}

export async function openDeliveryDetails(secrets: SecretBox, deliveryId: string, sealed: string): Promise<DeliveryDetails> {
  return JSON.parse((await secrets.open(sealed, PURPOSE, associatedData(deliveryId))).toString('utf8')) as DeliveryDetails;
}
