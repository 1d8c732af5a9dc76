-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/audit/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- advanceChainHead
update "audit_chain_head"
set
  "seq" = "seq" + $1
where
  "id" = $2
returning
  "seq",
  "entry_hash";

-- setChainHeadHash
update "audit_chain_head"
set
  "entry_hash" = $1
where
  "id" = $2
  and "seq" = $3;

-- findChainHead
select
  "seq",
  "entry_hash"
from
  "audit_chain_head"
where
  "id" = $1;

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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12);

-- selectAuditEvents: every event
select
  *
from
  "audit_events"
order by
  "seq" desc
limit
  $1;

-- selectAuditEvents: one user's
select
  *
from
  "audit_events"
where
  "subject_user_id" = $1
order by
  "seq" desc
limit
  $2;

-- selectAuditEvents: every filter, next page
select
  *
from
  "audit_events"
where
  "actor_user_id" = $1
  and "action" = $2
  and "studio_id" = $3
  and "at" >= $4
  and "at" < $5
  and "seq" < $6
order by
  "seq" desc
limit
  $7;

-- selectChainPage
select
  *
from
  "audit_events"
where
  "seq" > $1
order by
  "seq"
limit
  $2;

-- selectRecentEvents
select
  *
from
  "audit_events"
where
  "action" in ($1, $2)
  and "at" >= $3
  and "seq" <= $4
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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);

-- findLatestSeal
select
  *
from
  "audit_seals"
where
  "kind" = $1
order by
  "seq" desc
limit
  $2;

-- findLastSeal
select
  *
from
  "audit_seals"
order by
  "chain_index" desc
limit
  $1;

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
  "at" < $1
order by
  "seq" desc
limit
  $2;

-- deleteEventsUpTo
delete from "audit_events"
where
  "seq" <= $1;
