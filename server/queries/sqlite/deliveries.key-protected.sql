-- Rendered for SQLite by server/src/queries.test.ts from server/src/deliveries/key-protected.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- sealed deliveries.details_sealed: first page
select
  "id" as "id",
  "details_sealed" as "sealed"
from
  "deliveries"
where
  "details_sealed" is not null
order by
  "id"
limit
  ?;

-- sealed deliveries.details_sealed: next page
select
  "id" as "id",
  "details_sealed" as "sealed"
from
  "deliveries"
where
  "details_sealed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed deliveries.details_sealed: re-seal one value
update "deliveries"
set
  "details_sealed" = ?
where
  "id" = ?
  and "details_sealed" = ?;

-- sealed delivery_proofing_lists.details_sealed: first page
select
  "id" as "id",
  "details_sealed" as "sealed"
from
  "delivery_proofing_lists"
where
  "details_sealed" is not null
order by
  "id"
limit
  ?;

-- sealed delivery_proofing_lists.details_sealed: next page
select
  "id" as "id",
  "details_sealed" as "sealed"
from
  "delivery_proofing_lists"
where
  "details_sealed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed delivery_proofing_lists.details_sealed: re-seal one value
update "delivery_proofing_lists"
set
  "details_sealed" = ?
where
  "id" = ?
  and "details_sealed" = ?;

-- sealed delivery_sets.name_sealed: first page
select
  "id" as "id",
  "name_sealed" as "sealed"
from
  "delivery_sets"
where
  "name_sealed" is not null
order by
  "id"
limit
  ?;

-- sealed delivery_sets.name_sealed: next page
select
  "id" as "id",
  "name_sealed" as "sealed"
from
  "delivery_sets"
where
  "name_sealed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed delivery_sets.name_sealed: re-seal one value
update "delivery_sets"
set
  "name_sealed" = ?
where
  "id" = ?
  and "name_sealed" = ?;

-- code hashes deliveries.code_key_version: usable, per version
select
  "code_key_version" as "version",
  count(*) as "count"
from
  "deliveries"
where
  "revoked_at" is null
group by
  "code_key_version";
