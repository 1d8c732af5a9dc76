-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/vault/resumable-repo.ts.
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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18);

-- findResumableUpload
select
  *
from
  "vault_resumable_uploads"
where
  "id" = $1
  and "studio_id" = $2
  and "user_id" = $3;

-- lockResumableUpload
update "vault_resumable_uploads"
set
  "lock_token" = $1,
  "locked_until" = $2
where
  "id" = $3
  and "studio_id" = $4
  and "file_id" is null
  and (
    "locked_until" is null
    or "locked_until" < $5
  );

-- renewResumableLock
update "vault_resumable_uploads"
set
  "locked_until" = $1
where
  "id" = $2
  and "studio_id" = $3
  and "lock_token" = $4;

-- advanceResumableUpload: and release
update "vault_resumable_uploads"
set
  "upload_offset" = $1,
  "chunks" = $2,
  "segments" = $3,
  "tail_sealed" = $4,
  "expires_at" = $5,
  "lock_token" = $6,
  "locked_until" = $7
where
  "id" = $8
  and "studio_id" = $9
  and "lock_token" = $10;

-- advanceResumableUpload: completed, lock kept
update "vault_resumable_uploads"
set
  "upload_offset" = $1,
  "chunks" = $2,
  "segments" = $3,
  "tail_sealed" = $4,
  "expires_at" = $5,
  "file_id" = $6,
  "duplicate_of" = $7
where
  "id" = $8
  and "studio_id" = $9
  and "lock_token" = $10;

-- unlockResumableUpload
update "vault_resumable_uploads"
set
  "lock_token" = $1,
  "locked_until" = $2
where
  "id" = $3
  and "studio_id" = $4
  and "lock_token" = $5;

-- deleteResumableUpload
delete from "vault_resumable_uploads"
where
  "id" = $1
  and "studio_id" = $2;

-- listExpiredResumableUploads
select
  *
from
  "vault_resumable_uploads"
where
  "expires_at" < $1
order by
  "expires_at"
limit
  $2;

-- reservedUploadBytes
select
  coalesce(sum("length"), 0) as "reserved"
from
  "vault_resumable_uploads"
where
  "studio_id" = $1
  and "file_id" is null
  and "expires_at" >= $2
  and "id" != $3;
