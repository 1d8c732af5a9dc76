-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/auth/users-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- findUserByEmail
select
  *
from
  "users"
where
  "email" = $1;

-- findUserById
select
  *
from
  "users"
where
  "id" = $1;

-- findUserBySkeleton
select
  *
from
  "users"
where
  "email_skeleton" = $1;

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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

insert into
  "studio_members" ("studio_id", "user_id", "role", "created_at")
values
  ($1, $2, $3, $4);

-- updateUser
update "users"
set
  "disabled_at" = $1,
  "updated_at" = $2
where
  "id" = $3;

-- advanceTotpStep
update "users"
set
  "totp_last_step" = $1
where
  "id" = $2
  and (
    "totp_last_step" is null
    or "totp_last_step" < $3
  );

-- ownedStudioId
select
  "studio_id"
from
  "studio_members"
where
  "user_id" = $1
  and "role" = $2
order by
  "created_at";

-- adminExists
select
  "id"
from
  "users"
where
  "role" = $1
limit
  $2;

-- listUserEmails
select
  "id",
  "email"
from
  "users"
where
  "id" in ($1, $2);

-- listActiveUserIds
select
  "id"
from
  "users"
where
  "id" in ($1, $2)
  and "disabled_at" is null;

-- listActiveUserIds: none
-- (no query on this database)

-- listActiveAdminEmails
select
  "email"
from
  "users"
where
  "role" = $1
  and "disabled_at" is null
order by
  "email";

-- deleteUserRow
delete from "users"
where
  "id" = $1;

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
  "studio_members"."studio_id" in ($1, $2)
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
      and "sessions"."expires_at" > $1
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
      and "sessions"."expires_at" > $1
  ) as "active_sessions"
from
  "users"
where
  "users"."id" = $2
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
      and "sessions"."expires_at" > $1
  ) as "active_sessions"
from
  "users"
where
  "users"."role" = $2
  and "users"."disabled_at" is null
  and "users"."email_verified_at" is not null
  and "users"."email" like $3 escape '\'
  and "users"."last_sign_in_at" >= $4
  and (
    "users"."last_sign_in_at" is null
    or "users"."last_sign_in_at" < $5
  )
order by
  "users"."email";
