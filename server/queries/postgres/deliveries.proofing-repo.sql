-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/deliveries/proofing-repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- findProofing
select
  *
from
  "delivery_proofing"
where
  "studio_id" = $1
  and "delivery_id" = $2;

-- upsertProofing
insert into
  "delivery_proofing" ("delivery_id", "studio_id", "favourite_limit", "created_at", "updated_at")
values
  ($1, $2, $3, $4, $5)
on conflict ("delivery_id") do update
set
  "favourite_limit" = $6,
  "updated_at" = $7
where
  "delivery_proofing"."studio_id" = $8;

-- deleteProofing
delete from "delivery_proofing"
where
  "studio_id" = $1
  and "delivery_id" = $2;

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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- findProofingListByToken
select
  *
from
  "delivery_proofing_lists"
where
  "studio_id" = $1
  and "delivery_id" = $2
  and "token_hash" = $3;

-- findProofingList
select
  *
from
  "delivery_proofing_lists"
where
  "studio_id" = $1
  and "delivery_id" = $2
  and "id" = $3;

-- listProofingLists
select
  *
from
  "delivery_proofing_lists"
where
  "studio_id" = $1
  and "delivery_id" = $2
order by
  "created_at";

-- claimOpenList
update "delivery_proofing_lists"
set
  "updated_at" = $1
where
  "studio_id" = $2
  and "id" = $3
  and "submitted_at" is null;

-- updateListDetails
update "delivery_proofing_lists"
set
  "details_sealed" = $1,
  "updated_at" = $2
where
  "studio_id" = $3
  and "id" = $4;

-- setListSubmitted: submit
update "delivery_proofing_lists"
set
  "submitted_at" = $1,
  "updated_at" = $2
where
  "studio_id" = $3
  and "id" = $4
  and "submitted_at" is null;

-- setListSubmitted: reopen
update "delivery_proofing_lists"
set
  "submitted_at" = $1,
  "updated_at" = $2
where
  "studio_id" = $3
  and "id" = $4
  and "submitted_at" is not null;

-- countFavourites
select
  count(*) as "count"
from
  "delivery_proofing_favourites"
where
  "studio_id" = $1
  and "list_id" = $2;

-- addFavourite
insert into
  "delivery_proofing_favourites" ("list_id", "file_id", "studio_id", "created_at")
values
  ($1, $2, $3, $4)
on conflict ("list_id", "file_id") do nothing;

-- removeFavourite
delete from "delivery_proofing_favourites"
where
  "studio_id" = $1
  and "list_id" = $2
  and "file_id" = $3;

-- listFavourites: none
-- (no query on this database)

-- listFavourites: some
select
  "list_id",
  "file_id"
from
  "delivery_proofing_favourites"
where
  "studio_id" = $1
  and "list_id" in ($2, $3)
order by
  "created_at",
  "file_id";
