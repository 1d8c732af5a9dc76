import type { Generated } from 'kysely';

/**
 * Row types of every table, one interface per table. Times are epoch milliseconds (BIGINT);
 * ids are random text. Each capability's repository is the only code that queries its tables.
 */

export interface StudiosTable {
  id: string;
  name: string;
  created_at: number;
}

/** A studio's data key, stored only wrapped by a master key version (crypto/data-keys.ts). */
export interface StudioKeysTable {
  studio_id: string;
  key_version: string;
  wrapped_key: string;
  created_at: number;
  rewrapped_at: number | null;
}


export type UserRole = 'admin' | 'photographer';
export type StudioRole = 'owner' | 'editor' | 'viewer';

export interface UsersTable {
  id: string;
  /** Lower-cased, NFC-normalised. */
  email: string;
  role: UserRole;
  created_at: number;
  updated_at: number;
  email_verified_at: number | null;
  disabled_at: number | null;
  last_sign_in_at: number | null;
  password_hash: string | null;
  /** Sealed (crypto/secret-fields.ts), purpose `totp-seed`. */
  totp_seed: string | null;
  /** Sealed, purpose `totp-pending-seed`: an enrollment not yet confirmed. */
  totp_pending_seed: string | null;
  totp_enabled_at: number | null;
  /** The last accepted TOTP time step, so a code cannot be replayed. */
  totp_last_step: number | null;
}

export interface StudioMembersTable {
  studio_id: string;
  user_id: string;
  role: StudioRole;
  created_at: number;
}

export interface SignInCodesTable {
  id: string;
  user_id: string;
  code_digest: string;
  key_version: string;
  created_at: number;
  expires_at: number;
  failed_attempts: Generated<number>;
  consumed_at: number | null;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: number;
  last_seen_at: number;
  /** Absolute expiry; the idle timeout is computed from last_seen_at. */
  expires_at: number;
  user_agent: string;
  ip: string;
  revoked_at: number | null;
  revoked_reason: string | null;
}

export interface SecondFactorChallengesTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  failed_attempts: Generated<number>;
  consumed_at: number | null;
}

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  code_digest: string;
  key_version: string;
  created_at: number;
  used_at: number | null;
}

export interface PasswordResetTokensTable {
  token_hash: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface SetupTokensTable {
  token_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

export interface AuditEventsTable {
  id: string;
  at: number;
  action: string;
  actor_user_id: string | null;
  subject_user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object; never a code, token, password or file content. */
  details: string;
}

export interface Tables {
  studios: StudiosTable;
  studio_keys: StudioKeysTable;
  users: UsersTable;
  studio_members: StudioMembersTable;
  sign_in_codes: SignInCodesTable;
  sessions: SessionsTable;
  second_factor_challenges: SecondFactorChallengesTable;
  recovery_codes: RecoveryCodesTable;
  password_reset_tokens: PasswordResetTokensTable;
  setup_tokens: SetupTokensTable;
  audit_events: AuditEventsTable;
}
