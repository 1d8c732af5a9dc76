import { Type } from '../http/json-schema.ts';
import { closed, nullable, uuidField, watermarkFields } from '../http/schemas.ts';

/** JSON shapes of the portfolio API (docs/portfolio.md). */

export const slugField = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$', minLength: 1, maxLength: 40, description: 'lower-case letters, digits and hyphens' });
/** A photo's public id: 128 random bits, base64url. */
export const photoIdField = Type.String({ pattern: '^[A-Za-z0-9_-]{22}$', minLength: 22, maxLength: 22 });
const urlField = Type.String({ minLength: 1, maxLength: 500 });
const time = Type.String({ description: 'ISO 8601' });

export const socialLinkSchema = Type.Object({ label: Type.String({ minLength: 1, maxLength: 40 }), url: urlField }, closed);

export const profileSchema = Type.Object(
  {
    id: Type.String(),
    slug: Type.String(),
    displayName: Type.String(),
    bio: Type.String(),
    avatarFileId: nullable(Type.String()),
    contactUrl: nullable(Type.String()),
    socialLinks: Type.Array(socialLinkSchema),
    hideFromSearch: Type.Boolean(),
    /** Where the public home page is. */
    url: Type.String(),
    hostUrl: nullable(Type.String()),
    updatedAt: time,
  },
  closed,
);

export const profileAnswer = Type.Object({ profile: nullable(profileSchema) }, closed);

export const studioPortfoliosAnswer = Type.Object(
  {
    portfolios: Type.Array(
      Type.Object({ id: Type.String(), slug: Type.String(), displayName: Type.String(), userId: Type.String(), yours: Type.Boolean(), url: Type.String() }, closed),
    ),
  },
  closed,
);

export const portfolioParams = Type.Object({ portfolioId: uuidField }, closed);

export const updateProfileBody = Type.Object(
  {
    slug: slugField,
    displayName: Type.String({ minLength: 1, maxLength: 120 }),
    bio: Type.Optional(Type.String({ maxLength: 2000 })),
    avatarFileId: Type.Optional(nullable(uuidField)),
    contactUrl: Type.Optional(nullable(urlField)),
    socialLinks: Type.Optional(Type.Array(socialLinkSchema, { maxItems: 10 })),
    hideFromSearch: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const photoSchema = Type.Object(
  {
    id: Type.String(),
    fileId: Type.String(),
    alt: Type.String(),
    width: Type.Integer(),
    height: Type.Integer(),
    position: Type.Integer(),
    publishedAt: time,
    thumbnailUrl: Type.String(),
  },
  closed,
);

export const collectionWatermarkSchema = Type.Object(
  { ...watermarkFields, logo: Type.Optional(Type.Boolean({ description: 'Draw the studio’s logo (its branding) instead of the text; the text while it has none' })) },
  { ...closed, description: 'Drawn on every public rendition of the collection’s photos (pages and the site API); changing or removing it shows at once' },
);

export const collectionSchema = Type.Object(
  {
    id: Type.String(),
    slug: Type.String(),
    title: Type.String(),
    description: Type.String(),
    coverPhotoId: nullable(Type.String()),
    position: Type.Integer(),
    watermark: nullable(collectionWatermarkSchema),
    url: Type.String(),
    photos: Type.Array(photoSchema),
    updatedAt: time,
  },
  closed,
);

export const collectionAnswer = Type.Object({ collection: collectionSchema }, closed);
export const collectionsAnswer = Type.Object({ collections: Type.Array(collectionSchema) }, closed);
export const collectionParams = Type.Object({ collectionId: uuidField }, closed);

export const createCollectionBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 120 }),
    slug: Type.Optional(slugField),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    watermark: Type.Optional(nullable(collectionWatermarkSchema)),
  },
  closed,
);

export const updateCollectionBody = Type.Object(
  {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    slug: Type.Optional(slugField),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    coverPhotoId: Type.Optional(nullable(photoIdField)),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    watermark: Type.Optional(nullable(collectionWatermarkSchema)),
  },
  closed,
);

export const publishBody = Type.Object(
  {
    fileIds: Type.Array(uuidField, { minItems: 1, maxItems: 200, uniqueItems: true }),
    alt: Type.Optional(Type.String({ maxLength: 300 })),
  },
  closed,
);

export const unpublishBody = Type.Object({ photoIds: Type.Array(photoIdField, { minItems: 1, maxItems: 500, uniqueItems: true }) }, closed);
export const unpublishAnswer = Type.Object({ unpublished: Type.Integer() }, closed);
export const reorderBody = Type.Object({ photoIds: Type.Array(photoIdField, { maxItems: 5000, uniqueItems: true }) }, closed);

// --- site tokens

