-- Rendered for SQLite by server/src/queries.test.ts from server/src/labs/key-protected.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- sealed print_orders.details_sealed: first page
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "print_orders"
where
  "details_sealed" is not null
order by
  "id"
limit
  ?;

-- sealed print_orders.details_sealed: next page
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "print_orders"
where
  "details_sealed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed print_orders.details_sealed: re-seal one value
update "print_orders"
set
  "details_sealed" = ?
where
  "id" = ?
  and "details_sealed" = ?;

-- sealed print_orders.details_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "print_orders"
where
  "details_sealed" is not null
  and "id" > ?
  and "details_sealed" not like ?
order by
  "id"
limit
  ?;

-- code hashes labs.pin_key_version: usable, per version
select
  "pin_key_version" as "version",
  count(*) as "count"
from
  "labs"
group by
  "pin_key_version";

-- code hashes lab_device_codes.code_key_version: usable, per version
select
  "code_key_version" as "version",
  count(*) as "count"
from
  "lab_device_codes"
where
  "consumed_at" is null
  and "expires_at" > ?
group by
  "code_key_version";
