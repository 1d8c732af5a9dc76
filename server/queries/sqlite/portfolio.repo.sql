-- Rendered for SQLite by server/src/queries.test.ts from server/src/portfolio/repo.ts.
-- Do not edit: `npm run sql:update` writes this file.

-- insertPortfolio
insert into
  "portfolios" (
    "id",
    "studio_id",
    "user_id",
    "slug",
    "display_name",
    "bio",
    "avatar_file_id",
    "contact_url",
    "social_links",
    "hide_from_search",
    "custom_domain",
    "created_at",
    "updated_at"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- findUserPortfolio
select
  *
from
  "portfolios"
where
  "studio_id" = ?
  and "user_id" = ?;

-- findPortfolioBySlug
select
  *
from
  "portfolios"
where
  "slug" = ?;

-- findPortfolioById
select
  *
from
  "portfolios"
where
  "id" = ?;

-- findPortfolioByDomain
select
  *
from
  "portfolios"
where
  "custom_domain" = ?;

-- setPortfolioDomain
update "portfolios"
set
  "custom_domain" = ?,
  "updated_at" = ?
where
  "studio_id" = ?
  and "id" = ?;

-- findStudioPortfolio
select
  *
from
  "portfolios"
where
  "studio_id" = ?
  and "id" = ?;

-- listStudioPortfolios
select
  *
from
  "portfolios"
where
  "studio_id" = ?
order by
  "display_name",
  "id";

-- listAllPortfolios
select
  *
from
  "portfolios"
order by
  "slug";

-- listCollectionsWithPhotos
select
  "portfolio_collections"."portfolio_id",
  "portfolio_collections"."slug",
  "portfolio_collections"."updated_at"
from
  "portfolio_collections"
where
  exists (
    select
      "portfolio_photos"."id"
    from
      "portfolio_photos"
    where
      "portfolio_photos"."collection_id" = "portfolio_collections"."id"
      and "portfolio_photos"."studio_id" = "portfolio_collections"."studio_id"
  )
order by
  "portfolio_collections"."portfolio_id",
  "portfolio_collections"."position",
  "portfolio_collections"."created_at",
  "portfolio_collections"."id";

-- updateStudioPortfolio
update "portfolios"
set
  "bio" = ?,
  "updated_at" = ?
where
  "studio_id" = ?
  and "id" = ?;

-- deleteStudioPortfolio
delete from "portfolios"
where
  "studio_id" = ?
  and "id" = ?;

-- insertCollection
insert into
  "portfolio_collections" (
    "id",
    "studio_id",
    "portfolio_id",
    "slug",
    "title",
    "description",
    "cover_photo_id",
    "watermark_json",
    "position",
    "created_at",
    "updated_at"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?);

-- listPortfolioCollections
select
  *
from
  "portfolio_collections"
where
  "studio_id" = ?
  and "portfolio_id" = ?
order by
  "position",
  "created_at",
  "id";

-- listStudioCollections
select
  *
from
  "portfolio_collections"
where
  "studio_id" = ?
order by
  "portfolio_id",
  "position",
  "id"
limit
  ?
offset
  ?;

-- findPortfolioCollection
select
  *
from
  "portfolio_collections"
where
  "studio_id" = ?
  and "portfolio_id" = ?
  and "id" = ?;

-- findStudioCollection
select
  *
from
  "portfolio_collections"
where
  "studio_id" = ?
  and "id" = ?;

-- findCollectionBySlug
select
  *
from
  "portfolio_collections"
where
  "studio_id" = ?
  and "portfolio_id" = ?
  and "slug" = ?;

-- nextCollectionPosition
select
  max("position") as "last"
from
  "portfolio_collections"
where
  "studio_id" = ?
  and "portfolio_id" = ?;

-- updatePortfolioCollection
update "portfolio_collections"
set
  "title" = ?,
  "updated_at" = ?
where
  "studio_id" = ?
  and "portfolio_id" = ?
  and "id" = ?;

-- deletePortfolioCollection
delete from "portfolio_collections"
where
  "studio_id" = ?
  and "portfolio_id" = ?
  and "id" = ?;

-- insertPhotos
insert into
  "portfolio_photos" (
    "id",
    "studio_id",
    "portfolio_id",
    "collection_id",
    "file_id",
    "position",
    "alt",
    "width",
    "height",
    "published_at"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
on conflict ("collection_id", "file_id") do nothing;

-- insertPhotos: none
-- (no query on this database)

-- listCollectionPhotos
select
  *
from
  "portfolio_photos"
where
  "studio_id" = ?
  and "collection_id" in (?)
order by
  "collection_id",
  "position",
  "published_at",
  "id";

-- listCollectionPhotos: none
-- (no query on this database)

-- countCollectionPhotos
select
  count(*) as "count"
from
  "portfolio_photos"
where
  "studio_id" = ?
  and "collection_id" = ?;

-- listCollectionPhotoPage
select
  *
from
  "portfolio_photos"
where
  "studio_id" = ?
  and "collection_id" = ?
order by
  "position",
  "published_at",
  "id"
limit
  ?
offset
  ?;

-- findPhoto
select
  *
from
  "portfolio_photos"
where
  "id" = ?;

-- findPortfolioPhotos
select
  *
from
  "portfolio_photos"
where
  "studio_id" = ?
  and "portfolio_id" = ?
  and "id" in (?);

-- findPortfolioPhotos: none
-- (no query on this database)

-- nextPhotoPosition
select
  max("position") as "last"
from
  "portfolio_photos"
where
  "studio_id" = ?
  and "collection_id" = ?;

-- deleteCollectionPhotos
delete from "portfolio_photos"
where
  "studio_id" = ?
  and "collection_id" = ?
  and "id" in (?);

-- deleteCollectionPhotos: none
-- (no query on this database)

-- setPhotoPosition
update "portfolio_photos"
set
  "position" = ?
where
  "studio_id" = ?
  and "collection_id" = ?
  and "id" = ?;

-- insertSiteToken
insert into
  "portfolio_site_tokens" (
    "id",
    "studio_id",
    "name",
    "token_hash",
    "origins",
    "created_at",
    "expires_at",
    "revoked_at",
    "last_used_at"
  )
values
  (?, ?, ?, ?, ?, ?, ?, ?, ?);

-- listStudioSiteTokens
select
  *
from
  "portfolio_site_tokens"
where
  "studio_id" = ?
order by
  "created_at",
  "id";

-- findStudioSiteToken
select
  *
from
  "portfolio_site_tokens"
where
  "studio_id" = ?
  and "id" = ?;

-- findSiteTokenByHash
select
  *
from
  "portfolio_site_tokens"
where
  "token_hash" = ?;

-- listUsableSiteTokenOrigins
select
  "origins"
from
  "portfolio_site_tokens"
where
  "revoked_at" is null
  and (
    "expires_at" is null
    or "expires_at" > ?
  );

-- updateStudioSiteToken
update "portfolio_site_tokens"
set
  "revoked_at" = ?
where
  "studio_id" = ?
  and "id" = ?;

-- addDailyCount
insert into
  "portfolio_daily_counts" ("studio_id", "portfolio_id", "day", "kind", "photo_id", "collection_id", "referrer", "count")
values
  (?, ?, ?, ?, ?, ?, ?, ?)
on conflict ("portfolio_id", "day", "kind", "photo_id", "collection_id", "referrer") do update
set
  "count" = "portfolio_daily_counts"."count" + ?;

-- insertVisitor
insert into
  "portfolio_visitors" ("portfolio_id", "day", "visitor_hash")
values
  (?, ?, ?)
on conflict ("portfolio_id", "day", "visitor_hash") do nothing;

-- findSalt
select
  "salt"
from
  "portfolio_salts"
where
  "day" = ?;

-- insertSalt
insert into
  "portfolio_salts" ("day", "salt")
values
  (?, ?)
on conflict ("day") do nothing;

-- deleteSaltsBefore
delete from "portfolio_salts"
where
  "day" < ?;

-- listDailyCounts
select
  "portfolio_id",
  "day",
  "kind",
  "photo_id",
  "collection_id",
  "referrer",
  "count"
from
  "portfolio_daily_counts"
where
  "portfolio_id" in (?)
  and "day" >= ?
order by
  "day",
  "portfolio_id";

-- listDailyCounts: none
-- (no query on this database)

-- listDailyUniques
select
  "portfolio_id",
  "day",
  "visitors"
from
  "portfolio_daily_uniques"
where
  "portfolio_id" in (?)
  and "day" >= ?;

select
  "portfolio_id",
  "day",
  count(*) as "visitors"
from
  "portfolio_visitors"
where
  "portfolio_id" in (?)
  and "day" >= ?
group by
  "portfolio_id",
  "day";

-- listDailyUniques: none
-- (no query on this database)

-- rollUpVisitors
select
  "portfolio_visitors"."portfolio_id",
  "portfolio_visitors"."day",
  "portfolios"."studio_id",
  count(*) as "visitors"
from
  "portfolio_visitors"
  inner join "portfolios" on "portfolios"."id" = "portfolio_visitors"."portfolio_id"
where
  "portfolio_visitors"."day" < ?
group by
  "portfolio_visitors"."portfolio_id",
  "portfolio_visitors"."day",
  "portfolios"."studio_id";

delete from "portfolio_visitors"
where
  "day" < ?;
