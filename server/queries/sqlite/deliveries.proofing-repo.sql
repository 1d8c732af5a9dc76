-- Rendered for SQLite by server/src/queries.test.ts from server/src/deliveries/proofing-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- findProofing
select
  *
from
  "delivery_proofing"
where
  "studio_id" = ?
  and "delivery_id" = ?;

-- upsertProofing
insert into
  "delivery_proofing" ("delivery_id", "studio_id", "favourite_limit", "created_at", "updated_at")
values
  (?, ?, ?, ?, ?)
on conflict ("delivery_id") do update
set
  "favourite_limit" = ?,
  "updated_at" = ?
where
  "delivery_proofing"."studio_id" = ?;

-- deleteProofing
delete from "delivery_proofing"
where
  "studio_id" = ?
  and "delivery_id" = ?;

-- insertProofingList
insert into
  "delivery_proofing_lists" (
    "id",
    "delivery_id",
    "studio_id",
    "name_key",
    "details_sealed",
    "token_hash",
    "created_at",
    "updated_at",
    "submitted_at"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- findProofingListByToken
select
  *
from
  "delivery_proofing_lists"
where
  "studio_id" = ?
  and "delivery_id" = ?
  and "token_hash" = ?;

-- findProofingList
select
  *
from
  "delivery_proofing_lists"
where
  "studio_id" = ?
  and "delivery_id" = ?
  and "id" = ?;

-- listProofingLists
select
  *
from
  "delivery_proofing_lists"
where
  "studio_id" = ?
  and "delivery_id" = ?
order by
  "created_at";

-- claimOpenList
update "delivery_proofing_lists"
set
  "updated_at" = ?
where
  "studio_id" = ?
  and "id" = ?
  and "submitted_at" is null;

-- updateListDetails
update "delivery_proofing_lists"
set
  "details_sealed" = ?,
  "updated_at" = ?
where
  "studio_id" = ?
  and "id" = ?;

-- setListSubmitted: submit
update "delivery_proofing_lists"
set
  "submitted_at" = ?,
  "updated_at" = ?
where
  "studio_id" = ?
  and "id" = ?
  and "submitted_at" is null;

-- setListSubmitted: reopen
update "delivery_proofing_lists"
set
  "submitted_at" = ?,
  "updated_at" = ?
where
  "studio_id" = ?
  and "id" = ?
  and "submitted_at" is not null;

-- countFavourites
select
  count(*) as "count"
from
  "delivery_proofing_favourites"
where
  "studio_id" = ?
  and "list_id" = ?;

-- addFavourite
insert into
  "delivery_proofing_favourites" ("list_id", "file_id", "studio_id", "created_at")
values
  (?, ?, ?, ?)
on conflict ("list_id", "file_id") do nothing;

-- removeFavourite
delete from "delivery_proofing_favourites"
where
  "studio_id" = ?
  and "list_id" = ?
  and "file_id" = ?;

-- listFavourites: none
-- (no query on this database)

-- listFavourites: some
select
  "list_id",
  "file_id"
from
  "delivery_proofing_favourites"
where
  "studio_id" = ?
  and "list_id" in (?, ?)
order by
  "created_at",
  "file_id";
