-- Rendered for SQLite by server/src/queries.test.ts from server/src/vault/resumable-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertResumableUpload
insert into
  "vault_resumable_uploads" (
    "id",
    "studio_id",
    "user_id",
    "album_id",
    "name_sealed",
    "length",
    "upload_offset",
    "header",
    "chunks",
    "segments",
    "tail_sealed",
    "lock_token",
    "locked_until",
    "file_id",
    "on_duplicate",
    "duplicate_of",
    "created_at",
    "expires_at"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- findResumableUpload
select
  *
from
  "vault_resumable_uploads"
where
  "id" = ?
  and "studio_id" = ?
  and "user_id" = ?;

-- lockResumableUpload
update "vault_resumable_uploads"
set
  "lock_token" = ?,
  "locked_until" = ?
where
  "id" = ?
  and "studio_id" = ?
  and "file_id" is null
  and (
    "locked_until" is null
    or "locked_until" < ?
  );

-- renewResumableLock
update "vault_resumable_uploads"
set
  "locked_until" = ?
where
  "id" = ?
  and "studio_id" = ?
  and "lock_token" = ?;

-- advanceResumableUpload: and release
update "vault_resumable_uploads"
set
  "upload_offset" = ?,
  "chunks" = ?,
  "segments" = ?,
  "tail_sealed" = ?,
  "expires_at" = ?,
  "lock_token" = ?,
  "locked_until" = ?
where
  "id" = ?
  and "studio_id" = ?
  and "lock_token" = ?;

-- advanceResumableUpload: completed, lock kept
update "vault_resumable_uploads"
set
  "upload_offset" = ?,
  "chunks" = ?,
  "segments" = ?,
  "tail_sealed" = ?,
  "expires_at" = ?,
  "file_id" = ?,
  "duplicate_of" = ?
where
  "id" = ?
  and "studio_id" = ?
  and "lock_token" = ?;

-- unlockResumableUpload
update "vault_resumable_uploads"
set
  "lock_token" = ?,
  "locked_until" = ?
where
  "id" = ?
  and "studio_id" = ?
  and "lock_token" = ?;

-- deleteResumableUpload
delete from "vault_resumable_uploads"
where
  "id" = ?
  and "studio_id" = ?;

-- listExpiredResumableUploads
select
  *
from
  "vault_resumable_uploads"
where
  "expires_at" < ?
order by
  "expires_at"
limit
  ?;

-- reservedUploadBytes
select
  coalesce(sum("length"), 0) as "reserved"
from
  "vault_resumable_uploads"
where
  "studio_id" = ?
  and "file_id" is null
  and "expires_at" >= ?
  and "id" != ?;
