-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/labs/orders-repo.ts.
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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

insert into
  "print_order_lines" ("id", "order_id", "position", "file_id", "sku", "finish", "quantity", "crop", "notes")
values
  ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- updateDraftOrder
update "print_orders"
set
  "updated_at" = $1
where
  "studio_id" = $2
  and "id" = $3
  and "status" = $4;

-- listStudioOrders
select
  *
from
  "print_orders"
where
  "studio_id" = $1
order by
  "created_at" desc,
  "id"
limit
  $2;

-- findStudioOrder
select
  *
from
  "print_orders"
where
  "studio_id" = $1
  and "id" = $2;

-- listLabOrderRows
select
  "print_orders".*
from
  "print_orders"
  inner join "studio_labs" on "studio_labs"."studio_id" = "print_orders"."studio_id"
  and "studio_labs"."lab_id" = "print_orders"."lab_id"
  inner join "lab_portal_studios" on "lab_portal_studios"."studio_id" = "print_orders"."studio_id"
where
  "print_orders"."lab_id" = $1
  and "print_orders"."status" != $2
order by
  "print_orders"."submitted_at" desc,
  "print_orders"."id"
limit
  $3;

-- findLabOrder
select
  "print_orders".*
from
  "print_orders"
  inner join "studio_labs" on "studio_labs"."studio_id" = "print_orders"."studio_id"
  and "studio_labs"."lab_id" = "print_orders"."lab_id"
  inner join "lab_portal_studios" on "lab_portal_studios"."studio_id" = "print_orders"."studio_id"
where
  "print_orders"."lab_id" = $1
  and "print_orders"."status" != $2
  and "print_orders"."id" = $3;

-- changeOrderStatus
update "print_orders"
set
  "status" = $1,
  "updated_at" = $2
where
  "id" = $3
  and "status" = $4;

-- listOrderLines
select
  *
from
  "print_order_lines"
where
  "order_id" = $1
order by
  "position";

-- countLinesOfOrders
select
  "order_id" as "orderId",
  count(*) as "lines"
from
  "print_order_lines"
where
  "order_id" in ($1, $2)
group by
  "order_id";

-- insertOrderEvent
insert into
  "print_order_events" ("id", "order_id", "kind", "by_lab", "file_id", "note", "at", "ip")
values
  ($1, $2, $3, $4, $5, $6, $7, $8);

-- listOrderEvents
select
  *
from
  "print_order_events"
where
  "order_id" = $1
order by
  "at",
  "id"
limit
  $2;
