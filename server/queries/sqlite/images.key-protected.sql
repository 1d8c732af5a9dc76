-- Rendered for SQLite by server/src/queries.test.ts from server/src/images/key-protected.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- sealed image_keys.secret_sealed: first page
select
  "id" as "id",
  "secret_sealed" as "sealed"
from
  "image_keys"
where
  "secret_sealed" is not null
order by
  "id"
limit
  ?;

-- sealed image_keys.secret_sealed: next page
select
  "id" as "id",
  "secret_sealed" as "sealed"
from
  "image_keys"
where
  "secret_sealed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed image_keys.secret_sealed: re-seal one value
update "image_keys"
set
  "secret_sealed" = ?
where
  "id" = ?
  and "secret_sealed" = ?;

-- sealed image_keys.previous_secret_sealed: first page
select
  "id" as "id",
  "previous_secret_sealed" as "sealed"
from
  "image_keys"
where
  "previous_secret_sealed" is not null
order by
  "id"
limit
  ?;

-- sealed image_keys.previous_secret_sealed: next page
select
  "id" as "id",
  "previous_secret_sealed" as "sealed"
from
  "image_keys"
where
  "previous_secret_sealed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed image_keys.previous_secret_sealed: re-seal one value
update "image_keys"
set
  "previous_secret_sealed" = ?
where
  "id" = ?
  and "previous_secret_sealed" = ?;

-- sealed image_projects.imgproxy_key_sealed: first page
select
  "id" as "id",
  "imgproxy_key_sealed" as "sealed"
from
  "image_projects"
where
  "imgproxy_key_sealed" is not null
order by
  "id"
limit
  ?;

-- sealed image_projects.imgproxy_key_sealed: next page
select
  "id" as "id",
  "imgproxy_key_sealed" as "sealed"
from
  "image_projects"
where
  "imgproxy_key_sealed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed image_projects.imgproxy_key_sealed: re-seal one value
update "image_projects"
set
  "imgproxy_key_sealed" = ?
where
  "id" = ?
  and "imgproxy_key_sealed" = ?;

-- sealed image_projects.imgproxy_salt_sealed: first page
select
  "id" as "id",
  "imgproxy_salt_sealed" as "sealed"
from
  "image_projects"
where
  "imgproxy_salt_sealed" is not null
order by
  "id"
limit
  ?;

-- sealed image_projects.imgproxy_salt_sealed: next page
select
  "id" as "id",
  "imgproxy_salt_sealed" as "sealed"
from
  "image_projects"
where
  "imgproxy_salt_sealed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed image_projects.imgproxy_salt_sealed: re-seal one value
update "image_projects"
set
  "imgproxy_salt_sealed" = ?
where
  "id" = ?
  and "imgproxy_salt_sealed" = ?;
