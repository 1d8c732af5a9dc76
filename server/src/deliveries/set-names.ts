import type { StudioSecretBox } from '../crypto/secret-fields.ts';

/** A set's name, sealed like the delivery's details under the studio's data key (`delivery_sets.name_sealed`, declared in key-protected.ts), bound to the set's id. */

export const deliverySetNamePurpose = 'delivery-set-name';
export const deliverySetAssociatedData = (setId: string) => `delivery_sets/${setId}`;

export async function sealSetName(secrets: StudioSecretBox, setId: string, name: string): Promise<string> {
  return secrets.seal(name, deliverySetNamePurpose, deliverySetAssociatedData(setId));
}

export async function openSetName(secrets: StudioSecretBox, setId: string, sealed: string): Promise<string> {
  return (await secrets.open(sealed, deliverySetNamePurpose, deliverySetAssociatedData(setId))).toString('utf8');
}
