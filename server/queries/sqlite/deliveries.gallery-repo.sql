-- Rendered for SQLite by server/src/queries.test.ts from server/src/deliveries/gallery-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- listPlacements
select
  "file_id" as "fileId",
  "set_id" as "setId"
from
  "delivery_files"
where
  "delivery_id" = ?
order by
  "position",
  "file_id";

-- replacePlacements
delete from "delivery_files"
where
  "delivery_id" = ?;

insert into
  "delivery_files" ("delivery_id", "file_id", "set_id", "position")
values
  (?, ?, ?, ?),
  (?, ?, ?, ?);

-- listDeliverySets
select
  *
from
  "delivery_sets"
where
  "delivery_id" = ?
order by
  "position",
  "created_at",
  "id";

-- insertDeliverySet
insert into
  "delivery_sets" ("id", "delivery_id", "name_sealed", "position", "created_at", "updated_at")
values
  (?, ?, ?, ?, ?, ?);

-- updateDeliverySetRow
update "delivery_sets"
set
  "name_sealed" = ?,
  "position" = ?,
  "updated_at" = ?
where
  "delivery_id" = ?
  and "id" = ?;

-- deleteDeliverySetRow
update "delivery_files"
set
  "set_id" = ?
where
  "delivery_id" = ?
  and "set_id" = ?;

delete from "delivery_sets"
where
  "delivery_id" = ?
  and "id" = ?;

-- insertDeliveryEvents
insert into
  "delivery_events" ("id", "delivery_id", "kind", "file_id", "at", "ip", "user_agent")
values
  (?, ?, ?, ?, ?, ?, ?);
