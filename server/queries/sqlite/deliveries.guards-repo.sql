-- Rendered for SQLite by server/src/queries.test.ts from server/src/deliveries/guards-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- countNetworkCodeAttempt
insert into
  "delivery_code_guards" ("delivery_id", "source_key", "failed_attempts", "locked_until", "lockouts", "updated_at")
values
  (?, ?, ?, ?, ?, ?)
on conflict ("delivery_id", "source_key") do update
set
  "failed_attempts" = "delivery_code_guards"."failed_attempts" + ?,
  "updated_at" = ?
where
  (
    "delivery_code_guards"."locked_until" is null
    or "delivery_code_guards"."locked_until" <= ?
  )
returning
  "failed_attempts",
  "lockouts";

-- findCodeGuard
select
  "failed_attempts",
  "locked_until",
  "lockouts"
from
  "delivery_code_guards"
where
  "delivery_id" = ?
  and "source_key" = ?;

-- lockCodeGuard
update "delivery_code_guards"
set
  "locked_until" = ?,
  "lockouts" = ?,
  "failed_attempts" = ?,
  "updated_at" = ?
where
  "delivery_id" = ?
  and "source_key" = ?
  and "lockouts" = ?;

-- resetCodeGuard
delete from "delivery_code_guards"
where
  "delivery_id" = ?
  and "source_key" = ?
  and "lockouts" = ?;

update "delivery_code_guards"
set
  "failed_attempts" = ?,
  "updated_at" = ?
where
  "delivery_id" = ?
  and "source_key" = ?;

-- clearCodeGuards
delete from "delivery_code_guards"
where
  "delivery_id" = ?;
