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

/**
 * Every column naming the master key version a code hash was peppered with
 * (crypto/hashing.ts). A hash cannot be re-made under a new version — the code is not kept —
 * so a version stays in use while a code hashed under it can still be used: `usedColumn` (when
 * set) is null and `expiresColumn` (when set) is in the future.
 */
export interface PepperedCodeColumn {
  table: string;
  versionColumn: string;
  usedColumn?: string;
  expiresColumn?: string;
}

export const pepperedCodeColumns: readonly PepperedCodeColumn[] = [
  { table: 'sign_in_codes', versionColumn: 'key_version', usedColumn: 'consumed_at', expiresColumn: 'expires_at' },
  { table: 'recovery_codes', versionColumn: 'key_version', usedColumn: 'used_at' },
  // A revoked delivery's code opens nothing; an expired one's opens nothing until extended.
  { table: 'deliveries', versionColumn: 'code_key_version', usedColumn: 'revoked_at' },
];
