-- Rendered for SQLite by server/src/queries.test.ts from server/src/auth/sessions-repo.ts.
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
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

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
      ?
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
      ?
  ) as "studioRole"
from
  "sessions"
  inner join "users" on "users"."id" = "sessions"."user_id"
where
  "sessions"."token_hash" = ?;

-- touchSession
update "sessions"
set
  "last_seen_at" = ?
where
  "id" = ?;

-- markSessionAuthenticated
update "sessions"
set
  "authenticated_at" = ?
where
  "id" = ?
  and "revoked_at" is null;

-- revokeSessionByTokenHash
update "sessions"
set
  "revoked_at" = ?,
  "revoked_reason" = ?
where
  "token_hash" = ?
  and "revoked_at" is null;

-- revokeUserSessionRows: every one
update "sessions"
set
  "revoked_at" = ?,
  "revoked_reason" = ?
where
  "user_id" = ?
  and "revoked_at" is null;

-- revokeUserSessionRows: all but one
update "sessions"
set
  "revoked_at" = ?,
  "revoked_reason" = ?
where
  "user_id" = ?
  and "revoked_at" is null
  and "id" != ?;

-- revokeSessionRow
update "sessions"
set
  "revoked_at" = ?,
  "revoked_reason" = ?
where
  "id" = ?;

-- revokeUserSessionRow
update "sessions"
set
  "revoked_at" = ?,
  "revoked_reason" = ?
where
  "id" = ?
  and "user_id" = ?
  and "revoked_at" is null;

-- listLiveSessions
select
  *
from
  "sessions"
where
  "user_id" = ?
  and "revoked_at" is null
  and "expires_at" > ?
  and "last_seen_at" > ?
order by
  "last_seen_at" desc;

-- setSessionActiveStudio
update "sessions"
set
  "active_studio_id" = ?
where
  "id" = ?
  and "user_id" = ?;

-- findPreviousSessionStart
select
  "created_at"
from
  "sessions"
where
  "user_id" = ?
order by
  "created_at" desc,
  "id" desc
limit
  ?
offset
  ?;
