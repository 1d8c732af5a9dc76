-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/studios/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertStudioWithKey
insert into
  "studios" ("id", "name", "created_at", "suspended_at")
values
  ($1, $2, $3, $4);

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

-- setStudioSuspendedAt: suspend
update "studios"
set
  "suspended_at" = $1
where
  "id" = $2;

-- setStudioSuspendedAt: resume
update "studios"
set
  "suspended_at" = $1
where
  "id" = $2;

-- findStudioSuspendedAt
select
  "suspended_at"
from
  "studios"
where
  "id" = $1;

-- listSuspendedStudioIds
select
  "id"
from
  "studios"
where
  "id" in ($1, $2)
  and "suspended_at" is not null;

-- listSuspendedStudioIds: none
-- (no query on this database)

-- findStudioName
select
  "name"
from
  "studios"
where
  "id" = $1;

-- deleteStudioKeys
delete from "studio_keys"
where
  "studio_id" in ($1, $2);

-- selectStudios: every studio
select
  "studios"."id",
  "studios"."name",
  "studios"."created_at",
  "studios"."encryption_enabled",
  "studios"."quota_bytes",
  "studio_keys"."key_version"
from
  "studios"
  left join "studio_keys" on "studio_keys"."studio_id" = "studios"."id"
order by
  "studios"."name",
  "studios"."id";

-- selectStudios: one studio
select
  "studios"."id",
  "studios"."name",
  "studios"."created_at",
  "studios"."encryption_enabled",
  "studios"."quota_bytes",
  "studio_keys"."key_version"
from
  "studios"
  left join "studio_keys" on "studio_keys"."studio_id" = "studios"."id"
where
  "studios"."id" = $1
order by
  "studios"."name",
  "studios"."id";

-- listStudioNames
select
  "id",
  "name"
from
  "studios"
order by
  "name",
  "id";
