import { Type } from '../http/json-schema.ts';
import { closed, nullable, uuidField } from '../http/schemas.ts';
import { MAX_ALLOWLIST_ENTRIES } from './allowlists.ts';
import { MAX_GRACE_DAYS, MAX_PER_DAY, MAX_PER_MINUTE } from './keys.ts';
import { MAX_LIFETIME_SECONDS } from './projects.ts';

/** JSON schemas of the image service's control plane (docs/imaging.md). */

export const projectParams = Type.Object({ projectId: uuidField }, closed);
export const keyParams = Type.Object({ projectId: uuidField, keyId: uuidField }, closed);
export const fileParams = Type.Object({ fileId: uuidField }, closed);

const allowlistField = Type.Array(Type.String({ minLength: 1, maxLength: 260 }), {
  maxItems: MAX_ALLOWLIST_ENTRIES,
  description: 'Host names or *.host names (subdomains only); IDN allowed, IP addresses refused',
});
const nameField = Type.String({ minLength: 1, maxLength: 200 });
const slugField = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$' });
const imgproxyField = nullable(
  Type.Object(
    {
      key: Type.Optional(Type.String({ minLength: 64, maxLength: 128, pattern: '^(?:[0-9a-fA-F]{2})+$', description: 'At least 32 bytes, in hex' })),
      salt: Type.Optional(Type.String({ minLength: 32, maxLength: 128, pattern: '^(?:[0-9a-fA-F]{2})+$', description: 'At least 16 bytes, in hex' })),
      signatureSize: Type.Optional(Type.Integer({ minimum: 8, maximum: 32, description: 'Bytes of the HMAC kept, like IMGPROXY_SIGNATURE_SIZE (default 32)' })),
    },
    { ...closed, description: 'imgproxy-format signing; key and salt (hex) generated when omitted, shown once; null turns the format off' },
  ),
);

const projectFields = {
  name: nameField,
  slug: slugField,
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  referers: Type.Optional(allowlistField),
  sources: Type.Optional(allowlistField),
  requireExpiry: Type.Optional(Type.Boolean({ description: 'Refuse URLs without exp' })),
  maxLifetimeSeconds: Type.Optional(nullable(Type.Integer({ minimum: 60, maximum: MAX_LIFETIME_SECONDS, description: 'How far ahead exp may be' }))),
  allowOriginal: Type.Optional(Type.Boolean({ description: 'Operations "_" on an own file serve the original bytes' })),
  imgproxy: Type.Optional(imgproxyField),
};

export const createProjectBody = Type.Object(projectFields, closed);
export const updateProjectBody = Type.Object(
  { ...projectFields, name: Type.Optional(nameField), slug: Type.Optional(slugField) },
  { ...closed, minProperties: 1 },
);

export const projectSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    slug: Type.String(),
    description: Type.String(),
    referers: Type.Array(Type.String()),
    sources: Type.Array(Type.String()),
    requireExpiry: Type.Boolean(),
    maxLifetimeSeconds: nullable(Type.Integer()),
    allowOriginal: Type.Boolean(),
    imgproxy: Type.Object({ enabled: Type.Boolean(), signatureSize: Type.Integer() }, closed),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  closed,
);

export const projectAnswer = Type.Object(
  {
    project: projectSchema,
    imgproxyCredentials: Type.Optional(Type.Object({ key: Type.String(), salt: Type.String() }, { ...closed, description: 'Shown only in the answer that set them' })),
  },
  closed,
);

const narrowingField = Type.Optional(nullable(allowlistField));
const keyFields = {
  name: nameField,
  referers: narrowingField,
  sources: narrowingField,
  perMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_MINUTE, description: 'Default 60' })),
  perDay: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_DAY, description: 'Default 10000' })),
  expiresAt: Type.Optional(nullable(Type.String({ format: 'date-time', maxLength: 40 }))),
};

export const createKeyBody = Type.Object(keyFields, closed);
export const updateKeyBody = Type.Object({ ...keyFields, name: Type.Optional(nameField) }, { ...closed, minProperties: 1 });
export const rotateKeyBody = Type.Object(
  { graceDays: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_GRACE_DAYS, description: 'How long the previous secret keeps signing (default 1 day)' })) },
  closed,
);

export const keySchema = Type.Object(
  {
    id: Type.String(),
    projectId: Type.String(),
    name: Type.String(),
    publicKey: Type.String(),
    status: Type.Union([Type.Literal('active'), Type.Literal('expiring'), Type.Literal('expired'), Type.Literal('revoked')]),
    referers: nullable(Type.Array(Type.String())),
    sources: nullable(Type.Array(Type.String())),
    perMinute: Type.Integer(),
    perDay: Type.Integer(),
    expiresAt: nullable(Type.String()),
    lastUsedAt: nullable(Type.String()),
    revokedAt: nullable(Type.String()),
    rotatedAt: nullable(Type.String()),
    previousSecretValidUntil: nullable(Type.String()),
    createdAt: Type.String(),
  },
  closed,
);

export const keyWithSecret = Type.Object({ key: keySchema, secretKey: Type.String({ description: 'sk_…, shown this once' }) }, closed);

const usagePoint = Type.Object(
  {
    at: Type.String(),
    requests: Type.Integer(),
    bytes: Type.Integer(),
    cacheHits: Type.Integer(),
    refused: Type.Object(
      { signature: Type.Integer(), expired: Type.Integer(), referer: Type.Integer(), source: Type.Integer(), rateLimit: Type.Integer() },
      closed,
    ),
  },
  closed,
);

export const usageQuery = Type.Object({ keyId: Type.Optional(uuidField) }, closed);
export const usageSchema = Type.Object({ perMinute: Type.Array(usagePoint), perDay: Type.Array(usagePoint) }, closed);

export const webUsageBody = Type.Object({ published: Type.Boolean({ description: 'true: usable in image URLs; false: stops at once' }) }, closed);
export const webUsageSchema = Type.Object(
  {
    publicId: nullable(Type.String({ description: 'Opaque; never the file id or name' })),
    source: nullable(Type.String({ description: 'The exact {source} of an image URL' })),
  },
  closed,
);

export const webFileListSchema = Type.Object(
  {
    files: Type.Array(
      Type.Object(
        {
          fileId: Type.String(),
          name: Type.String({ description: 'The file’s name in the library (for the studio only; never in a URL)' }),
          publicId: Type.String(),
          source: Type.String({ description: 'The exact {source} of an image URL' }),
          publishedAt: Type.String(),
        },
        closed,
      ),
    ),
    truncated: Type.Boolean({ description: 'More files are published than the list holds (the latest 500 are listed)' }),
  },
  closed,
);
