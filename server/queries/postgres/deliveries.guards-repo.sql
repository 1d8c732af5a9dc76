-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/deliveries/guards-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- countNetworkCodeAttempt
insert into
  "delivery_code_guards" ("delivery_id", "source_key", "failed_attempts", "locked_until", "lockouts", "updated_at")
values
  ($1, $2, $3, $4, $5, $6)
on conflict ("delivery_id", "source_key") do update
set
  "failed_attempts" = "delivery_code_guards"."failed_attempts" + $7,
  "updated_at" = $8
where
  (
    "delivery_code_guards"."locked_until" is null
    or "delivery_code_guards"."locked_until" <= $9
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
  "delivery_id" = $1
  and "source_key" = $2;

-- lockCodeGuard
update "delivery_code_guards"
set
  "locked_until" = $1,
  "lockouts" = $2,
  "failed_attempts" = $3,
  "updated_at" = $4
where
  "delivery_id" = $5
  and "source_key" = $6
  and "lockouts" = $7;

-- resetCodeGuard
delete from "delivery_code_guards"
where
  "delivery_id" = $1
  and "source_key" = $2
  and "lockouts" = $3;

update "delivery_code_guards"
set
  "failed_attempts" = $1,
  "updated_at" = $2
where
  "delivery_id" = $3
  and "source_key" = $4;

-- clearCodeGuards
delete from "delivery_code_guards"
where
  "delivery_id" = $1;
