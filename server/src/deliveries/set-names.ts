import type { SecretBox } from '../crypto/secret-fields.ts';

/** A set's name, sealed like the delivery's details (`delivery_sets.name_sealed`, declared for rotation in key-protected.ts), bound to the set's id. */

export const deliverySetNamePurpose = 'delivery-set-name';
export const deliverySetAssociatedData = (setId: string) => `delivery_sets/${setId}`;

export async function sealSetName(secrets: SecretBox, setId: string, name: string): Promise<string> {
  return secrets.seal(name, deliverySetNamePurpose, deliverySetAssociatedData(setId));
}

export async function openSetName(secrets: SecretBox, setId: string, sealed: string): Promise<string> {
  return (await secrets.open(sealed, deliverySetNamePurpose, deliverySetAssociatedData(setId))).toString('utf8');
}
