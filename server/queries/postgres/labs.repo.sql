-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/labs/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertLab
insert into
  "labs" (
    "id",
    "code",
    "name",
    "contact_emails",
    "catalogue",
    "pin_digest",
    "pin_key_version",
    "pin_length",
    "pin_set_at",
    "require_device_code",
    "disabled_at",
    "locked_until",
    "blocked_at",
    "created_by",
    "created_at",
    "updated_at"
  )
values
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
on conflict ("code") do nothing;

-- listLabRows
select
  *
from
  "labs"
order by
  "name",
  "id";

-- findLabById
select
  *
from
  "labs"
where
  "id" = $1;

-- findLabByCode
select
  *
from
  "labs"
where
  "code" = $1;

-- updateLabRow
update "labs"
set
  "name" = $1,
  "updated_at" = $2
where
  "id" = $3;

-- deleteLabRow
delete from "labs"
where
  "id" = $1;

-- countPinAttempt
update "labs"
set
  "failed_attempts" = "failed_attempts" + $1
where
  "id" = $2
  and "blocked_at" is null
  and (
    "locked_until" is null
    or "locked_until" <= $3
  )
returning
  "failed_attempts",
  "lockouts";

-- uncountPinAttempt
update "labs"
set
  "failed_attempts" = "failed_attempts" - $1
where
  "id" = $2
  and "failed_attempts" > $3;

-- lockLab: for a while
update "labs"
set
  "locked_until" = $1,
  "lockouts" = $2,
  "failed_attempts" = $3
where
  "id" = $4
  and "lockouts" = $5;

-- lockLab: blocked
update "labs"
set
  "blocked_at" = $1,
  "lockouts" = $2,
  "failed_attempts" = $3
where
  "id" = $4
  and "lockouts" = $5;

-- isPortalEnabled
select
  "studio_id"
from
  "lab_portal_studios"
where
  "studio_id" = $1;

-- listPortalStudioIds
select
  "studio_id"
from
  "lab_portal_studios"
order by
  "studio_id";

-- replaceStudioLabs
delete from "lab_portal_studios"
where
  "studio_id" = $1;

insert into
  "lab_portal_studios" ("studio_id", "enabled_at")
values
  ($1, $2);

delete from "studio_labs"
where
  "studio_id" = $1;

insert into
  "studio_labs" ("studio_id", "lab_id", "created_at")
values
  ($1, $2, $3);

-- listStudioLabIds
select
  "lab_id"
from
  "studio_labs"
where
  "studio_id" = $1
order by
  "lab_id";

-- listLabStudioIds
select
  "lab_id" as "labId",
  "studio_id" as "studioId"
from
  "studio_labs"
order by
  "lab_id",
  "studio_id";

-- listEnabledLabsOfStudio
select
  "labs".*
from
  "labs"
  inner join "studio_labs" on "studio_labs"."lab_id" = "labs"."id"
  inner join "lab_portal_studios" on "lab_portal_studios"."studio_id" = "studio_labs"."studio_id"
where
  "studio_labs"."studio_id" = $1
  and "labs"."disabled_at" is null
order by
  "labs"."name",
  "labs"."id";

-- insertLabSession
insert into
  "lab_sessions" (
    "id",
    "lab_id",
    "token_hash",
    "created_at",
    "last_seen_at",
    "expires_at",
    "revoked_at",
    "ip",
    "user_agent"
  )
values
  ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- findLabSession
select
  "lab_sessions".*,
  "labs"."disabled_at" as "labDisabledAt"
from
  "lab_sessions"
  inner join "labs" on "labs"."id" = "lab_sessions"."lab_id"
where
  "lab_sessions"."token_hash" = $1;

-- touchLabSession
update "lab_sessions"
set
  "last_seen_at" = $1
where
  "id" = $2;

-- revokeLabSession
update "lab_sessions"
set
  "revoked_at" = $1
where
  "id" = $2
  and "revoked_at" is null;

-- revokeLabSessions
update "lab_sessions"
set
  "revoked_at" = $1
where
  "lab_id" = $2
  and "revoked_at" is null;

-- isKnownDevice
select
  "token_hash"
from
  "lab_devices"
where
  "token_hash" = $1
  and "lab_id" = $2
  and "expires_at" > $3;

-- insertLabDevice
insert into
  "lab_devices" ("token_hash", "lab_id", "created_at", "expires_at")
values
  ($1, $2, $3, $4);

-- deleteLabDevices
delete from "lab_devices"
where
  "lab_id" = $1;

delete from "lab_device_codes"
where
  "lab_id" = $1;

-- insertDeviceCode
insert into
  "lab_device_codes" ("id", "lab_id", "code_digest", "code_key_version", "created_at", "expires_at", "consumed_at")
values
  ($1, $2, $3, $4, $5, $6, $7);

-- countDeviceCodeAttempt
select
  "id"
from
  "lab_device_codes"
where
  "lab_id" = $1
  and "consumed_at" is null
  and "expires_at" > $2
order by
  "created_at" desc
limit
  $3;

-- consumeDeviceCode
update "lab_device_codes"
set
  "consumed_at" = $1
where
  "id" = $2
  and "consumed_at" is null;
