import { Type } from '../http/json-schema.ts';
import { closed, nullable, uuidField, watermarkFields } from '../http/schemas.ts';
import { clientBrandingSchema } from '../studios/branding-schemas.ts';
import { MAX_DELIVERY_FILES } from './service.ts';

/** JSON schemas of the deliveries API (docs/deliveries.md): one definition feeds validation, typed handlers and OpenAPI. */

const titleField = Type.String({ minLength: 1, maxLength: 200 });
const messageField = Type.String({ maxLength: 5000 });
const recipientsField = Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 20, description: 'Each gets the link and the code in two separate emails' });
const expiresAtField = Type.String({ format: 'date-time', maxLength: 40, description: 'ISO 8601; at most 365 days ahead (default 30 days)' });
const downloadLimitField = nullable(
  Type.Integer({
    minimum: 1,
    maximum: 1_000_000,
    description:
      'Downloads allowed (each file and each ZIP counts one); null: no limit. Without originals (allowOriginals false) it counts downloads of the large previews, which the gallery shows uncounted: there it is no protection against copies.',
  }),
);

export const watermarkSchema = Type.Object(watermarkFields, { ...closed, description: 'Drawn on the client’s previews and web-size downloads, never on originals' });

export const deliveryIdParams = Type.Object({ id: uuidField }, closed);

export const createDeliveryBody = Type.Object(
  {
    title: titleField,
    message: Type.Optional(messageField),
    recipients: Type.Optional(recipientsField),
    fileIds: Type.Optional(Type.Array(uuidField, { minItems: 1, maxItems: MAX_DELIVERY_FILES })),
    albumId: Type.Optional(uuidField),
    expiresAt: Type.Optional(expiresAtField),
    downloadLimit: Type.Optional(downloadLimitField),
    allowOriginals: Type.Optional(Type.Boolean({ description: 'false: previews only (default true)' })),
    allowZip: Type.Optional(Type.Boolean({ description: 'Offer "download all" as one ZIP (default true)' })),
    order: Type.Optional(Type.Union([Type.Literal('capturedAt'), Type.Literal('given')], { description: 'capturedAt: by real capture time (default for an album); given: as listed (default for fileIds)' })),
    watermark: Type.Optional(nullable(watermarkSchema)),
  },
  { ...closed, description: 'Exactly one of fileIds or albumId' },
);

export const updateDeliveryBody = Type.Object(
  {
    title: Type.Optional(titleField),
    message: Type.Optional(messageField),
    recipients: Type.Optional(recipientsField),
    expiresAt: Type.Optional(expiresAtField),
    downloadLimit: Type.Optional(downloadLimitField),
    allowOriginals: Type.Optional(Type.Boolean()),
    allowZip: Type.Optional(Type.Boolean()),
    coverFileId: Type.Optional(nullable(uuidField)),
    watermark: Type.Optional(nullable(watermarkSchema)),
  },
  { ...closed, minProperties: 1 },
);

const statusField = Type.Union([Type.Literal('active'), Type.Literal('expired'), Type.Literal('revoked'), Type.Literal('locked'), Type.Literal('exhausted')]);

export const deliverySchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    message: Type.String(),
    recipients: Type.Array(Type.String()),
    status: statusField,
    createdAt: Type.String(),
    expiresAt: Type.String(),
    revokedAt: nullable(Type.String()),
    lockedUntil: nullable(Type.String({ description: 'Set while wrong codes keep the delivery locked' })),
    downloadLimit: nullable(Type.Integer()),
    downloadCount: Type.Integer(),
    viewCount: Type.Integer({ description: 'Times the right code opened it' }),
    allowOriginals: Type.Boolean(),
    allowZip: Type.Boolean(),
    fileCount: Type.Integer(),
    totalBytes: Type.Integer(),
    lastActivityAt: nullable(Type.String()),
    coverFileId: nullable(Type.String()),
    watermark: nullable(watermarkSchema),
  },
  closed,
);

export const deliveryAccessSchema = Type.Object(
  { url: Type.String({ description: 'The link to give the client: shown once' }), code: Type.String({ description: 'The code, shown once' }) },
  closed,
);

const eventKindField = Type.Union([
  Type.Literal('created'),
  Type.Literal('opened'),
  Type.Literal('code_failed'),
  Type.Literal('locked'),
  Type.Literal('file_downloaded'),
  Type.Literal('zip_downloaded'),
  Type.Literal('updated'),
  Type.Literal('revoked'),
  Type.Literal('code_regenerated'),
  Type.Literal('resent'),
  Type.Literal('file_added'),
  Type.Literal('file_removed'),
  Type.Literal('reordered'),
  Type.Literal('sets_changed'),
]);

export const deliveryEventSchema = Type.Object(
  {
    id: Type.String(),
    kind: eventKindField,
    at: Type.String(),
    fileId: nullable(Type.String()),
    fileName: nullable(Type.String()),
    client: nullable(Type.Object({ device: Type.String(), place: Type.String({ description: 'The network, not the exact address' }) }, closed)),
  },
  closed,
);

// ——— The client's side ———

/** Any string up to this length: a malformed token answers 404 like an unknown one. */
export const tokenParams = Type.Object({ token: Type.String({ minLength: 1, maxLength: 100 }) }, closed);

export const clientDeliverySchema = Type.Object(
  {
    title: Type.String(),
    message: Type.String(),
    studioName: Type.String({ description: 'The studio’s branding name, never an email address' }),
    branding: clientBrandingSchema,
    expiresAt: Type.String(),
    allowOriginals: Type.Boolean(),
    allowZip: Type.Boolean(),
    fileCount: Type.Integer(),
    totalBytes: Type.Integer(),
    downloadsLeft: nullable(Type.Integer()),
    viewOnly: Type.Boolean({ description: 'The download limit is used up: the gallery can still be viewed' }),
    createdAt: Type.String(),
    coverFileId: nullable(Type.String({ description: 'The photo the gallery opens on' })),
    watermarked: Type.Boolean(),
  },
  closed,
);

export const clientFileSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: Type.String(),
    size: Type.Integer(),
    sha256: Type.String(),
    width: nullable(Type.Integer()),
    height: nullable(Type.Integer()),
    thumbnailUrl: nullable(Type.String({ description: 'Signed, short-lived' })),
    previewUrl: nullable(Type.String({ description: 'Signed, short-lived' })),
    setId: nullable(Type.String()),
    capturedAt: nullable(Type.String({ description: 'The camera’s wall-clock time, with its offset when recorded' })),
    thumbhash: nullable(Type.String({ description: 'ThumbHash (base64): a placeholder to paint before the thumbnail' })),
  },
  closed,
);

export const clientSetSchema = Type.Object({ id: Type.String(), name: Type.String() }, closed);
