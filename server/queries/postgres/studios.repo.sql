-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/studios/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertStudioWithKey
insert into
  "studios" ("id", "name", "created_at")
values
  ($1, $2, $3);

insert into
  "studio_keys" ("studio_id", "key_version", "wrap_format", "wrapped_key", "created_at", "rewrapped_at")
values
  ($1, $2, $3, $4, $5, $6);

-- findStudioKey
select
  *
from
  "studio_keys"
where
  "studio_id" = $1;

-- deleteStudioAndKey
delete from "studio_keys"
where
  "studio_id" = $1;

delete from "studios"
where
  "id" = $1;

-- countStudioKeysByVersion
select
  "key_version",
  count(*) as "count"
from
  "studio_keys"
group by
  "key_version";

-- listStudioKeysNotAtVersion
select
  *
from
  "studio_keys"
where
  (
    "key_version" != $1
    or "wrap_format" != $2
  )
  and "studio_id" > $3
order by
  "studio_id"
limit
  $4;

-- replaceWrappedKey
update "studio_keys"
set
  "key_version" = $1,
  "wrap_format" = $2,
  "wrapped_key" = $3,
  "rewrapped_at" = $4
where
  "studio_id" = $5
  and "key_version" = $6
  and "wrapped_key" = $7;

-- findStudioSettings
select
  "id",
  "encryption_enabled",
  "quota_bytes"
from
  "studios"
where
  "id" = $1;

-- updateStudioSettings
update "studios"
set
  "encryption_enabled" = $1,
  "quota_bytes" = $2
where
  "id" = $3;

-- lockStudioRow
select
  "id"
from
  "studios"
where
  "id" = $1
for update;

-- findStudioName
select
  "name"
from
  "studios"
where
  "id" = $1;

-- listStudioNames
select
  "id",
  "name"
from
  "studios"
order by
  "name",
  "id";
