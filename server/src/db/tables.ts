import type { Generated } from 'kysely';

/**
 * Row types of every table, one interface per table. Times are epoch milliseconds (BIGINT);
 * ids are random text. Each capability's repository is the only code that queries its tables.
 */

/** What a studio shows its clients (studios/branding.ts): sealed under the studio's data key. */
export interface StudioBrandingTable {
  studio_id: string;
  /** Sealed JSON { name, accentColor, contactEmail, contactPhone, website, signature }. */
  details_sealed: string;
  /** The re-encoded PNG logo, sealed; null: none. */
  logo_sealed: string | null;
  logo_sha256: string | null;
  logo_width: number | null;
  logo_height: number | null;
  updated_at: number;
}

export interface StudiosTable {
  id: string;
  name: string;
  created_at: number;
  /** 1: new uploads are encrypted (the default); 0: an admin turned encryption off. */
  encryption_enabled: Generated<number>;
  /** Null: unlimited. */
  quota_bytes: number | null;
  /** Set while the owner's account is disabled: deliveries and signed links answer "suspended". */
  suspended_at: number | null;
}

/** A studio's data key, stored only wrapped by a master key version (crypto/data-keys.ts). */
export interface StudioKeysTable {
  studio_id: string;
  key_version: string;
  /** crypto/master-keys.ts `wrapFormats`: 1 for keys wrapped before key separation, 2 since. */
  wrap_format: Generated<number>;
  wrapped_key: string;
  created_at: number;
  rewrapped_at: number | null;
}

/**
 * An HMAC key of peppered code hashes (keys/peppers.ts), stored only wrapped by a master key
 * version. Code hash rows name their pepper by `id` in their key-version column.
 */
export interface KeyPeppersTable {
  id: string;
  /** `random`, or `derived-v1`: the value an older release derived from master version `id`, kept so its hashes still verify. */
  origin: 'random' | 'derived-v1';
  key_version: string;
  wrap_format: number;
  wrapped_key: string;
  created_at: number;
  rewrapped_at: number | null;
}

/** Whether anything may still need a master key version: what the start-up check reads (keys/version-usage.ts). */
export interface KeyVersionUsageTable {
  version: string;
  in_use: number;
  updated_at: number;
}

export type UserRole = 'admin' | 'photographer';
export type StudioRole = 'owner' | 'editor' | 'viewer';

export interface UsersTable {
  id: string;
  /** NFKC, lower-cased, the domain in IDNA ASCII form (auth/email-address.ts). */
  email: string;
  /** The address with look-alike characters folded: unique, so homoglyph twins are refused. Null on rows from before. */
  email_skeleton: string | null;
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
  /** SHA-256 of the nonce cookie of the browser that asked for the code (or of the session, for re-authentication). */
  browser_hash: string | null;
  purpose: Generated<SignInCodePurpose>;
}

export type SignInCodePurpose = 'sign_in' | 'reauthenticate';

/** The persistent count of wrong sign-in codes of an account, and its growing lockout (auth/code-guard.ts). */
export interface SignInGuardsTable {
  user_id: string;
  failures: number;
  last_failure_at: number | null;
  locked_until: number | null;
}

