-- Rendered for SQLite by server/src/queries.test.ts from server/src/jobs/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- upsertJob
insert into
  "jobs" ("id", "kind", "payload", "status", "attempts", "run_after", "last_error", "created_at")
values
  (?, ?, ?, ?, ?, ?, ?, ?)
on conflict ("id") do update
set
  "payload" = ?,
  "status" = ?,
  "attempts" = ?,
  "run_after" = ?,
  "last_error" = ?
where
  "jobs"."status" != ?;

-- insertJobOnce
insert into
  "jobs" ("id", "kind", "payload", "status", "attempts", "run_after", "last_error", "created_at")
values
  (?, ?, ?, ?, ?, ?, ?, ?)
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
  "kind" in (?, ?)
  and "status" in (?, ?)
  and "run_after" <= ?
order by
  "run_after"
limit
  ?;

-- renewJobLease
update "jobs"
set
  "run_after" = ?
where
  "id" = ?
  and "status" = ?
  and "attempts" = ?;

-- deleteFinishedJob
delete from "jobs"
where
  "id" = ?
  and "status" = ?
  and "attempts" = ?;

-- rescheduleJob
update "jobs"
set
  "status" = ?,
  "run_after" = ?,
  "last_error" = ?
where
  "id" = ?
  and "status" = ?
  and "attempts" = ?;

-- releaseJob
update "jobs"
set
  "status" = ?,
  "run_after" = ?,
  "attempts" = ?
where
  "id" = ?
  and "status" = ?
  and "attempts" = ?;

-- scheduleNextRun
update "jobs"
set
  "status" = ?,
  "attempts" = ?,
  "run_after" = ?,
  "last_error" = ?
where
  "id" = ?
  and "status" = ?
  and "attempts" = ?;

-- markJobFailed
update "jobs"
set
  "status" = ?,
  "last_error" = ?
where
  "id" = ?
  and "status" = ?
  and "attempts" = ?;
