-- Rendered for SQLite by server/src/queries.test.ts from server/src/jobs/queue-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- countJobsByKindAndStatus
select
  "kind",
  "status",
  count(*) as "count",
  min("run_after") as "oldest"
from
  "jobs"
group by
  "kind",
  "status"
order by
  "kind",
  "status";

-- selectJobs: every job
select
  *
from
  "jobs"
order by
  "created_at" desc,
  "id"
limit
  ?;

-- selectJobs: failed ones
select
  *
from
  "jobs"
where
  "status" = ?
order by
  "created_at" desc,
  "id"
limit
  ?;

-- retryFailedJob
update "jobs"
set
  "status" = ?,
  "attempts" = ?,
  "run_after" = ?
where
  "id" = ?
  and "status" = ?;
