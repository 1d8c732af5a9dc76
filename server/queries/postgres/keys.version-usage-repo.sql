-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/keys/version-usage-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- listVersionUsage
select
  "version",
  "in_use"
from
  "key_version_usage"
order by
  "version";

-- upsertVersionUsage
insert into
  "key_version_usage" ("version", "in_use", "updated_at")
values
  ($1, $2, $3)
on conflict ("version") do update
set
  "in_use" = $4,
  "updated_at" = $5;
