import { type KeyProtectedData, codeHashColumn, sealedColumn } from '../db/key-protected.ts';
import { totpSeedAssociatedData, totpSeedPurposes } from './totp-seeds.ts';

/** Auth's data under the master keys: the sealed TOTP seeds, and the peppered sign-in and recovery codes. */
export const authKeyProtected: KeyProtectedData = {
  sealedColumns: [
    sealedColumn({ table: 'users', idColumn: 'id', column: 'totp_seed', purpose: totpSeedPurposes.confirmed, associatedData: totpSeedAssociatedData.confirmed }),
    sealedColumn({ table: 'users', idColumn: 'id', column: 'totp_pending_seed', purpose: totpSeedPurposes.pending, associatedData: totpSeedAssociatedData.pending }),
  ],
  codeHashColumns: [
    codeHashColumn({ table: 'sign_in_codes', versionColumn: 'key_version', usedColumn: 'consumed_at', expiresColumn: 'expires_at' }),
    codeHashColumn({ table: 'recovery_codes', versionColumn: 'key_version', usedColumn: 'used_at' }),
  ],
};
