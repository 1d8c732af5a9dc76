-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/keys/peppers-repo.ts.
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
  "id" = $1;

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
  ($1, $2, $3, $4, $5, $6, $7)
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
  "key_version" = $1,
  "wrap_format" = $2,
  "wrapped_key" = $3,
  "rewrapped_at" = $4
where
  "id" = $5
  and "key_version" = $6
  and "wrapped_key" = $7;
