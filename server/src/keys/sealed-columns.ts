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
  // vault/sealed-fields.ts seals these; its test checks that both lists agree.
  { table: 'vault_files', idColumn: 'id', column: 'name_sealed', purpose: 'vault-file-name', associatedData: (id) => `vault_files/${id}/name` },
  { table: 'vault_files', idColumn: 'id', column: 'metadata_sealed', purpose: 'vault-file-metadata', associatedData: (id) => `vault_files/${id}` },
  { table: 'vault_albums', idColumn: 'id', column: 'name_sealed', purpose: 'vault-album-name', associatedData: (id) => `vault_albums/${id}` },
  // deliveries/details.ts seals this one.
  { table: 'deliveries', idColumn: 'id', column: 'details_sealed', purpose: 'delivery-details', associatedData: (id) => `deliveries/${id}` },
];