export const siteTokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    origins: Type.Array(Type.String()),
    status: Type.Union([Type.Literal('active'), Type.Literal('expiring'), Type.Literal('expired'), Type.Literal('revoked')]),
    createdAt: time,
    expiresAt: nullable(time),
    revokedAt: nullable(time),
    lastUsedAt: nullable(time),
  },
  closed,
);

export const siteTokenParams = Type.Object({ tokenId: uuidField }, closed);
export const createSiteTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    origins: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 300 }), { maxItems: 20, uniqueItems: true })),
  },
  closed,
);
export const rotateSiteTokenBody = Type.Object({ overlapHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 168 })) }, closed);
export const siteTokenWithSecret = Type.Object(
  { token: siteTokenSchema, secret: Type.String({ description: 'The 64-character token: shown in this answer only' }), previous: Type.Optional(siteTokenSchema) },
  closed,
);
export const siteTokensAnswer = Type.Object({ tokens: Type.Array(siteTokenSchema) }, closed);

// --- analytics

export const eventKinds = ['impression', 'view', 'click', 'download'] as const;

export const recordEventsBody = Type.Object(
  {
    portfolio: slugField,
    referrer: Type.Optional(Type.String({ maxLength: 500 })),
    events: Type.Array(
      Type.Object(
        {
          kind: Type.Union(eventKinds.map((kind) => Type.Literal(kind))),
          photoId: Type.Optional(photoIdField),
          collectionId: Type.Optional(uuidField),
          target: Type.Optional(Type.String({ maxLength: 40, description: 'for clicks: contact, or a social link label' })),
        },
        closed,
      ),
      { minItems: 1, maxItems: 50 },
    ),
  },
  closed,
);

export const analyticsQuery = Type.Object(
  {
    days: Type.Optional(Type.Union([Type.Literal('7'), Type.Literal('30'), Type.Literal('90')])),
    portfolioId: Type.Optional(uuidField),
  },
  closed,
);

const totalsSchema = Type.Object(
  { impressions: Type.Integer(), views: Type.Integer(), clicks: Type.Integer(), downloads: Type.Integer(), pageViews: Type.Integer(), visitors: Type.Integer() },
  closed,
);

export const analyticsAnswer = Type.Object(
  {
    days: Type.Integer(),
    from: Type.String({ description: 'first UTC day, YYYY-MM-DD' }),
    to: Type.String(),
    totals: totalsSchema,
    series: Type.Array(Type.Object({ date: Type.String(), ...totalsSchema.properties }, closed)),
    topPhotos: Type.Array(Type.Object({ photoId: Type.String(), thumbnailUrl: nullable(Type.String()), views: Type.Integer(), impressions: Type.Integer() }, closed)),
    topCollections: Type.Array(Type.Object({ collectionId: Type.String(), title: Type.String(), pageViews: Type.Integer(), views: Type.Integer() }, closed)),
    referrers: Type.Array(Type.Object({ referrer: Type.String(), pageViews: Type.Integer() }, closed)),
    photographers: Type.Array(Type.Object({ portfolioId: Type.String(), slug: Type.String(), displayName: Type.String(), totals: totalsSchema }, closed)),
  },
  closed,
);

// --- public pages and the site API

export const renditionPattern = '^w(320|640|960|1280|1920)\\.(avif|webp|jpeg)$';
export const publicPortfolioParams = Type.Object({ slug: slugField }, closed);
export const publicCollectionParams = Type.Object({ slug: slugField, collectionSlug: slugField }, closed);
export const publicImageParams = Type.Object({ slug: slugField, photoId: photoIdField, rendition: Type.String({ pattern: renditionPattern, maxLength: 12 }) }, closed);
export const publicAvatarParams = Type.Object({ slug: slugField, rendition: Type.String({ pattern: renditionPattern, maxLength: 12 }) }, closed);

// --- custom domains (the admin's)

const hostField = Type.String({ minLength: 1, maxLength: 300, description: 'a host name such as photos.example.com (any case; international names allowed, stored as punycode); no scheme, port, path or wildcard' });

export const domainSchema = Type.Object(
  { host: Type.String(), portfolioId: Type.String(), slug: Type.String(), displayName: Type.String(), studioId: Type.String(), url: Type.String() },
  closed,
);
export const domainAnswer = Type.Object({ domain: domainSchema }, closed);
export const domainsAnswer = Type.Object(
  {
    domains: Type.Array(domainSchema),
    portfolios: Type.Array(Type.Object({ id: Type.String(), slug: Type.String(), displayName: Type.String(), studioId: Type.String(), host: nullable(Type.String()) }, closed)),
  },
  closed,
);
export const mapDomainBody = Type.Object({ host: hostField, portfolioId: uuidField }, closed);
export const domainParams = Type.Object({ host: hostField }, closed);
