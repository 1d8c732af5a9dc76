-- Rendered for SQLite by server/src/queries.test.ts from server/src/admin/alerts-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- findScanCursor
select
  "seq"
from
  "alert_scan_cursor"
where
  "id" = ?;

-- advanceScanCursor
update "alert_scan_cursor"
set
  "seq" = ?
where
  "id" = ?
  and "seq" = ?;

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
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- findRecentAlert
select
  "id"
from
  "alerts"
where
  "rule" = ?
  and "subject" = ?
  and "raised_at" >= ?
limit
  ?;

-- selectAlerts: every alert
select
  *
from
  "alerts"
order by
  "raised_at" desc,
  "id"
limit
  ?;

-- selectAlerts: open ones
select
  *
from
  "alerts"
where
  "status" = ?
order by
  "raised_at" desc,
  "id"
limit
  ?;

-- findAlert
select
  *
from
  "alerts"
where
  "id" = ?;

-- acknowledgeAlertRow
update "alerts"
set
  "status" = ?,
  "acknowledged_at" = ?,
  "acknowledged_by" = ?
where
  "id" = ?
  and "status" = ?;

-- countEmailedSince
select
  count(*) as "count"
from
  "alerts"
where
  "emailed_at" >= ?;

-- markAlertEmailed
update "alerts"
set
  "emailed_at" = ?
where
  "id" = ?;
