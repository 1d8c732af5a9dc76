-- Rendered for PostgreSQL by server/src/queries.test.ts from server/src/portfolio/repo.ts.
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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- findUserPortfolio
select
  *
from
  "portfolios"
where
  "studio_id" = $1
  and "user_id" = $2;

-- findPortfolioBySlug
select
  *
from
  "portfolios"
where
  "slug" = $1;

-- findPortfolioById
select
  *
from
  "portfolios"
where
  "id" = $1;

-- findPortfolioByDomain
select
  *
from
  "portfolios"
where
  "custom_domain" = $1;

-- setPortfolioDomain
update "portfolios"
set
  "custom_domain" = $1,
  "updated_at" = $2
where
  "studio_id" = $3
  and "id" = $4;

-- findStudioPortfolio
select
  *
from
  "portfolios"
where
  "studio_id" = $1
  and "id" = $2;

-- listStudioPortfolios
select
  *
from
  "portfolios"
where
  "studio_id" = $1
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
  "bio" = $1,
  "updated_at" = $2
where
  "studio_id" = $3
  and "id" = $4;

-- deleteStudioPortfolio
delete from "portfolios"
where
  "studio_id" = $1
  and "id" = $2;

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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- listPortfolioCollections
select
  *
from
  "portfolio_collections"
where
  "studio_id" = $1
  and "portfolio_id" = $2
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
  "studio_id" = $1
order by
  "portfolio_id",
  "position",
  "id"
limit
  $2
offset
  $3;

-- findPortfolioCollection
select
  *
from
  "portfolio_collections"
where
  "studio_id" = $1
  and "portfolio_id" = $2
  and "id" = $3;

-- findStudioCollection
select
  *
from
  "portfolio_collections"
where
  "studio_id" = $1
  and "id" = $2;

-- findCollectionBySlug
select
  *
from
  "portfolio_collections"
where
  "studio_id" = $1
  and "portfolio_id" = $2
  and "slug" = $3;

-- nextCollectionPosition
select
  max("position") as "last"
from
  "portfolio_collections"
where
  "studio_id" = $1
  and "portfolio_id" = $2;

-- updatePortfolioCollection
update "portfolio_collections"
set
  "title" = $1,
  "updated_at" = $2
where
  "studio_id" = $3
  and "portfolio_id" = $4
  and "id" = $5;

-- deletePortfolioCollection
delete from "portfolio_collections"
where
  "studio_id" = $1
  and "portfolio_id" = $2
  and "id" = $3;

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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
on conflict ("collection_id", "file_id") do nothing;

-- insertPhotos: none
-- (no query on this database)

-- listCollectionPhotos
select
  *
from
  "portfolio_photos"
where
  "studio_id" = $1
  and "collection_id" in ($2)
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
  "studio_id" = $1
  and "collection_id" = $2;

-- listCollectionPhotoPage
select
  *
from
  "portfolio_photos"
where
  "studio_id" = $1
  and "collection_id" = $2
order by
  "position",
  "published_at",
  "id"
limit
  $3
offset
  $4;

-- findPhoto
select
  *
from
  "portfolio_photos"
where
  "id" = $1;

-- findPortfolioPhotos
select
  *
from
  "portfolio_photos"
where
  "studio_id" = $1
  and "portfolio_id" = $2
  and "id" in ($3);

-- findPortfolioPhotos: none
-- (no query on this database)

-- nextPhotoPosition
select
  max("position") as "last"
from
  "portfolio_photos"
where
  "studio_id" = $1
  and "collection_id" = $2;

-- deleteCollectionPhotos
delete from "portfolio_photos"
where
  "studio_id" = $1
  and "collection_id" = $2
  and "id" in ($3);

-- deleteCollectionPhotos: none
-- (no query on this database)

-- setPhotoPosition
update "portfolio_photos"
set
  "position" = $1
where
  "studio_id" = $2
  and "collection_id" = $3
  and "id" = $4;

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
  ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- listStudioSiteTokens
select
  *
from
  "portfolio_site_tokens"
where
  "studio_id" = $1
order by
  "created_at",
  "id";

-- findStudioSiteToken
select
  *
from
  "portfolio_site_tokens"
where
  "studio_id" = $1
  and "id" = $2;

-- findSiteTokenByHash
select
  *
from
  "portfolio_site_tokens"
where
  "token_hash" = $1;

-- listUsableSiteTokenOrigins
select
  "origins"
from
  "portfolio_site_tokens"
where
  "revoked_at" is null
  and (
    "expires_at" is null
    or "expires_at" > $1
  );

-- updateStudioSiteToken
update "portfolio_site_tokens"
set
  "revoked_at" = $1
where
  "studio_id" = $2
  and "id" = $3;

-- addDailyCount
insert into
  "portfolio_daily_counts" ("studio_id", "portfolio_id", "day", "kind", "photo_id", "collection_id", "referrer", "count")
values
  ($1, $2, $3, $4, $5, $6, $7, $8)
on conflict ("portfolio_id", "day", "kind", "photo_id", "collection_id", "referrer") do update
set
  "count" = "portfolio_daily_counts"."count" + $9;

-- insertVisitor
insert into
  "portfolio_visitors" ("portfolio_id", "day", "visitor_hash")
values
  ($1, $2, $3)
on conflict ("portfolio_id", "day", "visitor_hash") do nothing;

-- findSalt
select
  "salt"
from
  "portfolio_salts"
where
  "day" = $1;

-- insertSalt
insert into
  "portfolio_salts" ("day", "salt")
values
  ($1, $2)
on conflict ("day") do nothing;

-- deleteSaltsBefore
delete from "portfolio_salts"
where
  "day" < $1;

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
  "portfolio_id" in ($1)
  and "day" >= $2
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
  "portfolio_id" in ($1)
  and "day" >= $2;

select
  "portfolio_id",
  "day",
  count(*) as "visitors"
from
  "portfolio_visitors"
where
  "portfolio_id" in ($1)
  and "day" >= $2
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
  "portfolio_visitors"."day" < $1
group by
  "portfolio_visitors"."portfolio_id",
  "portfolio_visitors"."day",
  "portfolios"."studio_id";

delete from "portfolio_visitors"
where
  "day" < $1;
