-- Rendered for SQLite by server/src/queries.test.ts from server/src/images/repo.ts.
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
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- listStudioProjects
select
  *
from
  "image_projects"
where
  "studio_id" = ?
order by
  "created_at",
  "id";

-- findStudioProject
select
  *
from
  "image_projects"
where
  "studio_id" = ?
  and "id" = ?;

-- findStudioProjectBySlug
select
  *
from
  "image_projects"
where
  "studio_id" = ?
  and "slug" = ?;

-- findImgproxyProjectsBySlug
select
  *
from
  "image_projects"
where
  "slug" = ?
  and "imgproxy_key_sealed" is not null
order by
  "id"
limit
  ?;

-- updateStudioProject
update "image_projects"
set
  "name" = ?,
  "updated_at" = ?
where
  "studio_id" = ?
  and "id" = ?;

-- deleteStudioProject
delete from "image_projects"
where
  "studio_id" = ?
  and "id" = ?;

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
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- listProjectKeys
select
  *
from
  "image_keys"
where
  "studio_id" = ?
  and "project_id" = ?
order by
  "created_at",
  "id";

-- findStudioKey
select
  *
from
  "image_keys"
where
  "studio_id" = ?
  and "project_id" = ?
  and "id" = ?;

-- findKeyByPublicId
select
  *
from
  "image_keys"
where
  "public_id" = ?;

-- updateStudioKey
update "image_keys"
set
  "revoked_at" = ?,
  "updated_at" = ?
where
  "studio_id" = ?
  and "project_id" = ?
  and "id" = ?;

-- touchKeyLastUsed
update "image_keys"
set
  "last_used_at" = ?
where
  "id" = ?;

-- findStudioWebFile
select
  *
from
  "image_web_files"
where
  "studio_id" = ?
  and "file_id" = ?;

-- listStudioWebFiles
select
  *
from
  "image_web_files"
where
  "studio_id" = ?
order by
  "created_at" desc,
  "file_id"
limit
  ?;

-- findWebFileByPublicId
select
  *
from
  "image_web_files"
where
  "public_id" = ?;

-- insertWebFile
insert into
  "image_web_files" ("file_id", "studio_id", "public_id", "created_at")
values
  (?, ?, ?, ?)
on conflict ("file_id") do nothing;

-- deleteStudioWebFile
delete from "image_web_files"
where
  "studio_id" = ?
  and "file_id" = ?;

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
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
on conflict ("project_id", "key_id", "minute") do update
set
  "requests" = "image_usage"."requests" + ?,
  "bytes" = "image_usage"."bytes" + ?,
  "cache_hits" = "image_usage"."cache_hits" + ?,
  "refused_signature" = "image_usage"."refused_signature" + ?,
  "refused_expired" = "image_usage"."refused_expired" + ?,
  "refused_referer" = "image_usage"."refused_referer" + ?,
  "refused_source" = "image_usage"."refused_source" + ?,
  "refused_rate_limit" = "image_usage"."refused_rate_limit" + ?;

-- listProjectUsage
select
  *
from
  "image_usage"
where
  "studio_id" = ?
  and "project_id" = ?
  and "minute" >= ?
order by
  "minute",
  "key_id";
