-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/admin/alerts-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- findScanCursor
select
  "seq"
from
  "alert_scan_cursor"
where
  "id" = $1;

-- advanceScanCursor
update "alert_scan_cursor"
set
  "seq" = $1
where
  "id" = $2
  and "seq" = $3;

-- insertAlert
insert into
  "alerts" (
    "id",
    "rule",
    "subject",
    "studio_id",
    "summary",
    "event_count",
    "first_seq",
    "raised_at",
    "status",
    "acknowledged_at",
    "acknowledged_by",
    "emailed_at"
  )
values
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- findRecentAlert
select
  "id"
from
  "alerts"
where
  "rule" = $1
  and "subject" = $2
  and "raised_at" >= $3
limit
  $4;

-- selectAlerts: every alert
select
  *
from
  "alerts"
order by
  "raised_at" desc,
  "id"
limit
  $1;

-- selectAlerts: open ones
select
  *
from
  "alerts"
where
  "status" = $1
order by
  "raised_at" desc,
  "id"
limit
  $2;

-- findAlert
select
  *
from
  "alerts"
where
  "id" = $1;

-- acknowledgeAlertRow
update "alerts"
set
  "status" = $1,
  "acknowledged_at" = $2,
  "acknowledged_by" = $3
where
  "id" = $4
  and "status" = $5;

-- countEmailedSince
select
  count(*) as "count"
from
  "alerts"
where
  "emailed_at" >= $1;

-- markAlertEmailed
update "alerts"
set
  "emailed_at" = $1
where
  "id" = $2;
