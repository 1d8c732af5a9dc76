-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/deliveries/gallery-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- listPlacements
select
  "file_id" as "fileId",
  "set_id" as "setId"
from
  "delivery_files"
where
  "delivery_id" = $1
order by
  "position",
  "file_id";

-- replacePlacements
delete from "delivery_files"
where
  "delivery_id" = $1;

insert into
  "delivery_files" ("delivery_id", "file_id", "set_id", "position")
values
  ($1, $2, $3, $4),
  ($5, $6, $7, $8);

-- listDeliverySets
select
  *
from
  "delivery_sets"
where
  "delivery_id" = $1
order by
  "position",
  "created_at",
  "id";

-- insertDeliverySet
insert into
  "delivery_sets" ("id", "delivery_id", "name_sealed", "position", "created_at", "updated_at")
values
  ($1, $2, $3, $4, $5, $6);

-- updateDeliverySetRow
update "delivery_sets"
set
  "name_sealed" = $1,
  "position" = $2,
  "updated_at" = $3
where
  "delivery_id" = $4
  and "id" = $5;

-- deleteDeliverySetRow
update "delivery_files"
set
  "set_id" = $1
where
  "delivery_id" = $2
  and "set_id" = $3;

delete from "delivery_sets"
where
  "delivery_id" = $1
  and "id" = $2;

-- insertDeliveryEvents
insert into
  "delivery_events" ("id", "delivery_id", "kind", "file_id", "at", "ip", "user_agent")
values
  ($1, $2, $3, $4, $5, $6, $7);
