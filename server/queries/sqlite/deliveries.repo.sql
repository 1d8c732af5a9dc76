-- Rendered for SQLite by server/src/queries.test.ts from server/src/deliveries/repo.ts.
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
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

insert into
  "delivery_files" ("delivery_id", "file_id", "position")
values
  (?, ?, ?),
  (?, ?, ?);

-- listStudioDeliveries
select
  *
from
  "deliveries"
where
  "studio_id" = ?
order by
  "created_at" desc,
  "id"
limit
  ?;

-- findStudioDelivery
select
  *
from
  "deliveries"
where
  "studio_id" = ?
  and "id" = ?;

-- findDeliveryByTokenHash
select
  *
from
  "deliveries"
where
  "token_hash" = ?;

-- findDeliveryById
select
  *
from
  "deliveries"
where
  "id" = ?;

-- listDeliveryFileIds
select
  "file_id"
from
  "delivery_files"
where
  "delivery_id" = ?
order by
  "position";

-- listFileIdsOfDeliveries
select
  "delivery_id" as "deliveryId",
  "file_id" as "fileId"
from
  "delivery_files"
where
  "delivery_id" in (?, ?)
order by
  "delivery_id",
  "position";

-- deliveryHasFile
select
  "file_id"
from
  "delivery_files"
where
  "delivery_id" = ?
  and "file_id" = ?;

-- listLiveDeliveriesWithFiles
select
  "deliveries"."id" as "id",
  "deliveries"."details_sealed" as "detailsSealed",
  "delivery_files"."file_id" as "fileId"
from
  "delivery_files"
  inner join "deliveries" on "deliveries"."id" = "delivery_files"."delivery_id"
where
  "deliveries"."studio_id" = ?
  and "deliveries"."revoked_at" is null
  and "deliveries"."expires_at" > ?
  and "delivery_files"."file_id" in (?, ?)
order by
  "deliveries"."created_at" desc,
  "deliveries"."id",
  "delivery_files"."position";

-- updateStudioDelivery
update "deliveries"
set
  "revoked_at" = ?,
  "updated_at" = ?
where
  "studio_id" = ?
  and "id" = ?;

-- countCodeAttempt
update "deliveries"
set
  "failed_attempts" = "failed_attempts" + ?
where
  "id" = ?
  and (
    "locked_until" is null
    or "locked_until" <= ?
  )
returning
  "failed_attempts";

-- lockDelivery
update "deliveries"
set
  "locked_until" = ?,
  "lockouts" = ?,
  "failed_attempts" = ?
where
  "id" = ?
  and "lockouts" = ?;

-- recordSuccessfulOpen
update "deliveries"
set
  "failed_attempts" = ?,
  "view_count" = "view_count" + ?,
  "last_activity_at" = ?
where
  "id" = ?;

-- countDownload
update "deliveries"
set
  "download_count" = "download_count" + ?,
  "last_activity_at" = ?
where
  "id" = ?
  and (
    "download_limit" is null
    or "download_count" < "download_limit"
  );

-- markFirstDownload
update "deliveries"
set
  "first_downloaded_at" = ?
where
  "id" = ?
  and "first_downloaded_at" is null;

-- insertDeliverySession
insert into
  "delivery_sessions" ("id", "delivery_id", "token_hash", "created_at", "expires_at", "ended_at", "ip", "user_agent")
values
  (?, ?, ?, ?, ?, ?, ?, ?);

-- findDeliverySession
select
  *
from
  "delivery_sessions"
where
  "token_hash" = ?
  and "delivery_id" = ?
  and "ended_at" is null
  and "expires_at" > ?;

-- deleteDeliverySession
delete from "delivery_sessions"
where
  "token_hash" = ?;

-- endDeliverySessions
update "delivery_sessions"
set
  "ended_at" = ?
where
  "delivery_id" = ?
  and "ended_at" is null;

-- insertDeliveryEvent
insert into
  "delivery_events" ("id", "delivery_id", "kind", "file_id", "at", "ip", "user_agent")
values
  (?, ?, ?, ?, ?, ?, ?);

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
      "delivery_id" = ?
    order by
      "at" desc,
      "id" desc
    limit
      ?
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
      "delivery_id" = ?
      and "kind" not in (?, ?)
    order by
      "at" desc,
      "id" desc
    limit
      ?
  ) as "access"
order by
  "at" desc,
  "id" desc;
