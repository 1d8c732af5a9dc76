-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/deliveries/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertDelivery
insert into
  "deliveries" (
    "id",
    "studio_id",
    "created_by",
    "details_sealed",
    "token_hash",
    "code_digest",
    "code_key_version",
    "allow_originals",
    "allow_zip",
    "download_limit",
    "locked_until",
    "first_downloaded_at",
    "last_activity_at",
    "created_at",
    "updated_at",
    "expires_at",
    "revoked_at"
  )
values
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17);

insert into
  "delivery_files" ("delivery_id", "file_id", "position")
values
  ($1, $2, $3),
  ($4, $5, $6);

-- listStudioDeliveries
select
  *
from
  "deliveries"
where
  "studio_id" = $1
order by
  "created_at" desc,
  "id"
limit
  $2;

-- findStudioDelivery
select
  *
from
  "deliveries"
where
  "studio_id" = $1
  and "id" = $2;

-- findDeliveryByTokenHash
select
  *
from
  "deliveries"
where
  "token_hash" = $1;

-- findDeliveryById
select
  *
from
  "deliveries"
where
  "id" = $1;

-- listDeliveryFileIds
select
  "file_id"
from
  "delivery_files"
where
  "delivery_id" = $1
order by
  "position";

-- listFileIdsOfDeliveries
select
  "delivery_id" as "deliveryId",
  "file_id" as "fileId"
from
  "delivery_files"
where
  "delivery_id" in ($1, $2)
order by
  "delivery_id",
  "position";

-- deliveryHasFile
select
  "file_id"
from
  "delivery_files"
where
  "delivery_id" = $1
  and "file_id" = $2;

-- listLiveDeliveriesWithFiles
select
  "deliveries"."id" as "id",
  "deliveries"."details_sealed" as "detailsSealed",
  "delivery_files"."file_id" as "fileId"
from
  "delivery_files"
  inner join "deliveries" on "deliveries"."id" = "delivery_files"."delivery_id"
where
  "deliveries"."studio_id" = $1
  and "deliveries"."revoked_at" is null
  and "deliveries"."expires_at" > $2
  and "delivery_files"."file_id" in ($3, $4)
order by
  "deliveries"."created_at" desc,
  "deliveries"."id",
  "delivery_files"."position";

-- updateStudioDelivery
update "deliveries"
set
  "revoked_at" = $1,
  "updated_at" = $2
where
  "studio_id" = $3
  and "id" = $4;

-- countCodeAttempt
update "deliveries"
set
  "failed_attempts" = "failed_attempts" + $1
where
  "id" = $2
  and (
    "locked_until" is null
    or "locked_until" <= $3
  )
returning
  "failed_attempts";

-- lockDelivery
update "deliveries"
set
  "locked_until" = $1,
  "lockouts" = $2,
  "failed_attempts" = $3
where
  "id" = $4
  and "lockouts" = $5;

-- recordSuccessfulOpen
update "deliveries"
set
  "failed_attempts" = $1,
  "view_count" = "view_count" + $2,
  "last_activity_at" = $3
where
  "id" = $4;

-- countDownload
update "deliveries"
set
  "download_count" = "download_count" + $1,
  "last_activity_at" = $2
where
  "id" = $3
  and (
    "download_limit" is null
    or "download_count" < "download_limit"
  );

-- markFirstDownload
update "deliveries"
set
  "first_downloaded_at" = $1
where
  "id" = $2
  and "first_downloaded_at" is null;

-- insertDeliverySession
insert into
  "delivery_sessions" ("id", "delivery_id", "token_hash", "created_at", "expires_at", "ended_at", "ip", "user_agent")
values
  ($1, $2, $3, $4, $5, $6, $7, $8);

-- findDeliverySession
select
  *
from
  "delivery_sessions"
where
  "token_hash" = $1
  and "delivery_id" = $2
  and "ended_at" is null
  and "expires_at" > $3;

-- deleteDeliverySession
delete from "delivery_sessions"
where
  "token_hash" = $1;

-- endDeliverySessions
update "delivery_sessions"
set
  "ended_at" = $1
where
  "delivery_id" = $2
  and "ended_at" is null;

-- insertDeliveryEvent
insert into
  "delivery_events" ("id", "delivery_id", "kind", "file_id", "at", "ip", "user_agent")
values
  ($1, $2, $3, $4, $5, $6, $7);

-- listDeliveryEventRows
select
  *
from
  (
    select
      *
    from
      "delivery_events"
    where
      "delivery_id" = $1
    order by
      "at" desc,
      "id" desc
    limit
      $2
  ) as "recent"
union
select
  *
from
  (
    select
      *
    from
      "delivery_events"
    where
      "delivery_id" = $3
      and "kind" not in ($4, $5)
    order by
      "at" desc,
      "id" desc
    limit
      $6
  ) as "access"
order by
  "at" desc,
  "id" desc;
