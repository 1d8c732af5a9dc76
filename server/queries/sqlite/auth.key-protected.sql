-- Rendered for SQLite by server/src/queries.test.ts from server/src/auth/key-protected.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- sealed users.totp_seed: first page
select
  "id" as "id",
  "totp_seed" as "sealed"
from
  "users"
where
  "totp_seed" is not null
order by
  "id"
limit
  ?;

-- sealed users.totp_seed: next page
select
  "id" as "id",
  "totp_seed" as "sealed"
from
  "users"
where
  "totp_seed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed users.totp_seed: re-seal one value
update "users"
set
  "totp_seed" = ?
where
  "id" = ?
  and "totp_seed" = ?;

-- sealed users.totp_pending_seed: first page
select
  "id" as "id",
  "totp_pending_seed" as "sealed"
from
  "users"
where
  "totp_pending_seed" is not null
order by
  "id"
limit
  ?;

-- sealed users.totp_pending_seed: next page
select
  "id" as "id",
  "totp_pending_seed" as "sealed"
from
  "users"
where
  "totp_pending_seed" is not null
  and "id" > ?
order by
  "id"
limit
  ?;

-- sealed users.totp_pending_seed: re-seal one value
update "users"
set
  "totp_pending_seed" = ?
where
  "id" = ?
  and "totp_pending_seed" = ?;

-- code hashes sign_in_codes.key_version: usable, per version
select
  "key_version" as "version",
  count(*) as "count"
from
  "sign_in_codes"
where
  "consumed_at" is null
  and "expires_at" > ?
group by
  "key_version";

-- code hashes recovery_codes.key_version: usable, per version
select
  "key_version" as "version",
  count(*) as "count"
from
  "recovery_codes"
where
  "used_at" is null
group by
  "key_version";
