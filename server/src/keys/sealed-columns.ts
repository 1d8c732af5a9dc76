/**
 * Every database column that holds a sealed secret field (crypto/secret-fields.ts). Rotation
 * re-seals them and `shutterlock keys status` counts them, so a capability that adds such a
 * column adds it here, with the same purpose and associated data it seals with.
 */
export interface SealedSecretColumn {
  table: string;
  idColumn: string;
  column: string;
  purpose: string;
  associatedData(id: string): string;
}

export const sealedSecretColumns: readonly SealedSecretColumn[] = [
  { table: 'users', idColumn: 'id', column: 'totp_seed', purpose: 'totp-seed', associatedData: (id) => `users/${id}/totp` },
  { table: 'users', idColumn: 'id', column: 'totp_pending_seed', purpose: 'totp-pending-seed', associatedData: (id) => `users/${id}/totp-pending` },
];
