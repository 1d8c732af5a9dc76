-- Rendered for SQLite by server/src/queries.test.ts from server/src/audit/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- advanceChainHead
update "audit_chain_head"
set
  "seq" = "seq" + ?
where
  "id" = ?
returning
  "seq",
  "entry_hash";

-- setChainHeadHash
update "audit_chain_head"
set
  "entry_hash" = ?
where
  "id" = ?
  and "seq" = ?;

-- findChainHead
select
  "seq",
  "entry_hash"
from
  "audit_chain_head"
where
  "id" = ?;

-- insertAuditEvent
insert into
  "audit_events" (
    "id",
    "seq",
    "at",
    "action",
    "actor_user_id",
    "subject_user_id",
    "studio_id",
    "ip",
    "user_agent",
    "details",
    "prev_hash",
    "entry_hash"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- selectAuditEvents: every event
select
  *
from
  "audit_events"
order by
  "seq" desc
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
  "seq" desc
limit
  ?;

-- selectAuditEvents: every filter, next page
select
  *
from
  "audit_events"
where
  "actor_user_id" = ?
  and "action" = ?
  and "studio_id" = ?
  and "at" >= ?
  and "at" < ?
  and "seq" < ?
order by
  "seq" desc
limit
  ?;

-- selectChainPage
select
  *
from
  "audit_events"
where
  "seq" > ?
order by
  "seq"
limit
  ?;

-- selectRecentEvents
select
  *
from
  "audit_events"
where
  "action" in (?, ?)
  and "at" >= ?
  and "seq" <= ?
order by
  "seq";

-- insertSeal
insert into
  "audit_seals" (
    "id",
    "kind",
    "seq",
    "entry_hash",
    "sealed_at",
    "key_version",
    "mac",
    "chain_index",
    "prev_mac",
    "format"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- findLatestSeal
select
  *
from
  "audit_seals"
where
  "kind" = ?
order by
  "seq" desc
limit
  ?;

-- findLastSeal
select
  *
from
  "audit_seals"
order by
  "chain_index" desc
limit
  ?;

-- selectSeals
select
  *
from
  "audit_seals"
order by
  "chain_index";

-- findLastEventBefore
select
  "seq",
  "entry_hash"
from
  "audit_events"
where
  "at" < ?
order by
  "seq" desc
limit
  ?;

-- deleteEventsUpTo
delete from "audit_events"
where
  "seq" <= ?;
