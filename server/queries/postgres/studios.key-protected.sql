-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/studios/key-protected.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- sealed studio_branding.details_sealed: first page
select
  "studio_id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "studio_branding"
where
  "details_sealed" is not null
order by
  "studio_id"
limit
  $1;

-- sealed studio_branding.details_sealed: next page
select
  "studio_id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "studio_branding"
where
  "details_sealed" is not null
  and "studio_id" > $1
order by
  "studio_id"
limit
  $2;

-- sealed studio_branding.details_sealed: re-seal one value
update "studio_branding"
set
  "details_sealed" = $1
where
  "studio_id" = $2
  and "details_sealed" = $3;

-- sealed studio_branding.details_sealed: still under the master key (studio-reseal.ts)
select
  "studio_id" as "id",
  "details_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "studio_branding"
where
  "details_sealed" is not null
  and "studio_id" > $1
  and "details_sealed" not like $2
order by
  "studio_id"
limit
  $3;

-- sealed studio_branding.logo_sealed: first page
select
  "studio_id" as "id",
  "logo_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "studio_branding"
where
  "logo_sealed" is not null
order by
  "studio_id"
limit
  $1;

-- sealed studio_branding.logo_sealed: next page
select
  "studio_id" as "id",
  "logo_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "studio_branding"
where
  "logo_sealed" is not null
  and "studio_id" > $1
order by
  "studio_id"
limit
  $2;

-- sealed studio_branding.logo_sealed: re-seal one value
update "studio_branding"
set
  "logo_sealed" = $1
where
  "studio_id" = $2
  and "logo_sealed" = $3;

-- sealed studio_branding.logo_sealed: still under the master key (studio-reseal.ts)
select
  "studio_id" as "id",
  "logo_sealed" as "sealed",
  "studio_id" as "studioId"
from
  "studio_branding"
where
  "logo_sealed" is not null
  and "studio_id" > $1
  and "logo_sealed" not like $2
order by
  "studio_id"
limit
  $3;
