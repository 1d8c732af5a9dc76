import type { StudioSecretBox } from '../crypto/secret-fields.ts';

/**
 * What the photographer wrote and to whom: sealed together in `deliveries.details_sealed` under
 * the studio's data key (studioSecrets, so crypto-erasing the studio erases them; declared in
 * key-protected.ts), bound to the delivery's id.
 */
export interface DeliveryDetails {
  title: string;
  message: string;
  recipients: string[];
}

export const deliveryDetailsPurpose = 'delivery-details';
export const deliveryDetailsAssociatedData = (deliveryId: string) => `deliveries/${deliveryId}`;

export async function sealDeliveryDetails(secrets: StudioSecretBox, deliveryId: string, details: DeliveryDetails): Promise<string> {
  return secrets.seal(JSON.stringify(details), deliveryDetailsPurpose, deliveryDetailsAssociatedData(deliveryId));
}

export async function openDeliveryDetails(secrets: StudioSecretBox, deliveryId: string, sealed: string): Promise<DeliveryDetails> {
  return JSON.parse((await secrets.open(sealed, deliveryDetailsPurpose, deliveryDetailsAssociatedData(deliveryId))).toString('utf8')) as DeliveryDetails;
}
