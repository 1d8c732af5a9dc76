import type { SecretBox } from '../crypto/secret-fields.ts';

/**
 * The sealed TOTP seeds on `users` (crypto/secret-fields.ts): the confirmed seed and the one
 * of an enrollment not yet confirmed. The associated data names the user, so a seed copied
 * onto another account fails to open. key-protected.ts declares both columns for rotation
 * with these same purposes and associated data.
 */

export const totpSeedPurposes = { confirmed: 'totp-seed', pending: 'totp-pending-seed' } as const;

export const totpSeedAssociatedData = {
  confirmed: (userId: string) => `users/${userId}/totp`,
  pending: (userId: string) => `users/${userId}/totp-pending`,
};

type SeedKind = keyof typeof totpSeedPurposes;

export async function sealTotpSeed(secrets: SecretBox, kind: SeedKind, userId: string, secretBase32: string): Promise<string> {
  return secrets.seal(secretBase32, totpSeedPurposes[kind], totpSeedAssociatedData[kind](userId));
}

export async function openTotpSeed(secrets: SecretBox, kind: SeedKind, userId: string, sealed: string): Promise<string> {
  return (await secrets.open(sealed, totpSeedPurposes[kind], totpSeedAssociatedData[kind](userId))).toString('utf8');
}
