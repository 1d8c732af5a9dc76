-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/deliveries/key-protected.ts.
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
  $1;

-- sealed deliveries.details_sealed: next page
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "deliveries"
where
  "details_sealed" is not null
  and "id" > $1
order by
  "id"
limit
  $2;

-- sealed deliveries.details_sealed: re-seal one value
update "deliveries"
set
  "details_sealed" = $1
where
  "id" = $2
  and "details_sealed" = $3;

-- sealed deliveries.details_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "deliveries"
where
  "details_sealed" is not null
  and "id" > $1
  and "details_sealed" not like $2
order by
  "id"
limit
  $3;

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
  $1;

-- sealed delivery_proofing_lists.details_sealed: next page
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "delivery_proofing_lists"
where
  "details_sealed" is not null
  and "id" > $1
order by
  "id"
limit
  $2;

-- sealed delivery_proofing_lists.details_sealed: re-seal one value
update "delivery_proofing_lists"
set
  "details_sealed" = $1
where
  "id" = $2
  and "details_sealed" = $3;

-- sealed delivery_proofing_lists.details_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "delivery_proofing_lists"
where
  "details_sealed" is not null
  and "id" > $1
  and "details_sealed" not like $2
order by
  "id"
limit
  $3;

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
  $1;

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
  and "id" > $1
order by
  "id"
limit
  $2;

-- sealed delivery_sets.name_sealed: re-seal one value
update "delivery_sets"
set
  "name_sealed" = $1
where
  "id" = $2
  and "name_sealed" = $3;

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
  and "id" > $1
  and "name_sealed" not like $2
order by
  "id"
limit
  $3;

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
  $1;

-- sealed deliveries.access_sealed: next page
select
  "id" as "id",
  "access_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "deliveries"
where
  "access_sealed" is not null
  and "id" > $1
order by
  "id"
limit
  $2;

-- sealed deliveries.access_sealed: re-seal one value
update "deliveries"
set
  "access_sealed" = $1
where
  "id" = $2
  and "access_sealed" = $3;

-- sealed deliveries.access_sealed: still under the master key (studio-reseal.ts)
select
  "id" as "id",
  "access_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "deliveries"
where
  "access_sealed" is not null
  and "id" > $1
  and "access_sealed" not like $2
order by
  "id"
limit
  $3;

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