/** The "this wasn't me" link of a credential-change email: SHA-256 of the token, single use. */
export interface CredentialChangeTokensTable {
  token_hash: string;
  user_id: string;
  change: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** Rate-limit counters when no Redis is configured (http/rate-limits.ts): keys are hashes or networks. */
export interface RateLimitCountersTable {
  key: string;
  points: number;
  expires_at: number;
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
  /** When the owner last proved it is them (sign-in or re-authentication); kept when the session is renewed. */
  authenticated_at: number;
  /** The studio this session acts in (the studio switcher); checked against studio_members on every request. Null: the default. */
  active_studio_id: Generated<string | null>;
}

/** An invitation to join a studio: a one-time link whose token is stored only as its SHA-256 (auth/teams.ts). */
export interface StudioInvitationsTable {
  id: string;
  studio_id: string;
  email: string;
  role: StudioRole;
  token_hash: string;
  invited_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
  revoked_at: number | null;
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
  /** Position in the hash chain, from 1 (docs/security/audit-chain.md). */
  seq: number;
  studio_id: string | null;
  prev_hash: string;
  entry_hash: string;
}

/** One row (`id = 'audit'`): the chain's last entry, locked by every append so the chain never forks. */
export interface AuditChainHeadTable {
  id: string;
  seq: number;
  entry_hash: string;
}

/** HMACs of a chain head: periodic seals, and checkpoints written before pruning. */
export interface AuditSealsTable {
  id: string;
  kind: 'seal' | 'checkpoint';
  seq: number;
  entry_hash: string;
  sealed_at: number;
  key_version: string;
  mac: string;
  /** The seal's place in the chain of seals (1, 2, 3, …); audit/chain.ts. */
  chain_index: number;
  /** The previous seal's MAC (format 2; null for format 1 and for the first seal). */
  prev_mac: string | null;
  /** 1: MAC over the position only, under a master-derived key; 2: chained, under the wrapped seal key. */
  format: Generated<number>;
}

export type AlertStatus = 'open' | 'acknowledged';

/** An alert raised by a rule over the audit log (admin/alert-rules.ts). */
export interface AlertsTable {
  id: string;
  rule: string;
  /** What the rule counts by: an account, a network, a delivery, a studio. */
  subject: string;
  studio_id: string | null;
  summary: string;
  event_count: number;
  /** The audit entry that raised it. */
  first_seq: number;
  raised_at: number;
  status: AlertStatus;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  /** null: not emailed (the email budget was spent). */
  emailed_at: number | null;
}

/** One row (`id = 'alerts'`): the last audit entry the alert rules have seen. */
export interface AlertScanCursorTable {
  id: string;
  seq: number;
}

export type VaultFileStatus = 'uploading' | 'processing' | 'ready' | 'failed' | 'purging';

export interface VaultAlbumsTable {
  id: string;
  studio_id: string;
  /** Sealed, purpose `vault-album-name`, associated data `vault_albums/<id>`. */
  name_sealed: string;
  created_at: number;
  updated_at: number;
}

/** A file's place in an album: albums are collections, a file may be in several (or none). */
export interface VaultAlbumFilesTable {
  album_id: string;
  file_id: string;
  added_at: number;
}

/** One stored original and its previews. What stays in clear, and why: docs/vault.md. */
export interface VaultFilesTable {
  id: string;
  studio_id: string;
  status: VaultFileStatus;
  /** A fixed reason code when previews failed; never file content. */
  failure_reason: string | null;
  /** 1 when the blobs are chunk-encrypted; fixed at upload, whatever the studio setting later. */
  encrypted: number;
  blob_key: string;
  thumbnail_key: string | null;
  preview_key: string | null;
  /** The sniffed MIME type. */
  media_type: string;
  /** Plaintext size of the original in bytes. */
  size: number;
  /** Sealed, purpose `vault-file-name`, associated data `vault_files/<id>/name`. Null while uploading. */
  name_sealed: string | null;
  /** Sealed JSON (SHA-256, capture time, dimensions, EXIF), purpose `vault-file-metadata`, associated data `vault_files/<id>`. */
  metadata_sealed: string | null;
  /** The capture day (UTC midnight, epoch ms), or the upload day when the file has no capture date: the only date sort key in clear. */
  captured_day: number;
  uploaded_at: number;
  /** Set while the file is in the trash. */
  deleted_at: number | null;
  /**
   * Blind index of the original's SHA-256 (HMAC under a key derived from the studio's data key,
   * purpose `vault-file-content`): finds the studio's duplicates without the SHA-256 in clear.
   * Null while uploading, and for a file of an older release until the backfill job reaches it.
   */
  content_digest: string | null;
}

/** A blob written before a row names it (a file's new previews); the purge deletes it once stale (vault/purge.ts). */
export interface VaultPendingBlobsTable {
  blob_key: string;
  studio_id: string;
  created_at: number;
}

/** Per-block hashes of an unencrypted original (vault/block-hashes.ts); none for encrypted files. */
export interface VaultPlainBlocksTable {
  file_id: string;
  /** Sealed base64 of the blocks' SHA-256 digests end to end, purpose `vault-file-blocks`, associated data `vault_files/<id>/blocks`. */
  hashes_sealed: string;
}

/** A resumable (tus) upload in progress; its bytes are sealed segments in the blob store (vault/resumable.ts). */
export interface VaultResumableUploadsTable {
  /** Random (122 bits): the upload URL's secret part, and only ever answered to the studio member who made it. */
  id: string;
  studio_id: string;
  user_id: string;
  album_id: string | null;
  /** Sealed, purpose `vault-file-name`, associated data `vault_resumable_uploads/<id>/name`. */
  name_sealed: string | null;
  /** Upload-Length: the plaintext size the client announced. */
  length: number;
  /** Upload-Offset: plaintext bytes received and kept (sealed segments plus the sealed tail). */
  upload_offset: number;
  /** Base64 of the chunked format's header (salt and commitment) of the segments' message. */
  header: string;
  /** Full chunks sealed into segments so far. */
  chunks: number;
  /** JSON [[first chunk, chunk count], …] of the stored segments, in order. */
  segments: string;
  /** Base64 of the partial trailing chunk (under 16 KiB), chunk-encrypted on its own; null when empty. */
  tail_sealed: string | null;
  /** Held by the request appending to the upload, until locked_until. */
  lock_token: string | null;
  locked_until: number | null;
  /** The vault file it became, once complete. */
  file_id: string | null;
  /** What to do when the content is already in the studio (Upload-Metadata `onDuplicate`): store it anyway, or refuse it. */
  on_duplicate: 'keep' | 'skip';
  /** Once complete: the older file of the studio with the same content, if any. */
  duplicate_of: string | null;
  created_at: number;
  /** Sliding: pushed back by each append; past it the upload is gone (410) and purged. */
  expires_at: number;
}

export type JobStatus = 'pending' | 'running' | 'failed';

export interface JobsTable {
  id: string;
  kind: string;
  /** JSON; ids only, never content. */
  payload: string;
  status: JobStatus;
  attempts: Generated<number>;
  /** When a pending job may run; for a running job, when its lease ends. */
  run_after: number;
  last_error: string | null;
  created_at: number;
}

/** A client delivery. Token and code only as hashes; title, message and recipients sealed. See docs/deliveries.md. */
export interface DeliveriesTable {
  id: string;
  studio_id: string;
  created_by: string | null;
  /** Sealed JSON { title, message, recipients } under the studio's data key, purpose `delivery-details`, associated data `deliveries/<id>`. */
  details_sealed: string;
  /** SHA-256 hex of the link token. */
  token_hash: string;
  /** Peppered HMAC of the code (crypto/hashing.ts) and the pepper's key version. */
  code_digest: string;
  code_key_version: string;
  allow_originals: number;
  allow_zip: number;
  /** Null: unlimited. */
  download_limit: number | null;
  download_count: Generated<number>;
  view_count: Generated<number>;
  /** Code attempts since the last right code, lockout or new code: the fifth wrong one locks. */
  failed_attempts: Generated<number>;
  locked_until: number | null;
  /** How many times the delivery was locked: each lockout lasts twice the one before. */
  lockouts: Generated<number>;
  first_downloaded_at: number | null;
  last_activity_at: number | null;
  created_at: number;
  updated_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** The photo the client's gallery opens on; null: the first. Shown only while the file is in the delivery. */
  cover_file_id: Generated<string | null>;
  /** JSON { text, position, opacity } (deliveries/gallery.ts), or null for no watermark. */
  watermark_json: Generated<string | null>;
  /**
   * Sealed JSON { token, code } under the studio's data key (purpose `delivery-access`,
   * associated data `deliveries/<id>/access`), so the photographer can show them again;
   * the hashes above stay the check. Null for deliveries made before it was kept.
   */
  access_sealed: string | null;
  /** When the expiry reminder was emailed (once per delivery); null: not yet. */
  reminder_sent_at: number | null;
}

/** Wrong codes per delivery and network (deliveries/client-access.ts): one network's lockout is not everyone's. */
export interface DeliveryCodeGuardsTable {
  delivery_id: string;
  /** SHA-256 hex of the delivery id and the caller's network. */
  source_key: string;
  failed_attempts: Generated<number>;
  locked_until: number | null;
  lockouts: Generated<number>;
  updated_at: number;
}

export interface DeliveryFilesTable {
  delivery_id: string;
  file_id: string;
  position: number;
  /** The set (section) of the delivery the file is in; null: none. */
  set_id: Generated<string | null>;
}

/** A set (section) of a delivery's gallery: Ceremony, Reception… Its name sealed under the studio's data key. */
export interface DeliverySetsTable {
  id: string;
  delivery_id: string;
  /** Sealed, purpose `delivery-set-name`, associated data `delivery_sets/<id>`. */
  name_sealed: string;
  position: number;
  created_at: number;
  updated_at: number;
}

/** A client's session after the right code: scoped to one delivery; the cookie's token only as SHA-256. */
export interface DeliverySessionsTable {
  id: string;
  delivery_id: string;
  token_hash: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
  ip: string;
  user_agent: string;
}

export type DeliveryEventKind =
  | 'created'
  | 'opened'
  | 'code_failed'
  | 'locked'
  | 'file_downloaded'
  | 'zip_downloaded'
  | 'updated'
  | 'revoked'
  | 'code_regenerated'
  | 'resent'
  | 'file_added'
  | 'file_removed'
  | 'reordered'
  | 'sets_changed';

export interface DeliveryEventsTable {
  id: string;
  delivery_id: string;
  kind: DeliveryEventKind;
  file_id: string | null;
  at: number;
  ip: string | null;
  user_agent: string | null;
}

/** One recipient of one sending action of a delivery's emails: what the studio's mail limits count. */
export interface DeliveryMailSendsTable {
  id: string;
  send_id: string;
  studio_id: string;
  delivery_id: string;
  reason: 'created' | 'resent' | 'code_sent';
  /** Peppered HMAC of the address, scoped to the studio (never the address). */
  recipient_digest: string;
  emails: number;
  at: number;
}

/** The admins were told that this studio reached this mail limit in this window. */
export interface DeliveryMailAlertsTable {
  studio_id: string;
  rule: string;
  window_start: number;
  at: number;
}

/** A print lab (docs/labs.md). The PIN only as a peppered HMAC; contacts and catalogue as JSON. */
export interface LabsTable {
  id: string;
  /** The lab ID people type: `LAB-` and four characters (labs/lab-ids.ts). */
  code: string;
  name: string;
  /** JSON array of addresses. */
  contact_emails: string;
  /** JSON array of products (labs/catalogue.ts). */
  catalogue: string;
  /** Peppered HMAC of the PIN (crypto/hashing.ts) and the pepper's key version. */
  pin_digest: string;
  pin_key_version: string;
  pin_length: number;
  pin_set_at: number;
  /** 1: a new device must confirm a one-time code sent to the contacts. */
  require_device_code: Generated<number>;
  disabled_at: number | null;
  /** Wrong PINs since the last lockout (labs/lockout.ts). */
  failed_attempts: Generated<number>;
  locked_until: number | null;
  /** Lockouts since the PIN was set: each lasts twice the one before. */
  lockouts: Generated<number>;
  /** Set when the lockouts ran out: only a new PIN opens the lab again. */
  blocked_at: number | null;
  /** The last wrong PIN: the count restarts after a quiet window (labs/lockout.ts). */
  last_failed_at: number | null;
  /** When the last lockout began: the history decays from there. */
  last_locked_at: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface LabPortalStudiosTable {
  studio_id: string;
  enabled_at: number;
}

export interface StudioLabsTable {
  studio_id: string;
  lab_id: string;
  created_at: number;
}

/** A lab's session after the right PIN: the cookie's token only as SHA-256. */
export interface LabSessionsTable {
  id: string;
  lab_id: string;
  token_hash: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
  ip: string;
  user_agent: string;
}

export interface LabDevicesTable {
  token_hash: string;
  lab_id: string;
  created_at: number;
  expires_at: number;
}

export interface LabDeviceCodesTable {
  id: string;
  lab_id: string;
  code_digest: string;
  code_key_version: string;
  failed_attempts: Generated<number>;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export type PrintOrderStatus = 'draft' | 'submitted' | 'accepted' | 'in_production' | 'shipped' | 'completed' | 'rejected' | 'cancelled';

export interface PrintOrdersTable {
  id: string;
  studio_id: string;
  lab_id: string;
  created_by: string | null;
  status: PrintOrderStatus;
  /** Sealed JSON { shipping, notes } under the studio's data key, purpose `print-order-details`, associated data `print_orders/<id>`. */
  details_sealed: string;
  /** YYYY-MM-DD. */
  due_date: string | null;
  carrier: string | null;
  tracking_number: string | null;
  reject_reason: string | null;
  created_at: number;
  updated_at: number;
  submitted_at: number | null;
  /** When it was completed, rejected or cancelled. */
  closed_at: number | null;
}

export interface PrintOrderLinesTable {
  id: string;
  order_id: string;
  position: number;
  file_id: string;
  sku: string;
  finish: string | null;
  quantity: number;
  crop: string | null;
  notes: string | null;
}

export type PrintOrderEventKind = PrintOrderStatus | 'created' | 'updated' | 'opened' | 'file_downloaded' | 'zip_downloaded';

export interface PrintOrderEventsTable {
  id: string;
  order_id: string;
  kind: Exclude<PrintOrderEventKind, 'draft'>;
  by_lab: number;
  file_id: string | null;
  /** Carrier and tracking number, or a reason: what the lab wrote with a status. */
  note: string | null;
  at: number;
  ip: string | null;
}

/** A studio's image-service project (docs/imaging.md): its allowlists, expiry rules and imgproxy-format signing. */
export interface ImageProjectsTable {
  id: string;
  studio_id: string;
  name: string;
  /** Unique per studio; the first path segment of every image URL. */
  slug: string;
  description: string;
  /** JSON array of referer host patterns; empty: any referer (and none). */
  referers: string;
  /** JSON array of remote source host patterns; empty: the studio's own published files only. */
  sources: string;
  require_expiry: number;
  /** Null: no cap on how far ahead `exp` may be. */
  max_lifetime_seconds: number | null;
  /** Whether `_` (no operations) on an own file serves the original bytes as they are. */
  allow_original: number;
  /** Sealed hex key and salt (purposes `image-imgproxy-key` / `-salt`, associated data `image_projects/<id>/…`). */
  imgproxy_key_sealed: string | null;
  imgproxy_salt_sealed: string | null;
  imgproxy_signature_size: number;
  created_at: number;
  updated_at: number;
}

/** An API key of a project: `pk_` public id, the `sk_` secret sealed (purpose `image-key-secret`). */
export interface ImageKeysTable {
  id: string;
  studio_id: string;
  project_id: string;
  public_id: string;
  name: string;
  secret_sealed: string;
  /** The secret before the last rotation, accepted until `previous_valid_until`. */
  previous_secret_sealed: string | null;
  previous_valid_until: number | null;
  /** JSON arrays narrowing the project's lists; null inherits them. */
  referers: string | null;
  sources: string | null;
  per_minute: number;
  per_day: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  rotated_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A vault file published for the web under an opaque public id; the row's absence is "not published". */
export interface ImageWebFilesTable {
  file_id: string;
  studio_id: string;
  public_id: string;
  created_at: number;
}

/** Counters per project, key ('' for keyless imgproxy-format requests) and minute (epoch ms at the minute's start). */
export interface ImageUsageTable {
  studio_id: string;
  project_id: string;
  key_id: string;
  minute: number;
  requests: Generated<number>;
  bytes: Generated<number>;
  cache_hits: Generated<number>;
  refused_signature: Generated<number>;
  refused_expired: Generated<number>;
  refused_referer: Generated<number>;
  refused_source: Generated<number>;
  refused_rate_limit: Generated<number>;
}

/** A delivery that allows proofing, with the photographer's optional limit on favourites (deliveries/proofing.ts). */
export interface DeliveryProofingTable {
  delivery_id: string;
  studio_id: string;
  favourite_limit: number | null;
  created_at: number;
  updated_at: number;
}

/** One client's named selection in a delivery: name sealed, written with its own token (stored as SHA-256). */
export interface DeliveryProofingListsTable {
  id: string;
  delivery_id: string;
  studio_id: string;
  /** SHA-256 of the delivery id and the normalised name: one list per name and delivery. */
  name_key: string;
  /** Sealed under the studio's data key (deliveries/proofing.ts): the list's name and the comments per file, bound to the list id. */
  details_sealed: string;
  token_hash: string;
  created_at: number;
  updated_at: number;
  submitted_at: number | null;
}

/** A photo's heart in one list. */
export interface DeliveryProofingFavouritesTable {
  list_id: string;
  file_id: string;
  studio_id: string;
  created_at: number;
}

/** A photographer's public portfolio (docs/portfolio.md): one per account, at /p/{slug}. */
export interface PortfoliosTable {
  id: string;
  studio_id: string;
  user_id: string;
  slug: string;
  display_name: string;
  bio: string;
  avatar_file_id: string | null;
  contact_url: string | null;
  /** JSON array of { label, url }. */
  social_links: string;
  hide_from_search: number;
  /** A host the admin mapped to this portfolio, or null. */
  custom_domain: string | null;
  created_at: number;
  updated_at: number;
}

export interface PortfolioCollectionsTable {
  id: string;
  studio_id: string;
  portfolio_id: string;
  slug: string;
  title: string;
  description: string;
  /** A photo of this collection (portfolio_photos.id); null: the first one. */
  cover_photo_id: string | null;
  position: number;
  /** The visible watermark on its public renditions (JSON: text, position, opacity, logo?); null: none. */
  watermark_json: string | null;
  created_at: number;
  updated_at: number;
}

/** A vault file published into a collection; `id` is its public id. The row's absence is "not published". */
export interface PortfolioPhotosTable {
  id: string;
  studio_id: string;
  portfolio_id: string;
  collection_id: string;
  file_id: string;
  position: number;
  alt: string;
  width: number;
  height: number;
  published_at: number;
}

/** A website's read-only token (64 characters), stored only as its SHA-256. */
export interface PortfolioSiteTokensTable {
  id: string;
  studio_id: string;
  name: string;
  token_hash: string;
  /** JSON array of allowed CORS origins. */
  origins: string;
  created_at: number;
  /** The end of a rotation's overlap; null: no end. */
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export type AnalyticsKind = 'impression' | 'view' | 'click' | 'download' | 'page_view';

export interface PortfolioDailyCountsTable {
  studio_id: string;
  portfolio_id: string;
  /** UTC day number (epoch ms / 86 400 000). */
  day: number;
  kind: AnalyticsKind;
  /** '' when the event names no photo / collection / referrer. */
  photo_id: string;
  collection_id: string;
  referrer: string;
  count: number;
}

/** A day's visitor as a salted hash, kept 48 hours at most (then only the count stays). */
export interface PortfolioVisitorsTable {
  portfolio_id: string;
  day: number;
  visitor_hash: string;
}

export interface PortfolioDailyUniquesTable {
  studio_id: string;
  portfolio_id: string;
  day: number;
  visitors: number;
}

/** The day's random salt for visitor hashes, deleted after the day. */
export interface PortfolioSaltsTable {
  day: number;
  salt: string;
}

export interface Tables {
  studios: StudiosTable;
  studio_keys: StudioKeysTable;
  studio_branding: StudioBrandingTable;
  key_peppers: KeyPeppersTable;
  key_version_usage: KeyVersionUsageTable;
  users: UsersTable;
  studio_members: StudioMembersTable;
  sign_in_codes: SignInCodesTable;
  sign_in_guards: SignInGuardsTable;
  credential_change_tokens: CredentialChangeTokensTable;
  rate_limit_counters: RateLimitCountersTable;
  sessions: SessionsTable;
  studio_invitations: StudioInvitationsTable;
  second_factor_challenges: SecondFactorChallengesTable;
  recovery_codes: RecoveryCodesTable;
  password_reset_tokens: PasswordResetTokensTable;
  setup_tokens: SetupTokensTable;
  audit_events: AuditEventsTable;
  audit_chain_head: AuditChainHeadTable;
  audit_seals: AuditSealsTable;
  alerts: AlertsTable;
  alert_scan_cursor: AlertScanCursorTable;
  vault_albums: VaultAlbumsTable;
  vault_album_files: VaultAlbumFilesTable;
  vault_files: VaultFilesTable;
  vault_plain_blocks: VaultPlainBlocksTable;
  vault_pending_blobs: VaultPendingBlobsTable;
  vault_resumable_uploads: VaultResumableUploadsTable;
  jobs: JobsTable;
  deliveries: DeliveriesTable;
  delivery_files: DeliveryFilesTable;
  delivery_proofing: DeliveryProofingTable;
  delivery_proofing_lists: DeliveryProofingListsTable;
  delivery_proofing_favourites: DeliveryProofingFavouritesTable;
  delivery_sets: DeliverySetsTable;
  image_projects: ImageProjectsTable;
  image_keys: ImageKeysTable;
  image_web_files: ImageWebFilesTable;
  image_usage: ImageUsageTable;
  delivery_sessions: DeliverySessionsTable;
  delivery_events: DeliveryEventsTable;
  delivery_code_guards: DeliveryCodeGuardsTable;
  delivery_mail_sends: DeliveryMailSendsTable;
  delivery_mail_alerts: DeliveryMailAlertsTable;
  labs: LabsTable;
  lab_portal_studios: LabPortalStudiosTable;
  studio_labs: StudioLabsTable;
  lab_sessions: LabSessionsTable;
  lab_devices: LabDevicesTable;
  lab_device_codes: LabDeviceCodesTable;
  print_orders: PrintOrdersTable;
  print_order_lines: PrintOrderLinesTable;
  print_order_events: PrintOrderEventsTable;
  portfolios: PortfoliosTable;
  portfolio_collections: PortfolioCollectionsTable;
  portfolio_photos: PortfolioPhotosTable;
  portfolio_site_tokens: PortfolioSiteTokensTable;
  portfolio_daily_counts: PortfolioDailyCountsTable;
  portfolio_visitors: PortfolioVisitorsTable;
  portfolio_daily_uniques: PortfolioDailyUniquesTable;
  portfolio_salts: PortfolioSaltsTable;
}
