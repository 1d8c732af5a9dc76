import { Type } from '../http/json-schema.ts';
import { closed, nullable, uuidField } from '../http/schemas.ts';

/** JSON shapes of the admin console's API: audit events, alerts, system status, studios, jobs. */

const isoTime = Type.String({ format: 'date-time', maxLength: 40 });

/** Query strings arrive as text and are never coerced (app.ts): a whole number in decimal, range-checked by `queryInteger`. */
const integerText = Type.String({ pattern: '^[0-9]{1,15}$', maxLength: 15 });
const actionField = Type.String({ pattern: '^[a-z0-9_.]{1,80}$', maxLength: 80 });

export const auditQuerySchema = Type.Object(
  {
    actor: Type.Optional(uuidField),
    action: Type.Optional(actionField),
    studio: Type.Optional(uuidField),
    from: Type.Optional(isoTime),
    to: Type.Optional(isoTime),
    /** The previous page's `nextBefore`. */
    before: Type.Optional(integerText),
    limit: Type.Optional(integerText),
  },
  closed,
);

export const auditExportQuerySchema = Type.Object(
  {
    actor: Type.Optional(uuidField),
    action: Type.Optional(actionField),
    studio: Type.Optional(uuidField),
    from: Type.Optional(isoTime),
    to: Type.Optional(isoTime),
    format: Type.Union([Type.Literal('jsonl'), Type.Literal('csv')]),
  },
  closed,
);

const detailValue = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]);

export const auditEventSchema = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer(),
    at: Type.String(),
    action: Type.String(),
    actorUserId: nullable(Type.String()),
    actorEmail: nullable(Type.String()),
    subjectUserId: nullable(Type.String()),
    subjectEmail: nullable(Type.String()),
    studioId: nullable(Type.String()),
    ip: nullable(Type.String()),
    userAgent: nullable(Type.String()),
    details: Type.Record(Type.String(), detailValue),
  },
  closed,
);

export const auditPageSchema = Type.Object({ events: Type.Array(auditEventSchema), nextBefore: nullable(Type.Integer()) }, closed);

const alertStatusField = Type.Union([Type.Literal('open'), Type.Literal('acknowledged')]);

export const alertSchema = Type.Object(
  {
    id: Type.String(),
    rule: Type.String(),
    subject: Type.String(),
    studioId: nullable(Type.String()),
    summary: Type.String(),
    eventCount: Type.Integer(),
    firstSeq: Type.Integer(),
    raisedAt: Type.String(),
    status: alertStatusField,
    acknowledgedAt: nullable(Type.String()),
    acknowledgedBy: nullable(Type.String()),
    emailed: Type.Boolean(),
  },
  closed,
);

export const alertQuerySchema = Type.Object({ status: Type.Optional(alertStatusField), limit: Type.Optional(integerText) }, closed);

const jobStatusField = Type.Union([Type.Literal('pending'), Type.Literal('running'), Type.Literal('failed')]);

export const jobSchema = Type.Object(
  { id: Type.String(), kind: Type.String(), status: jobStatusField, attempts: Type.Integer(), runAfter: Type.String(), createdAt: Type.String(), lastError: nullable(Type.String()) },
  closed,
);

/** The users list's filters: all optional, all must hold. */
export const userQuerySchema = Type.Object(
  {
    role: Type.Optional(Type.Union([Type.Literal('admin'), Type.Literal('photographer')])),
    status: Type.Optional(Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('disabled')])),
    /** Part of the address (any case). */
    email: Type.Optional(Type.String({ minLength: 1, maxLength: 254 })),
    /** Signed in at or after this time. */
    lastSignInAfter: Type.Optional(isoTime),
    /** Not signed in since this time: last sign-in before it, or never. */
    lastSignInBefore: Type.Optional(isoTime),
  },
  closed,
);

export const jobQuerySchema = Type.Object({ status: Type.Optional(jobStatusField), limit: Type.Optional(integerText) }, closed);

/** Job ids are `<kind>:<key>`, not UUIDs. */
export const jobIdParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,200}$', maxLength: 200 }) }, closed);

const queueDepthSchema = Type.Object({ kind: Type.String(), pending: Type.Integer(), running: Type.Integer(), failed: Type.Integer(), oldestPendingAgeMs: Type.Integer() }, closed);

export const systemStatusSchema = Type.Object(
  {
    version: Type.String(),
    database: Type.Object({ kind: Type.String(), status: Type.String() }, closed),
    storage: Type.Object({ kind: Type.String(), status: Type.String() }, closed),
    mail: Type.Object({ kind: Type.String() }, closed),
    masterKeys: Type.Array(
      Type.Object(
        {
          version: Type.String(),
          state: Type.Union([Type.Literal('active'), Type.Literal('in use'), Type.Literal('retirable'), Type.Literal('missing')]),
          studioKeys: Type.Integer(),
          secretFields: Type.Integer(),
          peppers: Type.Integer(),
        },
        closed,
      ),
    ),
    jobs: Type.Array(queueDepthSchema),
    /** The newest scrub's counts (vault/scrub.ts), from the audit log. */
    lastScrub: nullable(
      Type.Object({ at: Type.String(), checked: Type.Integer(), missing: Type.Integer(), corrupt: Type.Integer(), orphaned: Type.Integer(), repaired: Type.Integer() }, closed),
    ),
    auditChain: Type.Object({ headSeq: Type.Integer(), lastSealedSeq: nullable(Type.Integer()), lastSealedAt: nullable(Type.String()) }, closed),
    /** What `shutterlock config check` prints: secrets show only whether they are set. */
    configuration: Type.Array(Type.Object({ name: Type.String(), value: Type.String() }, closed)),
  },
  closed,
);

const memberSchema = Type.Object({ userId: Type.String(), email: Type.String(), role: Type.String(), disabled: Type.Boolean(), lastSignInAt: nullable(Type.String()) }, closed);

const studioSummaryFields = {
  id: Type.String(),
  name: Type.String(),
  createdAt: Type.String(),
  encryptionEnabled: Type.Boolean(),
  quotaBytes: nullable(Type.Integer()),
  keyVersion: nullable(Type.String()),
  usedBytes: Type.Integer(),
  members: Type.Integer(),
};

export const studioSummarySchema = Type.Object(studioSummaryFields, closed);
/** Bytes as the blob store holds them (sealed, with the format's overhead), by what they are. */
const storageSchema = Type.Object(
  {
    originals: Type.Integer({ description: 'The originals, trash included.' }),
    previews: Type.Integer({ description: 'Thumbnails and previews.' }),
    cache: Type.Integer({ description: "The image service's cached transforms." }),
    other: Type.Integer({ description: 'Uploads in progress, and blobs no file names any more, waiting for the purge.' }),
  },
  closed,
);
export const studioDetailSchema = Type.Object({ ...studioSummaryFields, memberList: Type.Array(memberSchema), storage: storageSchema }, closed);

/** What an irreversible deletion asks for: the name (or address) typed again, and a current TOTP code. */
export const deletionBodySchema = Type.Object({ confirm: Type.String({ minLength: 1, maxLength: 254 }), totpCode: Type.String({ pattern: '^[0-9]{6}$' }) }, closed);
