-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/images/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertProject
insert into
  "image_projects" (
    "id",
    "studio_id",
    "name",
    "slug",
    "description",
    "referers",
    "sources",
    "require_expiry",
    "max_lifetime_seconds",
    "allow_original",
    "imgproxy_key_sealed",
    "imgproxy_salt_sealed",
    "imgproxy_signature_size",
    "created_at",
    "updated_at"
  )
values
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15);

-- listStudioProjects
select
  *
from
  "image_projects"
where
  "studio_id" = $1
order by
  "created_at",
  "id";

-- findStudioProject
select
  *
from
  "image_projects"
where
  "studio_id" = $1
  and "id" = $2;

-- findStudioProjectBySlug
select
  *
from
  "image_projects"
where
  "studio_id" = $1
  and "slug" = $2;

-- findImgproxyProjectsBySlug
select
  *
from
  "image_projects"
where
  "slug" = $1
  and "imgproxy_key_sealed" is not null
order by
  "id"
limit
  $2;

-- updateStudioProject
update "image_projects"
set
  "name" = $1,
  "updated_at" = $2
where
  "studio_id" = $3
  and "id" = $4;

-- deleteStudioProject
delete from "image_projects"
where
  "studio_id" = $1
  and "id" = $2;

-- insertKey
insert into
  "image_keys" (
    "id",
    "studio_id",
    "project_id",
    "public_id",
    "name",
    "secret_sealed",
    "previous_secret_sealed",
    "previous_valid_until",
    "referers",
    "sources",
    "per_minute",
    "per_day",
    "expires_at",
    "last_used_at",
    "revoked_at",
    "rotated_at",
    "created_at",
    "updated_at"
  )
values
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18);

-- listProjectKeys
select
  *
from
  "image_keys"
where
  "studio_id" = $1
  and "project_id" = $2
order by
  "created_at",
  "id";

-- findStudioKey
select
  *
from
  "image_keys"
where
  "studio_id" = $1
  and "project_id" = $2
  and "id" = $3;

-- findKeyByPublicId
select
  *
from
  "image_keys"
where
  "public_id" = $1;

-- updateStudioKey
update "image_keys"
set
  "revoked_at" = $1,
  "updated_at" = $2
where
  "studio_id" = $3
  and "project_id" = $4
  and "id" = $5;

-- touchKeyLastUsed
update "image_keys"
set
  "last_used_at" = $1
where
  "id" = $2;

-- findStudioWebFile
select
  *
from
  "image_web_files"
where
  "studio_id" = $1
  and "file_id" = $2;

-- listStudioWebFiles
select
  *
from
  "image_web_files"
where
  "studio_id" = $1
order by
  "created_at" desc,
  "file_id"
limit
  $2;

-- findWebFileByPublicId
select
  *
from
  "image_web_files"
where
  "public_id" = $1;

-- insertWebFile
insert into
  "image_web_files" ("file_id", "studio_id", "public_id", "created_at")
values
  ($1, $2, $3, $4)
on conflict ("file_id") do nothing;

-- deleteStudioWebFile
delete from "image_web_files"
where
  "studio_id" = $1
  and "file_id" = $2;

-- addUsage
insert into
  "image_usage" (
    "studio_id",
    "project_id",
    "key_id",
    "minute",
    "requests",
    "bytes",
    "cache_hits",
    "refused_signature",
    "refused_expired",
    "refused_referer",
    "refused_source",
    "refused_rate_limit"
  )
values
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
on conflict ("project_id", "key_id", "minute") do update
set
  "requests" = "image_usage"."requests" + $13,
  "bytes" = "image_usage"."bytes" + $14,
  "cache_hits" = "image_usage"."cache_hits" + $15,
  "refused_signature" = "image_usage"."refused_signature" + $16,
  "refused_expired" = "image_usage"."refused_expired" + $17,
  "refused_referer" = "image_usage"."refused_referer" + $18,
  "refused_source" = "image_usage"."refused_source" + $19,
  "refused_rate_limit" = "image_usage"."refused_rate_limit" + $20;

-- listProjectUsage
select
  *
from
  "image_usage"
where
  "studio_id" = $1
  and "project_id" = $2
  and "minute" >= $3
order by
  "minute",
  "key_id";
