-- Rendered for SQLite by server/src/queries.test.ts from server/src/studios/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertStudioWithKey
insert into
  "studios" ("id", "name", "created_at", "suspended_at")
values
  (?, ?, ?, ?);

insert into
  "studio_keys" ("studio_id", "key_version", "wrap_format", "wrapped_key", "created_at", "rewrapped_at")
values
  (?, ?, ?, ?, ?, ?);

-- findStudioKey
select
  *
from
  "studio_keys"
where
  "studio_id" = ?;

-- deleteStudioAndKey
delete from "studio_keys"
where
  "studio_id" = ?;

delete from "studios"
where
  "id" = ?;

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
    "key_version" != ?
    or "wrap_format" != ?
  )
  and "studio_id" > ?
order by
  "studio_id"
limit
  ?;

-- replaceWrappedKey
update "studio_keys"
set
  "key_version" = ?,
  "wrap_format" = ?,
  "wrapped_key" = ?,
  "rewrapped_at" = ?
where
  "studio_id" = ?
  and "key_version" = ?
  and "wrapped_key" = ?;

-- findStudioSettings
select
  "id",
  "encryption_enabled",
  "quota_bytes"
from
  "studios"
where
  "id" = ?;

-- updateStudioSettings
update "studios"
set
  "encryption_enabled" = ?,
  "quota_bytes" = ?
where
  "id" = ?;

-- lockStudioRow
-- (no query on this database)

-- setStudioSuspendedAt: suspend
update "studios"
set
  "suspended_at" = ?
where
  "id" = ?;

-- setStudioSuspendedAt: resume
update "studios"
set
  "suspended_at" = ?
where
  "id" = ?;

-- findStudioSuspendedAt
select
  "suspended_at"
from
  "studios"
where
  "id" = ?;

-- listSuspendedStudioIds
select
  "id"
from
  "studios"
where
  "id" in (?, ?)
  and "suspended_at" is not null;

-- listSuspendedStudioIds: none
-- (no query on this database)

-- findStudioName
select
  "name"
from
  "studios"
where
  "id" = ?;

-- deleteStudioKeys
delete from "studio_keys"
where
  "studio_id" in (?, ?);

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
  "studios"."id" = ?
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
