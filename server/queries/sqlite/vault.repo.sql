-- Rendered for SQLite by server/src/queries.test.ts from server/src/vault/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertUploadingFile
insert into
  "vault_files" (
    "id",
    "studio_id",
    "status",
    "failure_reason",
    "encrypted",
    "blob_key",
    "thumbnail_key",
    "preview_key",
    "media_type",
    "size",
    "name_sealed",
    "metadata_sealed",
    "captured_day",
    "uploaded_at",
    "deleted_at",
    "content_digest"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- completeUpload
update "vault_files"
set
  "status" = ?,
  "media_type" = ?,
  "size" = ?,
  "name_sealed" = ?,
  "metadata_sealed" = ?,
  "content_digest" = ?,
  "captured_day" = ?,
  "uploaded_at" = ?
where
  "id" = ?
  and "status" = ?
  and "uploaded_at" >= ?;

-- insertPlainBlocks
insert into
  "vault_plain_blocks" ("file_id", "hashes_sealed")
values
  (?, ?);

-- touchUpload
update "vault_files"
set
  "uploaded_at" = ?
where
  "id" = ?
  and "status" = ?
  and "uploaded_at" >= ?;

-- claimStaleUploads
update "vault_files"
set
  "uploaded_at" = ?
where
  "status" = ?
  and "uploaded_at" >= ?
  and "uploaded_at" < ?;

-- insertPendingBlobs
insert into
  "vault_pending_blobs" ("blob_key", "studio_id", "created_at")
values
  (?, ?, ?),
  (?, ?, ?);

-- releasePendingBlobs
delete from "vault_pending_blobs"
where
  "blob_key" in (?, ?);

-- listStalePendingBlobs
select
  "blob_key"
from
  "vault_pending_blobs"
where
  "created_at" < ?
order by
  "created_at"
limit
  ?;

-- findPlainBlocks
select
  "hashes_sealed"
from
  "vault_plain_blocks"
where
  "file_id" = ?;

-- deleteFileRow
delete from "vault_files"
where
  "id" = ?;

-- usedBytes
select
  coalesce(sum("size"), 0) as "used"
from
  "vault_files"
where
  "studio_id" = ?
  and "status" != ?;

-- findStudioFiles
select
  *
from
  "vault_files"
where
  "studio_id" = ?
  and "id" in (?, ?)
  and "status" in (?, ?, ?);

-- findStudioFile
select
  *
from
  "vault_files"
where
  "studio_id" = ?
  and "id" in (?)
  and "status" in (?, ?, ?);

-- findVisibleFileSummary
select
  "id",
  "studio_id",
  "media_type",
  "size",
  "status"
from
  "vault_files"
where
  "studio_id" = ?
  and "id" = ?
  and "status" in (?, ?, ?)
  and "deleted_at" is null;

-- findStudioFileSizes
select
  "id",
  "size"
from
  "vault_files"
where
  "studio_id" = ?
  and "id" in (?, ?)
  and "status" in (?, ?, ?)
  and "deleted_at" is null;

-- findNamedStudioFiles
select
  "id",
  "name_sealed"
from
  "vault_files"
where
  "studio_id" = ?
  and "id" in (?, ?)
  and "name_sealed" is not null;

-- findFileById
select
  *
from
  "vault_files"
where
  "id" = ?;

-- listFilesPage: first page, newest uploads
select
  *
from
  "vault_files"
where
  (
    "studio_id" = ?
    and "status" in (?, ?, ?)
    and "deleted_at" is null
  )
order by
  "uploaded_at" desc,
  "id" desc
limit
  ?;

-- listFilesPage: next page by capture day, in an album
select
  *
from
  "vault_files"
where
  (
    "studio_id" = ?
    and "status" in (?, ?, ?)
    and "deleted_at" is null
    and exists (
      select
        "vault_album_files"."album_id"
      from
        "vault_album_files"
      where
        "vault_album_files"."file_id" = "vault_files"."id"
        and "album_id" = ?
    )
  )
  and (
    "captured_day" > ?
    or (
      "captured_day" = ?
      and (
        "uploaded_at" > ?
        or (
          "uploaded_at" = ?
          and "id" > ?
        )
      )
    )
  )
order by
  "captured_day" asc,
  "uploaded_at" asc,
  "id" asc
limit
  ?;

-- listFilesPage: the trash, files in no album
select
  *
from
  "vault_files"
where
  (
    "studio_id" = ?
    and "status" in (?, ?, ?)
    and "deleted_at" is not null
    and not exists (
      select
        "vault_album_files"."album_id"
      from
        "vault_album_files"
      where
        "vault_album_files"."file_id" = "vault_files"."id"
    )
  )
order by
  "uploaded_at" desc,
  "id" desc
limit
  ?;

-- listSealedNames
select
  "id",
  "name_sealed",
  "captured_day",
  "uploaded_at"
from
  "vault_files"
where
  (
    "studio_id" = ?
    and "status" in (?, ?, ?)
    and "deleted_at" is null
  )
order by
  "uploaded_at" desc,
  "id" desc
limit
  ?;

-- moveStudioFiles: into one album
select
  "id"
from
  "vault_files"
where
  "studio_id" = ?
  and "id" in (?, ?)
  and "status" in (?, ?, ?);

-- moveStudioFiles: out of every album
select
  "id"
from
  "vault_files"
where
  "studio_id" = ?
  and "id" in (?, ?)
  and "status" in (?, ?, ?);

-- insertAlbumFiles
select
  "id"
from
  "vault_files"
where
  "studio_id" = ?
  and "id" in (?, ?)
  and "status" in (?, ?, ?);

-- deleteAlbumFiles
delete from "vault_album_files"
where
  "album_id" = ?
  and "file_id" in (
    select
      "id"
    from
      "vault_files"
    where
      "studio_id" = ?
      and "id" in (?, ?)
      and "status" in (?, ?, ?)
  );

-- listFileAlbumIds
select
  "file_id",
  "album_id"
from
  "vault_album_files"
where
  "file_id" in (?, ?)
order by
  "added_at",
  "album_id";

-- findFileWithContent
select
  "id"
from
  "vault_files"
where
  "studio_id" = ?
  and "content_digest" = ?
  and "id" != ?
  and "status" in (?, ?, ?)
  and "deleted_at" is null
order by
  "uploaded_at",
  "id"
limit
  ?;

-- listFilesWithoutContentDigest
select
  "id",
  "studio_id",
  "metadata_sealed"
from
  "vault_files"
where
  "content_digest" is null
  and "status" in (?, ?, ?)
  and "id" > ?
order by
  "id"
limit
  ?;

-- setContentDigest
update "vault_files"
set
  "content_digest" = ?
where
  "id" = ?
  and "studio_id" = ?
  and "content_digest" is null;

-- setDeletedAt: to the trash
update "vault_files"
set
  "deleted_at" = ?
where
  "studio_id" = ?
  and "id" = ?
  and "status" in (?, ?, ?)
  and "deleted_at" is null;

-- setDeletedAt: back from it
update "vault_files"
set
  "deleted_at" = ?
where
  "studio_id" = ?
  and "id" = ?
  and "status" in (?, ?, ?)
  and "deleted_at" is not null;

-- markTrashPurging: a studio's trash
update "vault_files"
set
  "status" = ?
where
  "deleted_at" is not null
  and "status" in (?, ?, ?)
  and "studio_id" = ?;

-- markTrashPurging: trash past its retention
update "vault_files"
set
  "status" = ?
where
  "deleted_at" is not null
  and "status" in (?, ?, ?)
  and "deleted_at" < ?;

-- listPurgeable: a studio's
select
  *
from
  "vault_files"
where
  "studio_id" = ?
  and "status" = ?
order by
  "id"
limit
  ?;

-- listPurgeable: with abandoned uploads
select
  *
from
  "vault_files"
where
  (
    "status" = ?
    or (
      "status" = ?
      and "uploaded_at" = ?
    )
  )
order by
  "id"
limit
  ?;

-- setPreviewsReady
update "vault_files"
set
  "status" = ?,
  "failure_reason" = ?,
  "thumbnail_key" = ?,
  "preview_key" = ?
where
  "id" = ?
  and "status" = ?;

-- setPreviewsFailed
update "vault_files"
set
  "status" = ?,
  "failure_reason" = ?
where
  "id" = ?
  and "status" = ?;

-- setProcessing
update "vault_files"
set
  "status" = ?,
  "failure_reason" = ?
where
  "studio_id" = ?
  and "id" = ?
  and "status" in (?, ?);

-- insertAlbum
insert into
  "vault_albums" ("id", "studio_id", "name_sealed", "created_at", "updated_at")
values
  (?, ?, ?, ?, ?);

-- findStudioAlbum
select
  *
from
  "vault_albums"
where
  "studio_id" = ?
  and "id" = ?;

-- listStudioAlbums: every album
select
  "vault_albums".*,
  (
    select
      count(*) as "count"
    from
      "vault_album_files"
      inner join "vault_files" on "vault_files"."id" = "vault_album_files"."file_id"
    where
      "vault_album_files"."album_id" = "vault_albums"."id"
      and "vault_files"."status" in (?, ?, ?)
      and "vault_files"."deleted_at" is null
  ) as "file_count"
from
  "vault_albums"
where
  "studio_id" = ?;

-- listStudioAlbums: one album
select
  "vault_albums".*,
  (
    select
      count(*) as "count"
    from
      "vault_album_files"
      inner join "vault_files" on "vault_files"."id" = "vault_album_files"."file_id"
    where
      "vault_album_files"."album_id" = "vault_albums"."id"
      and "vault_files"."status" in (?, ?, ?)
      and "vault_files"."deleted_at" is null
  ) as "file_count"
from
  "vault_albums"
where
  "studio_id" = ?
  and "id" = ?;

-- renameAlbum
update "vault_albums"
set
  "name_sealed" = ?,
  "updated_at" = ?
where
  "studio_id" = ?
  and "id" = ?;

-- deleteAlbumRow
delete from "vault_albums"
where
  "studio_id" = ?
  and "id" = ?;

-- listAlbumFileIds
select
  "vault_files"."id"
from
  "vault_files"
  inner join "vault_album_files" on "vault_album_files"."file_id" = "vault_files"."id"
where
  "vault_files"."studio_id" = ?
  and "vault_album_files"."album_id" = ?
  and "deleted_at" is null
  and "status" in (?, ?, ?)
order by
  "uploaded_at",
  "id";

-- markStudioPurging
update "vault_files"
set
  "status" = ?
where
  "studio_id" = ?;

-- listStoredFilesPage
select
  *
from
  "vault_files"
where
  "status" not in (?, ?)
  and "id" > ?
order by
  "id"
limit
  ?;

-- listStudioBlobKeys
select
  "blob_key",
  "thumbnail_key",
  "preview_key"
from
  "vault_files"
where
  "studio_id" = ?
  and "status" not in (?, ?);
