-- Rendered for SQLite by server/src/queries.test.ts from server/src/labs/orders-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertPrintOrder
insert into
  "print_orders" (
    "id",
    "studio_id",
    "lab_id",
    "created_by",
    "status",
    "details_sealed",
    "due_date",
    "carrier",
    "tracking_number",
    "reject_reason",
    "created_at",
    "updated_at",
    "submitted_at",
    "closed_at"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

insert into
  "print_order_lines" ("id", "order_id", "position", "file_id", "sku", "finish", "quantity", "crop", "notes")
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- updateDraftOrder
update "print_orders"
set
  "updated_at" = ?
where
  "studio_id" = ?
  and "id" = ?
  and "status" = ?;

-- listStudioOrders
select
  *
from
  "print_orders"
where
  "studio_id" = ?
order by
  "created_at" desc,
  "id"
limit
  ?;

-- findStudioOrder
select
  *
from
  "print_orders"
where
  "studio_id" = ?
  and "id" = ?;

-- listLabOrderRows
select
  "print_orders".*
from
  "print_orders"
  inner join "studio_labs" on "studio_labs"."studio_id" = "print_orders"."studio_id"
  and "studio_labs"."lab_id" = "print_orders"."lab_id"
  inner join "lab_portal_studios" on "lab_portal_studios"."studio_id" = "print_orders"."studio_id"
where
  "print_orders"."lab_id" = ?
  and "print_orders"."status" != ?
order by
  "print_orders"."submitted_at" desc,
  "print_orders"."id"
limit
  ?;

-- findLabOrder
select
  "print_orders".*
from
  "print_orders"
  inner join "studio_labs" on "studio_labs"."studio_id" = "print_orders"."studio_id"
  and "studio_labs"."lab_id" = "print_orders"."lab_id"
  inner join "lab_portal_studios" on "lab_portal_studios"."studio_id" = "print_orders"."studio_id"
where
  "print_orders"."lab_id" = ?
  and "print_orders"."status" != ?
  and "print_orders"."id" = ?;

-- changeOrderStatus
update "print_orders"
set
  "status" = ?,
  "updated_at" = ?
where
  "id" = ?
  and "status" = ?;

-- listOrderLines
select
  *
from
  "print_order_lines"
where
  "order_id" = ?
order by
  "position";

-- countLinesOfOrders
select
  "order_id" as "orderId",
  count(*) as "lines"
from
  "print_order_lines"
where
  "order_id" in (?, ?)
group by
  "order_id";

-- insertOrderEvent
insert into
  "print_order_events" ("id", "order_id", "kind", "by_lab", "file_id", "note", "at", "ip")
values
  (?, ?, ?, ?, ?, ?, ?, ?);

-- listOrderEvents
select
  *
from
  "print_order_events"
where
  "order_id" = ?
order by
  "at",
  "id"
limit
  ?;
