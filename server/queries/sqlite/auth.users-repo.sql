-- Rendered for SQLite by server/src/queries.test.ts from server/src/auth/users-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- findUserByEmail
select
  *
from
  "users"
where
  "email" = ?;

-- findUserById
select
  *
from
  "users"
where
  "id" = ?;

-- findUserBySkeleton
select
  *
from
  "users"
where
  "email_skeleton" = ?;

-- insertUser: an admin
insert into
  "users" (
    "id",
    "email",
    "email_skeleton",
    "role",
    "created_at",
    "updated_at",
    "email_verified_at",
    "disabled_at",
    "last_sign_in_at",
    "password_hash",
    "totp_seed",
    "totp_pending_seed",
    "totp_enabled_at",
    "totp_last_step"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- insertUser: a photographer with their studio
insert into
  "users" (
    "id",
    "email",
    "email_skeleton",
    "role",
    "created_at",
    "updated_at",
    "email_verified_at",
    "disabled_at",
    "last_sign_in_at",
    "password_hash",
    "totp_seed",
    "totp_pending_seed",
    "totp_enabled_at",
    "totp_last_step"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

insert into
  "studio_members" ("studio_id", "user_id", "role", "created_at")
values
  (?, ?, ?, ?);

-- updateUser
update "users"
set
  "disabled_at" = ?,
  "updated_at" = ?
where
  "id" = ?;

-- advanceTotpStep
update "users"
set
  "totp_last_step" = ?
where
  "id" = ?
  and (
    "totp_last_step" is null
    or "totp_last_step" < ?
  );

-- ownedStudioId
select
  "studio_id"
from
  "studio_members"
where
  "user_id" = ?
  and "role" = ?
order by
  "created_at";

-- adminExists
select
  "id"
from
  "users"
where
  "role" = ?
limit
  ?;

-- listUserEmails
select
  "id",
  "email"
from
  "users"
where
  "id" in (?, ?);

-- listActiveUserIds
select
  "id"
from
  "users"
where
  "id" in (?, ?)
  and "disabled_at" is null;

-- listActiveUserIds: none
-- (no query on this database)

-- listActiveAdminEmails
select
  "email"
from
  "users"
where
  "role" = ?
  and "disabled_at" is null
order by
  "email";

-- deleteUserRow
delete from "users"
where
  "id" = ?;

-- listStudioMembers
select
  "studio_members"."studio_id",
  "studio_members"."user_id",
  "users"."email",
  "studio_members"."role",
  "users"."disabled_at",
  "users"."last_sign_in_at"
from
  "studio_members"
  inner join "users" on "users"."id" = "studio_members"."user_id"
where
  "studio_members"."studio_id" in (?, ?)
order by
  "studio_members"."studio_id",
  "studio_members"."created_at";

-- listUsersWithSessionCounts: every user
select
  "users".*,
  (
    select
      count(*) as "count"
    from
      "sessions"
    where
      "sessions"."user_id" = "users"."id"
      and "sessions"."revoked_at" is null
      and "sessions"."expires_at" > ?
  ) as "active_sessions"
from
  "users"
order by
  "users"."email";

-- listUsersWithSessionCounts: one user
select
  "users".*,
  (
    select
      count(*) as "count"
    from
      "sessions"
    where
      "sessions"."user_id" = "users"."id"
      and "sessions"."revoked_at" is null
      and "sessions"."expires_at" > ?
  ) as "active_sessions"
from
  "users"
where
  "users"."id" = ?
order by
  "users"."email";

-- listUsersWithSessionCounts: filtered
select
  "users".*,
  (
    select
      count(*) as "count"
    from
      "sessions"
    where
      "sessions"."user_id" = "users"."id"
      and "sessions"."revoked_at" is null
      and "sessions"."expires_at" > ?
  ) as "active_sessions"
from
  "users"
where
  "users"."role" = ?
  and "users"."disabled_at" is null
  and "users"."email_verified_at" is not null
  and "users"."email" like ? escape '\'
  and "users"."last_sign_in_at" >= ?
  and (
    "users"."last_sign_in_at" is null
    or "users"."last_sign_in_at" < ?
  )
order by
  "users"."email";
