-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/http/rate-limits-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- countRateLimitPoint
insert into
  "rate_limit_counters" ("key", "points", "expires_at")
values
  ($1, $2, $3)
on conflict ("key") do update
set
  "points" = case
    when "rate_limit_counters"."expires_at" <= $4 then 1
    else "rate_limit_counters"."points" + $5
  end,
  "expires_at" = case
    when "rate_limit_counters"."expires_at" <= $6 then "excluded"."expires_at"
    else "rate_limit_counters"."expires_at"
  end
returning
  "points",
  "expires_at";

-- deleteRateLimitCounter
delete from "rate_limit_counters"
where
  "key" = $1;

-- refundRateLimitPoint
update "rate_limit_counters"
set
  "points" = "points" - $1
where
  "key" = $2
  and "expires_at" > $3
  and "points" > $4;

-- deleteExpiredRateLimitCounters
delete from "rate_limit_counters"
where
  "expires_at" <= $1;

-- currentRateLimitPoints
select
  "points"
from
  "rate_limit_counters"
where
  "key" = $1
  and "expires_at" > $2;

-- findRateLimitCounter
select
  "points",
  "expires_at"
from
  "rate_limit_counters"
where
  "key" = $1
  and "expires_at" > $2;

-- saveRateLimitCounter
insert into
  "rate_limit_counters" ("key", "points", "expires_at")
values
  ($1, $2, $3)
on conflict ("key") do update
set
  "points" = $4,
  "expires_at" = $5;
