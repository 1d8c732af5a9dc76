-- Rendered for SQLite by server/src/queries.test.ts from server/src/keys/peppers-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- findPepper
select
  "id",
  "key_version",
  "wrap_format",
  "wrapped_key"
from
  "key_peppers"
where
  "id" = ?;

-- listPeppers
select
  "id",
  "key_version",
  "wrap_format",
  "wrapped_key"
from
  "key_peppers"
order by
  "id";

-- insertPepperIfAbsent
insert into
  "key_peppers" ("id", "origin", "key_version", "wrap_format", "wrapped_key", "created_at", "rewrapped_at")
values
  (?, ?, ?, ?, ?, ?, ?)
on conflict ("id") do nothing;

-- countPeppersByVersion
select
  "key_version",
  count(*) as "count"
from
  "key_peppers"
group by
  "key_version";

-- replacePepperWrap
update "key_peppers"
set
  "key_version" = ?,
  "wrap_format" = ?,
  "wrapped_key" = ?,
  "rewrapped_at" = ?
where
  "id" = ?
  and "key_version" = ?
  and "wrapped_key" = ?;
