-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/auth/sessions-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertSession
insert into
  "sessions" (
    "id",
    "token_hash",
    "user_id",
    "created_at",
    "last_seen_at",
    "expires_at",
    "user_agent",
    "ip",
    "revoked_at",
    "revoked_reason",
    "authenticated_at"
  )
values
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- findSessionWithUser
select
  "sessions"."id" as "sessionId",
  "sessions"."authenticated_at" as "authenticatedAt",
  "sessions"."last_seen_at" as "lastSeenAt",
  "sessions"."expires_at" as "expiresAt",
  "sessions"."revoked_at" as "revokedAt",
  "users"."id" as "userId",
  "users"."email" as "email",
  "users"."role" as "role",
  "users"."disabled_at" as "disabledAt",
  "users"."totp_enabled_at" as "totpEnabledAt",
  (
    select
      "studio_members"."studio_id"
    from
      "studio_members"
    where
      "studio_members"."user_id" = "users"."id"
    order by
      case
        when studio_members.studio_id = sessions.active_studio_id then 0
        when studio_members.role = 'owner' then 1
        else 2
      end,
      "studio_members"."created_at"
    limit
      $1
  ) as "studioId",
  (
    select
      "studio_members"."role"
    from
      "studio_members"
    where
      "studio_members"."user_id" = "users"."id"
    order by
      case
        when studio_members.studio_id = sessions.active_studio_id then 0
        when studio_members.role = 'owner' then 1
        else 2
      end,
      "studio_members"."created_at"
    limit
      $2
  ) as "studioRole"
from
  "sessions"
  inner join "users" on "users"."id" = "sessions"."user_id"
where
  "sessions"."token_hash" = $3;

-- touchSession
update "sessions"
set
  "last_seen_at" = $1
where
  "id" = $2;

-- markSessionAuthenticated
update "sessions"
set
  "authenticated_at" = $1
where
  "id" = $2
  and "revoked_at" is null;

-- revokeSessionByTokenHash
update "sessions"
set
  "revoked_at" = $1,
  "revoked_reason" = $2
where
  "token_hash" = $3
  and "revoked_at" is null;

-- revokeUserSessionRows: every one
update "sessions"
set
  "revoked_at" = $1,
  "revoked_reason" = $2
where
  "user_id" = $3
  and "revoked_at" is null;

-- revokeUserSessionRows: all but one
update "sessions"
set
  "revoked_at" = $1,
  "revoked_reason" = $2
where
  "user_id" = $3
  and "revoked_at" is null
  and "id" != $4;

-- revokeSessionRow
update "sessions"
set
  "revoked_at" = $1,
  "revoked_reason" = $2
where
  "id" = $3;

-- revokeUserSessionRow
update "sessions"
set
  "revoked_at" = $1,
  "revoked_reason" = $2
where
  "id" = $3
  and "user_id" = $4
  and "revoked_at" is null;

-- listLiveSessions
select
  *
from
  "sessions"
where
  "user_id" = $1
  and "revoked_at" is null
  and "expires_at" > $2
  and "last_seen_at" > $3
order by
  "last_seen_at" desc;

-- setSessionActiveStudio
update "sessions"
set
  "active_studio_id" = $1
where
  "id" = $2
  and "user_id" = $3;

-- findPreviousSessionStart
select
  "created_at"
from
  "sessions"
where
  "user_id" = $1
order by
  "created_at" desc,
  "id" desc
limit
  $2
offset
  $3;
