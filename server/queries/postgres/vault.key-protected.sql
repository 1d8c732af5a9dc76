-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/vault/key-protected.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- sealed vault_files.name_sealed: first page
select
  "id" as "id",
  "name_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_files"
where
  "name_sealed" is not null
order by
  "id"
limit
  $1;

-- sealed vault_files.name_sealed: next page
select
  "id" as "id",
  "name_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_files"
where
  "name_sealed" is not null
  and "id" > $1
order by
  "id"
limit
  $2;

-- sealed vault_files.name_sealed: re-seal one value
update "vault_files"
set
  "name_sealed" = $1
where
  "id" = $2
  and "name_sealed" = $3;

-- sealed vault_files.name_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "name_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_files"
where
  "name_sealed" is not null
  and "id" > $1
  and "name_sealed" not like $2
order by
  "id"
limit
  $3;

-- sealed vault_files.metadata_sealed: first page
select
  "id" as "id",
  "metadata_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_files"
where
  "metadata_sealed" is not null
order by
  "id"
limit
  $1;

-- sealed vault_files.metadata_sealed: next page
select
  "id" as "id",
  "metadata_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_files"
where
  "metadata_sealed" is not null
  and "id" > $1
order by
  "id"
limit
  $2;

-- sealed vault_files.metadata_sealed: re-seal one value
update "vault_files"
set
  "metadata_sealed" = $1
where
  "id" = $2
  and "metadata_sealed" = $3;

-- sealed vault_files.metadata_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "metadata_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_files"
where
  "metadata_sealed" is not null
  and "id" > $1
  and "metadata_sealed" not like $2
order by
  "id"
limit
  $3;

-- sealed vault_plain_blocks.hashes_sealed: first page
select
  "file_id" as "id",
  "hashes_sealed" as "sealed"
from
  "vault_plain_blocks"
where
  "hashes_sealed" is not null
order by
  "file_id"
limit
  $1;

-- sealed vault_plain_blocks.hashes_sealed: next page
select
  "file_id" as "id",
  "hashes_sealed" as "sealed"
from
  "vault_plain_blocks"
where
  "hashes_sealed" is not null
  and "file_id" > $1
order by
  "file_id"
limit
  $2;

-- sealed vault_plain_blocks.hashes_sealed: re-seal one value
update "vault_plain_blocks"
set
  "hashes_sealed" = $1
where
  "file_id" = $2
  and "hashes_sealed" = $3;

-- sealed vault_albums.name_sealed: first page
select
  "id" as "id",
  "name_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_albums"
where
  "name_sealed" is not null
order by
  "id"
limit
  $1;

-- sealed vault_albums.name_sealed: next page
select
  "id" as "id",
  "name_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_albums"
where
  "name_sealed" is not null
  and "id" > $1
order by
  "id"
limit
  $2;

-- sealed vault_albums.name_sealed: re-seal one value
update "vault_albums"
set
  "name_sealed" = $1
where
  "id" = $2
  and "name_sealed" = $3;

-- sealed vault_albums.name_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "name_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_albums"
where
  "name_sealed" is not null
  and "id" > $1
  and "name_sealed" not like $2
order by
  "id"
limit
  $3;

-- sealed vault_resumable_uploads.name_sealed: first page
select
  "id" as "id",
  "name_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_resumable_uploads"
where
  "name_sealed" is not null
order by
  "id"
limit
  $1;

-- sealed vault_resumable_uploads.name_sealed: next page
select
  "id" as "id",
  "name_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_resumable_uploads"
where
  "name_sealed" is not null
  and "id" > $1
order by
  "id"
limit
  $2;

-- sealed vault_resumable_uploads.name_sealed: re-seal one value
update "vault_resumable_uploads"
set
  "name_sealed" = $1
where
  "id" = $2
  and "name_sealed" = $3;

-- sealed vault_resumable_uploads.name_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "name_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "vault_resumable_uploads"
where
  "name_sealed" is not null
  and "id" > $1
  and "name_sealed" not like $2
order by
  "id"
limit
  $3;
