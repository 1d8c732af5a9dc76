-- Rendered for SQLite by server/src/queries.test.ts from server/src/auth/teams-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- listUserMemberships
select
  "studio_id",
  "role",
  "created_at"
from
  "studio_members"
where
  "user_id" = ?
order by
  "created_at";

-- findMembership
select
  "studio_id",
  "role",
  "created_at"
from
  "studio_members"
where
  "studio_id" = ?
  and "user_id" = ?;

-- countOwners
select
  count(*) as "count"
from
  "studio_members"
where
  "studio_id" = ?
  and "role" = ?;

-- listOwnedStudioHeadcounts
select
  "mine"."studio_id",
  (
    select
      count(*) as "count"
    from
      "studio_members" as "owner"
    where
      "owner"."studio_id" = "mine"."studio_id"
      and "owner"."role" = ?
  ) as "owners",
  (
    select
      count(*) as "count"
    from
      "studio_members" as "member"
    where
      "member"."studio_id" = "mine"."studio_id"
  ) as "members"
from
  "studio_members" as "mine"
where
  "mine"."user_id" = ?
  and "mine"."role" = ?
order by
  "mine"."studio_id";

-- insertMembership
insert into
  "studio_members" ("studio_id", "user_id", "role", "created_at")
values
  (?, ?, ?, ?)
on conflict ("studio_id", "user_id") do nothing;

-- updateMembershipRole
update "studio_members"
set
  "role" = ?
where
  "studio_id" = ?
  and "user_id" = ?;

-- deleteMembership
delete from "studio_members"
where
  "studio_id" = ?
  and "user_id" = ?;

-- insertInvitation
insert into
  "studio_invitations" (
    "id",
    "studio_id",
    "email",
    "role",
    "token_hash",
    "invited_by",
    "created_at",
    "expires_at",
    "accepted_at",
    "accepted_by",
    "revoked_at"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- listPendingInvitations
select
  *
from
  "studio_invitations"
where
  "studio_id" = ?
  and "accepted_at" is null
  and "revoked_at" is null
  and "expires_at" > ?
order by
  "created_at" desc;

-- findInvitationByTokenHash
select
  *
from
  "studio_invitations"
where
  "token_hash" = ?;

-- consumeInvitation
update "studio_invitations"
set
  "accepted_at" = ?,
  "accepted_by" = ?
where
  "id" = ?
  and "accepted_at" is null
  and "revoked_at" is null
  and "expires_at" > ?;

-- revokeInvitations: by address
update "studio_invitations"
set
  "revoked_at" = ?
where
  "studio_id" = ?
  and "accepted_at" is null
  and "revoked_at" is null
  and "email" = ?;

-- revokeInvitations: by id
update "studio_invitations"
set
  "revoked_at" = ?
where
  "studio_id" = ?
  and "accepted_at" is null
  and "revoked_at" is null
  and "id" = ?;
