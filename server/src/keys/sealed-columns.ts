/**
 * Every database column that holds a sealed secret field (crypto/secret-fields.ts). Rotation
 * re-seals them and `shutterlock keys status` counts them, so a capability that adds such a
 * column adds it here — e.g. `{ table: 'users', idColumn: 'id', column: 'totp_seed',
 * purpose: 'totp-seed', associatedData: (id) => `users/${id}/totp` }`.
 */
export interface SealedSecretColumn {
  table: string;
  idColumn: string;
  column: string;
  purpose: string;
  associatedData(id: string): string;
}

export const sealedSecretColumns: readonly SealedSecretColumn[] = [];
