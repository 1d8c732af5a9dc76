-- Rendered for SQLite by server/src/queries.test.ts from server/src/http/rate-limits-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- countRateLimitPoint
insert into
  "rate_limit_counters" ("key", "points", "expires_at")
values
  (?, ?, ?)
on conflict ("key") do update
set
  "points" = case
    when "rate_limit_counters"."expires_at" <= ? then 1
    else "rate_limit_counters"."points" + ?
  end,
  "expires_at" = case
    when "rate_limit_counters"."expires_at" <= ? then "excluded"."expires_at"
    else "rate_limit_counters"."expires_at"
  end
returning
  "points",
  "expires_at";

-- deleteRateLimitCounter
delete from "rate_limit_counters"
where
  "key" = ?;

-- refundRateLimitPoint
update "rate_limit_counters"
set
  "points" = "points" - ?
where
  "key" = ?
  and "expires_at" > ?
  and "points" > ?;

-- deleteExpiredRateLimitCounters
delete from "rate_limit_counters"
where
  "expires_at" <= ?;

-- currentRateLimitPoints
select
  "points"
from
  "rate_limit_counters"
where
  "key" = ?
  and "expires_at" > ?;

-- findRateLimitCounter
select
  "points",
  "expires_at"
from
  "rate_limit_counters"
where
  "key" = ?
  and "expires_at" > ?;

-- saveRateLimitCounter
insert into
  "rate_limit_counters" ("key", "points", "expires_at")
values
  (?, ?, ?)
on conflict ("key") do update
set
  "points" = ?,
  "expires_at" = ?;
