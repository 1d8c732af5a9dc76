-- Rendered for SQLite by server/src/queries.test.ts from server/src/audit/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertAuditEvent
insert into
  "audit_events" ("id", "at", "action", "actor_user_id", "subject_user_id", "ip", "user_agent", "details")
values
  (?, ?, ?, ?, ?, ?, ?, ?);

-- selectAuditEvents: every event
select
  *
from
  "audit_events"
order by
  "at" desc,
  "id"
limit
  ?;

-- selectAuditEvents: one user's
select
  *
from
  "audit_events"
where
  "subject_user_id" = ?
order by
  "at" desc,
  "id"
limit
  ?;
