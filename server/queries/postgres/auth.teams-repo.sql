-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/auth/teams-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- listUserMemberships
select
  "studio_id",
  "role",
  "created_at"
from
  "studio_members"
where
  "user_id" = $1
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
  "studio_id" = $1
  and "user_id" = $2;

-- countOwners
select
  count(*) as "count"
from
  "studio_members"
where
  "studio_id" = $1
  and "role" = $2;

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
      and "owner"."role" = $1
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
  "mine"."user_id" = $2
  and "mine"."role" = $3
order by
  "mine"."studio_id";

-- insertMembership
insert into
  "studio_members" ("studio_id", "user_id", "role", "created_at")
values
  ($1, $2, $3, $4)
on conflict ("studio_id", "user_id") do nothing;

-- updateMembershipRole
update "studio_members"
set
  "role" = $1
where
  "studio_id" = $2
  and "user_id" = $3;

-- deleteMembership
delete from "studio_members"
where
  "studio_id" = $1
  and "user_id" = $2;

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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- listPendingInvitations
select
  *
from
  "studio_invitations"
where
  "studio_id" = $1
  and "accepted_at" is null
  and "revoked_at" is null
  and "expires_at" > $2
order by
  "created_at" desc;

-- findInvitationByTokenHash
select
  *
from
  "studio_invitations"
where
  "token_hash" = $1;

-- consumeInvitation
update "studio_invitations"
set
  "accepted_at" = $1,
  "accepted_by" = $2
where
  "id" = $3
  and "accepted_at" is null
  and "revoked_at" is null
  and "expires_at" > $4;

-- revokeInvitations: by address
update "studio_invitations"
set
  "revoked_at" = $1
where
  "studio_id" = $2
  and "accepted_at" is null
  and "revoked_at" is null
  and "email" = $3;

-- revokeInvitations: by id
update "studio_invitations"
set
  "revoked_at" = $1
where
  "studio_id" = $2
  and "accepted_at" is null
  and "revoked_at" is null
  and "id" = $3;
