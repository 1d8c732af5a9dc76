-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/jobs/queue-repo.ts.
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
  $1;

-- selectJobs: failed ones
select
  *
from
  "jobs"
where
  "status" = $1
order by
  "created_at" desc,
  "id"
limit
  $2;

-- retryFailedJob
update "jobs"
set
  "status" = $1,
  "attempts" = $2,
  "run_after" = $3
where
  "id" = $4
  and "status" = $5;
