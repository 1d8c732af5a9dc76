-- Rendered for SQLite by server/src/queries.test.ts from server/src/labs/repo.ts.
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
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
  "id" = ?;

-- findLabByCode
select
  *
from
  "labs"
where
  "code" = ?;

-- updateLabRow
update "labs"
set
  "name" = ?,
  "updated_at" = ?
where
  "id" = ?;

-- deleteLabRow
delete from "labs"
where
  "id" = ?;

-- countPinAttempt
update "labs"
set
  "failed_attempts" = "failed_attempts" + ?
where
  "id" = ?
  and "blocked_at" is null
  and (
    "locked_until" is null
    or "locked_until" <= ?
  )
returning
  "failed_attempts",
  "lockouts";

-- uncountPinAttempt
update "labs"
set
  "failed_attempts" = "failed_attempts" - ?
where
  "id" = ?
  and "failed_attempts" > ?;

-- lockLab: for a while
update "labs"
set
  "locked_until" = ?,
  "lockouts" = ?,
  "failed_attempts" = ?
where
  "id" = ?
  and "lockouts" = ?;

-- lockLab: blocked
update "labs"
set
  "blocked_at" = ?,
  "lockouts" = ?,
  "failed_attempts" = ?
where
  "id" = ?
  and "lockouts" = ?;

-- isPortalEnabled
select
  "studio_id"
from
  "lab_portal_studios"
where
  "studio_id" = ?;

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
  "studio_id" = ?;

insert into
  "lab_portal_studios" ("studio_id", "enabled_at")
values
  (?, ?);

delete from "studio_labs"
where
  "studio_id" = ?;

insert into
  "studio_labs" ("studio_id", "lab_id", "created_at")
values
  (?, ?, ?);

-- listStudioLabIds
select
  "lab_id"
from
  "studio_labs"
where
  "studio_id" = ?
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
  "studio_labs"."studio_id" = ?
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
  (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- findLabSession
select
  "lab_sessions".*,
  "labs"."disabled_at" as "labDisabledAt"
from
  "lab_sessions"
  inner join "labs" on "labs"."id" = "lab_sessions"."lab_id"
where
  "lab_sessions"."token_hash" = ?;

-- touchLabSession
update "lab_sessions"
set
  "last_seen_at" = ?
where
  "id" = ?;

-- revokeLabSession
update "lab_sessions"
set
  "revoked_at" = ?
where
  "id" = ?
  and "revoked_at" is null;

-- revokeLabSessions
update "lab_sessions"
set
  "revoked_at" = ?
where
  "lab_id" = ?
  and "revoked_at" is null;

-- isKnownDevice
select
  "token_hash"
from
  "lab_devices"
where
  "token_hash" = ?
  and "lab_id" = ?
  and "expires_at" > ?;

-- insertLabDevice
insert into
  "lab_devices" ("token_hash", "lab_id", "created_at", "expires_at")
values
  (?, ?, ?, ?);

-- deleteLabDevices
delete from "lab_devices"
where
  "lab_id" = ?;

delete from "lab_device_codes"
where
  "lab_id" = ?;

-- insertDeviceCode
insert into
  "lab_device_codes" ("id", "lab_id", "code_digest", "code_key_version", "created_at", "expires_at", "consumed_at")
values
  (?, ?, ?, ?, ?, ?, ?);

-- countDeviceCodeAttempt
select
  "id"
from
  "lab_device_codes"
where
  "lab_id" = ?
  and "consumed_at" is null
  and "expires_at" > ?
order by
  "created_at" desc
limit
  ?;

-- consumeDeviceCode
update "lab_device_codes"
set
  "consumed_at" = ?
where
  "id" = ?
  and "consumed_at" is null;
