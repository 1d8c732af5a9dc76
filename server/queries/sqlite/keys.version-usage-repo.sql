-- Rendered for SQLite by server/src/queries.test.ts from server/src/keys/version-usage-repo.ts.
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
  (?, ?, ?)
on conflict ("version") do update
set
  "in_use" = ?,
  "updated_at" = ?;
