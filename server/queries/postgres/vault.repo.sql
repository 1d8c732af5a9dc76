-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/vault/repo.ts.
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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16);

-- completeUpload
update "vault_files"
set
  "status" = $1,
  "media_type" = $2,
  "size" = $3,
  "name_sealed" = $4,
  "metadata_sealed" = $5,
  "content_digest" = $6,
  "captured_day" = $7,
  "uploaded_at" = $8
where
  "id" = $9
  and "status" = $10
  and "uploaded_at" >= $11;

-- insertPlainBlocks
insert into
  "vault_plain_blocks" ("file_id", "hashes_sealed")
values
  ($1, $2);

-- touchUpload
update "vault_files"
set
  "uploaded_at" = $1
where
  "id" = $2
  and "status" = $3
  and "uploaded_at" >= $4;

-- claimStaleUploads
update "vault_files"
set
  "uploaded_at" = $1
where
  "status" = $2
  and "uploaded_at" >= $3
  and "uploaded_at" < $4;

-- insertPendingBlobs
insert into
  "vault_pending_blobs" ("blob_key", "studio_id", "created_at")
values
  ($1, $2, $3),
  ($4, $5, $6);

-- releasePendingBlobs
delete from "vault_pending_blobs"
where
  "blob_key" in ($1, $2);

-- listStalePendingBlobs
select
  "blob_key"
from
  "vault_pending_blobs"
where
  "created_at" < $1
order by
  "created_at"
limit
  $2;

-- findPlainBlocks
select
  "hashes_sealed"
from
  "vault_plain_blocks"
where
  "file_id" = $1;

-- deleteFileRow
delete from "vault_files"
where
  "id" = $1;

-- usedBytes
select
  coalesce(sum("size"), 0) as "used"
from
  "vault_files"
where
  "studio_id" = $1
  and "status" != $2;

-- findStudioFiles
select
  *
from
  "vault_files"
where
  "studio_id" = $1
  and "id" in ($2, $3)
  and "status" in ($4, $5, $6);

-- findStudioFile
select
  *
from
  "vault_files"
where
  "studio_id" = $1
  and "id" in ($2)
  and "status" in ($3, $4, $5);

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
  "studio_id" = $1
  and "id" = $2
  and "status" in ($3, $4, $5)
  and "deleted_at" is null;

-- findStudioFileSizes
select
  "id",
  "size"
from
  "vault_files"
where
  "studio_id" = $1
  and "id" in ($2, $3)
  and "status" in ($4, $5, $6)
  and "deleted_at" is null;

-- findNamedStudioFiles
select
  "id",
  "name_sealed"
from
  "vault_files"
where
  "studio_id" = $1
  and "id" in ($2, $3)
  and "name_sealed" is not null;

-- findFileById
select
  *
from
  "vault_files"
where
  "id" = $1;

-- listFilesPage: first page, newest uploads
select
  *
from
  "vault_files"
where
  (
    "studio_id" = $1
    and "status" in ($2, $3, $4)
    and "deleted_at" is null
  )
order by
  "uploaded_at" desc,
  "id" desc
limit
  $5;

-- listFilesPage: next page by capture day, in an album
select
  *
from
  "vault_files"
where
  (
    "studio_id" = $1
    and "status" in ($2, $3, $4)
    and "deleted_at" is null
    and exists (
      select
        "vault_album_files"."album_id"
      from
        "vault_album_files"
      where
        "vault_album_files"."file_id" = "vault_files"."id"
        and "album_id" = $5
    )
  )
  and (
    "captured_day" > $6
    or (
      "captured_day" = $7
      and (
        "uploaded_at" > $8
        or (
          "uploaded_at" = $9
          and "id" > $10
        )
      )
    )
  )
order by
  "captured_day" asc,
  "uploaded_at" asc,
  "id" asc
limit
  $11;

-- listFilesPage: the trash, files in no album
select
  *
from
  "vault_files"
where
  (
    "studio_id" = $1
    and "status" in ($2, $3, $4)
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
  $5;

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
    "studio_id" = $1
    and "status" in ($2, $3, $4)
    and "deleted_at" is null
  )
order by
  "uploaded_at" desc,
  "id" desc
limit
  $5;

-- moveStudioFiles: into one album
select
  "id"
from
  "vault_files"
where
  "studio_id" = $1
  and "id" in ($2, $3)
  and "status" in ($4, $5, $6);

-- moveStudioFiles: out of every album
select
  "id"
from
  "vault_files"
where
  "studio_id" = $1
  and "id" in ($2, $3)
  and "status" in ($4, $5, $6);

-- insertAlbumFiles
select
  "id"
from
  "vault_files"
where
  "studio_id" = $1
  and "id" in ($2, $3)
  and "status" in ($4, $5, $6);

