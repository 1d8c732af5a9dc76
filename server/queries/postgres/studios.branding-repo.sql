-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/studios/branding-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- findBranding
select
  "studio_id",
  "details_sealed",
  "logo_sha256",
  "logo_width",
  "logo_height",
  "updated_at"
from
  "studio_branding"
where
  "studio_id" = $1;

-- findBrandingLogo
select
  "logo_sealed",
  "logo_sha256"
from
  "studio_branding"
where
  "studio_id" = $1;

-- upsertBrandingDetails
insert into
  "studio_branding" (
    "studio_id",
    "details_sealed",
    "logo_sealed",
    "logo_sha256",
    "logo_width",
    "logo_height",
    "updated_at"
  )
values
  ($1, $2, $3, $4, $5, $6, $7)
on conflict ("studio_id") do update
set
  "details_sealed" = $8,
  "updated_at" = $9;

-- setBrandingLogo: set
update "studio_branding"
set
  "logo_sealed" = $1,
  "logo_sha256" = $2,
  "logo_width" = $3,
  "logo_height" = $4,
  "updated_at" = $5
where
  "studio_id" = $6;

-- setBrandingLogo: remove
update "studio_branding"
set
  "logo_sealed" = $1,
  "logo_sha256" = $2,
  "logo_width" = $3,
  "logo_height" = $4,
  "updated_at" = $5
where
  "studio_id" = $6;
