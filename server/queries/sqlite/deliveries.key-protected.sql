-- Rendered for SQLite by server/src/queries.test.ts from server/src/deliveries/key-protected.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- sealed deliveries.details_sealed: first page
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
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
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
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

-- sealed deliveries.details_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "deliveries"
where
  "details_sealed" is not null
  and "id" > ?
  and "details_sealed" not like ?
order by
  "id"
limit
  ?;

-- sealed delivery_proofing_lists.details_sealed: first page
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
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
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
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

-- sealed delivery_proofing_lists.details_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "delivery_proofing_lists"
where
  "details_sealed" is not null
  and "id" > ?
  and "details_sealed" not like ?
order by
  "id"
limit
  ?;

-- sealed delivery_sets.name_sealed: first page
select
  "id" as "id",
  "name_sealed" as "sealed",
  (
    select
      "deliveries"."studio_id" as "studio_id"
    from
      "deliveries"
    where
      "deliveries"."id" = "delivery_sets"."delivery_id"
  ) as "studioId"
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
  "name_sealed" as "sealed",
  (
    select
      "deliveries"."studio_id" as "studio_id"
    from
      "deliveries"
    where
      "deliveries"."id" = "delivery_sets"."delivery_id"
  ) as "studioId"
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

-- sealed delivery_sets.name_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "name_sealed" as "sealed",
  (
    select
      "deliveries"."studio_id" as "studio_id"
    from
      "deliveries"
    where
      "deliveries"."id" = "delivery_sets"."delivery_id"
  ) as "studioId"
from
  "delivery_sets"
where
  "name_sealed" is not null
  and "id" > ?
  and "name_sealed" not like ?
order by
  "id"
limit
  ?;

-- sealed deliveries.access_sealed: first page
select
  "id" as "id",
  "access_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "deliveries"
where
  "access_sealed" is not null
order by
  "id"
limit
  ?;

-- sealed deliveries.access_sealed: next page
select
  "id" as "id",
  "access_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "deliveries"
where
  "access_sealed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed deliveries.access_sealed: re-seal one value
update "deliveries"
set
  "access_sealed" = ?
where
  "id" = ?
  and "access_sealed" = ?;

-- sealed deliveries.access_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "access_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "deliveries"
where
  "access_sealed" is not null
  and "id" > ?
  and "access_sealed" not like ?
order by
  "id"
limit
  ?;

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