-- deleteAlbumFiles
delete from "vault_album_files"
where
  "album_id" = $1
  and "file_id" in (
    select
      "id"
    from
      "vault_files"
    where
      "studio_id" = $2
      and "id" in ($3, $4)
      and "status" in ($5, $6, $7)
  );

-- listFileAlbumIds
select
  "file_id",
  "album_id"
from
  "vault_album_files"
where
  "file_id" in ($1, $2)
order by
  "added_at",
  "album_id";

-- findFileWithContent
select
  "id"
from
  "vault_files"
where
  "studio_id" = $1
  and "content_digest" = $2
  and "id" != $3
  and "status" in ($4, $5, $6)
  and "deleted_at" is null
order by
  "uploaded_at",
  "id"
limit
  $7;

-- listFilesWithoutContentDigest
select
  "id",
  "studio_id",
  "metadata_sealed"
from
  "vault_files"
where
  "content_digest" is null
  and "status" in ($1, $2, $3)
  and "id" > $4
order by
  "id"
limit
  $5;

-- setContentDigest
update "vault_files"
set
  "content_digest" = $1
where
  "id" = $2
  and "studio_id" = $3
  and "content_digest" is null;

-- setDeletedAt: to the trash
update "vault_files"
set
  "deleted_at" = $1
where
  "studio_id" = $2
  and "id" = $3
  and "status" in ($4, $5, $6)
  and "deleted_at" is null;

-- setDeletedAt: back from it
update "vault_files"
set
  "deleted_at" = $1
where
  "studio_id" = $2
  and "id" = $3
  and "status" in ($4, $5, $6)
  and "deleted_at" is not null;

-- markTrashPurging: a studio's trash
update "vault_files"
set
  "status" = $1
where
  "deleted_at" is not null
  and "status" in ($2, $3, $4)
  and "studio_id" = $5;

-- markTrashPurging: trash past its retention
update "vault_files"
set
  "status" = $1
where
  "deleted_at" is not null
  and "status" in ($2, $3, $4)
  and "deleted_at" < $5;

-- listPurgeable: a studio's
select
  *
from
  "vault_files"
where
  "studio_id" = $1
  and "status" = $2
order by
  "id"
limit
  $3;

-- listPurgeable: with abandoned uploads
select
  *
from
  "vault_files"
where
  (
    "status" = $1
    or (
      "status" = $2
      and "uploaded_at" = $3
    )
  )
order by
  "id"
limit
  $4;

-- setPreviewsReady
update "vault_files"
set
  "status" = $1,
  "failure_reason" = $2,
  "thumbnail_key" = $3,
  "preview_key" = $4
where
  "id" = $5
  and "status" = $6;

-- setPreviewsFailed
update "vault_files"
set
  "status" = $1,
  "failure_reason" = $2
where
  "id" = $3
  and "status" = $4;

-- setProcessing
update "vault_files"
set
  "status" = $1,
  "failure_reason" = $2
where
  "studio_id" = $3
  and "id" = $4
  and "status" in ($5, $6);

-- insertAlbum
insert into
  "vault_albums" ("id", "studio_id", "name_sealed", "created_at", "updated_at")
values
  ($1, $2, $3, $4, $5);

-- findStudioAlbum
select
  *
from
  "vault_albums"
where
  "studio_id" = $1
  and "id" = $2;

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
      and "vault_files"."status" in ($1, $2, $3)
      and "vault_files"."deleted_at" is null
  ) as "file_count"
from
  "vault_albums"
where
  "studio_id" = $4;

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
      and "vault_files"."status" in ($1, $2, $3)
      and "vault_files"."deleted_at" is null
  ) as "file_count"
from
  "vault_albums"
where
  "studio_id" = $4
  and "id" = $5;

-- renameAlbum
update "vault_albums"
set
  "name_sealed" = $1,
  "updated_at" = $2
where
  "studio_id" = $3
  and "id" = $4;

-- deleteAlbumRow
delete from "vault_albums"
where
  "studio_id" = $1
  and "id" = $2;

-- listAlbumFileIds
select
  "vault_files"."id"
from
  "vault_files"
  inner join "vault_album_files" on "vault_album_files"."file_id" = "vault_files"."id"
where
  "vault_files"."studio_id" = $1
  and "vault_album_files"."album_id" = $2
  and "deleted_at" is null
  and "status" in ($3, $4, $5)
order by
  "uploaded_at",
  "id";

-- markStudioPurging
update "vault_files"
set
  "status" = $1
where
  "studio_id" = $2;

-- listStoredFilesPage
select
  *
from
  "vault_files"
where
  "status" not in ($1, $2)
  and "id" > $3
order by
  "id"
limit
  $4;

-- listStudioBlobKeys
select
  "blob_key",
  "thumbnail_key",
  "preview_key"
from
  "vault_files"
where
  "studio_id" = $1
  and "status" not in ($2, $3);
