-- Rendered for SQLite by server/src/queries.test.ts from server/src/studios/branding-repo.ts.
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
  "studio_id" = ?;

-- findBrandingLogo
select
  "logo_sealed",
  "logo_sha256"
from
  "studio_branding"
where
  "studio_id" = ?;

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
  (?, ?, ?, ?, ?, ?, ?)
on conflict ("studio_id") do update
set
  "details_sealed" = ?,
  "updated_at" = ?;

-- setBrandingLogo: set
update "studio_branding"
set
  "logo_sealed" = ?,
  "logo_sha256" = ?,
  "logo_width" = ?,
  "logo_height" = ?,
  "updated_at" = ?
where
  "studio_id" = ?;

-- setBrandingLogo: remove
update "studio_branding"
set
  "logo_sealed" = ?,
  "logo_sha256" = ?,
  "logo_width" = ?,
  "logo_height" = ?,
  "updated_at" = ?
where
  "studio_id" = ?;
