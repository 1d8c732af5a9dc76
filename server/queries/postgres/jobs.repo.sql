-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/jobs/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- upsertJob
insert into
  "jobs" ("id", "kind", "payload", "status", "attempts", "run_after", "last_error", "created_at")
values
  ($1, $2, $3, $4, $5, $6, $7, $8)
on conflict ("id") do update
set
  "payload" = $9,
  "status" = $10,
  "attempts" = $11,
  "run_after" = $12,
  "last_error" = $13
where
  "jobs"."status" != $14;

-- insertJobOnce
insert into
  "jobs" ("id", "kind", "payload", "status", "attempts", "run_after", "last_error", "created_at")
values
  ($1, $2, $3, $4, $5, $6, $7, $8)
on conflict ("id") do nothing;

-- claimDueJob
select
  "id",
  "kind",
  "payload",
  "status",
  "attempts",
  "run_after"
from
  "jobs"
where
  "kind" in ($1, $2)
  and "status" in ($3, $4)
  and "run_after" <= $5
order by
  "run_after"
limit
  $6;

-- renewJobLease
update "jobs"
set
  "run_after" = $1
where
  "id" = $2
  and "status" = $3
  and "attempts" = $4;

-- deleteFinishedJob
delete from "jobs"
where
  "id" = $1
  and "status" = $2
  and "attempts" = $3;

-- rescheduleJob
update "jobs"
set
  "status" = $1,
  "run_after" = $2,
  "last_error" = $3
where
  "id" = $4
  and "status" = $5
  and "attempts" = $6;

-- releaseJob
update "jobs"
set
  "status" = $1,
  "run_after" = $2,
  "attempts" = $3
where
  "id" = $4
  and "status" = $5
  and "attempts" = $6;

-- scheduleNextRun
update "jobs"
set
  "status" = $1,
  "attempts" = $2,
  "run_after" = $3,
  "last_error" = $4
where
  "id" = $5
  and "status" = $6
  and "attempts" = $7;

-- markJobFailed
update "jobs"
set
  "status" = $1,
  "last_error" = $2
where
  "id" = $3
  and "status" = $4
  and "attempts" = $5;
