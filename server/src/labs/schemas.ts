import { Type } from '../http/json-schema.ts';
import { closed, nullable, uuidField } from '../http/schemas.ts';
import { MAX_ORDER_LINES } from './orders.ts';

/** JSON schemas of the lab portal's API (docs/labs.md): one definition feeds validation, typed handlers and OpenAPI. */


export const idParams = Type.Object({ id: uuidField }, closed);

const productSchema = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._/-]+$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    size: Type.String({ maxLength: 100 }),
    finishes: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20, description: 'Paper or finish options; empty when the product has none' }),
  },
  closed,
);
const catalogueField = Type.Array(productSchema, { maxItems: 500 });
const contactsField = Type.Array(Type.String({ format: 'email', maxLength: 254 }), { minItems: 1, maxItems: 10 });
const labNameField = Type.String({ minLength: 1, maxLength: 200 });
const pinLengthField = Type.Integer({ minimum: 4, maximum: 12, description: 'Digits of the PIN (default 6; at least 4)' });

export const createLabBody = Type.Object(
  {
    name: labNameField,
    contactEmails: contactsField,
    catalogue: Type.Optional(catalogueField),
    pinLength: Type.Optional(pinLengthField),
    requireDeviceCode: Type.Optional(Type.Boolean({ description: 'A new device must confirm a one-time code sent to the contacts' })),
  },
  closed,
);

export const updateLabBody = Type.Object(
  {
    name: Type.Optional(labNameField),
    contactEmails: Type.Optional(contactsField),
    catalogue: Type.Optional(catalogueField),
    requireDeviceCode: Type.Optional(Type.Boolean()),
    disabled: Type.Optional(Type.Boolean({ description: 'A disabled lab cannot sign in; its sessions end at once' })),
  },
  { ...closed, minProperties: 1 },
);

export const resetPinBody = Type.Object({ pinLength: Type.Optional(pinLengthField) }, closed);

export const labSchema = Type.Object(
  {
    id: Type.String(),
    labId: Type.String({ description: 'What the lab types to sign in, e.g. LAB-7KQ3' }),
    name: Type.String(),
    contactEmails: Type.Array(Type.String()),
    catalogue: Type.Array(productSchema),
    pinLength: Type.Integer(),
    pinSetAt: Type.String(),
    requireDeviceCode: Type.Boolean(),
    disabled: Type.Boolean(),
    lockedUntil: nullable(Type.String({ description: 'Set while wrong PINs keep the lab locked' })),
    blocked: Type.Boolean({ description: 'Too many lockouts: only a new PIN opens the lab again' }),
    lockouts: Type.Integer(),
    studioIds: Type.Array(Type.String(), { description: 'The studios that chose this lab' }),
    createdAt: Type.String(),
  },
  closed,
);

export const labWithPin = Type.Object({ lab: labSchema, pin: Type.String({ description: 'The PIN, shown this once' }) }, closed);

export const studioLabsBody = Type.Object(
  { portalEnabled: Type.Boolean({ description: 'The lab portal on for the studio' }), labIds: Type.Array(uuidField, { maxItems: 100, description: 'The labs the studio may send to' }) },
  closed,
);

export const studioLabsSchema = Type.Object({ studioId: Type.String(), portalEnabled: Type.Boolean(), labIds: Type.Array(Type.String()) }, closed);

export const portalStudioSchema = Type.Object({ studioId: Type.String(), name: Type.String(), portalEnabled: Type.Boolean(), labIds: Type.Array(Type.String()) }, closed);

export const labSignInBody = Type.Object(
  {
    labId: Type.String({ minLength: 1, maxLength: 20 }),
    pin: Type.String({ minLength: 1, maxLength: 20 }),
    deviceCode: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'The one-time code sent to the contacts, when asked for one' })),
  },
  closed,
);

export const labSignInAnswer = Type.Object(
  {
    status: Type.Union([Type.Literal('signed_in'), Type.Literal('device_code_sent')]),
    lab: Type.Optional(Type.Object({ id: Type.String(), labId: Type.String(), name: Type.String() }, closed)),
  },
  closed,
);

const shippingFields = {
    recipientName: Type.String({ minLength: 1, maxLength: 200 }),
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: Type.String({ maxLength: 200 }),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    postalCode: Type.String({ maxLength: 20 }),
    region: Type.String({ maxLength: 100 }),
    country: Type.String({ minLength: 1, maxLength: 100 }),
    phone: Type.String({ maxLength: 40 }),
};
/** A shipping address as answered: every field, empty when not given. */
const shippingSchema = Type.Object(shippingFields, closed);
/** A shipping address as given: the second line, postal code, region and phone may be left out (not every country has them). */
const shippingInput = Type.Object(
  {
    ...shippingFields,
    line2: Type.Optional(shippingFields.line2),
    postalCode: Type.Optional(shippingFields.postalCode),
    region: Type.Optional(shippingFields.region),
    phone: Type.Optional(shippingFields.phone),
  },
  closed,
);

const lineFields = {
  sku: Type.String({ minLength: 1, maxLength: 64 }),
  finish: Type.Optional(nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  quantity: Type.Integer({ minimum: 1, maximum: 1000 }),
  crop: Type.Optional(Type.String({ maxLength: 200, description: 'How to crop, e.g. "fill, centre" or "fit with border"' })),
  notes: Type.Optional(Type.String({ maxLength: 1000 })),
};
const lineInput = Type.Object({ fileId: uuidField, ...lineFields }, closed);
const linesField = Type.Array(lineInput, { minItems: 1, maxItems: MAX_ORDER_LINES });
const lineTemplate = Type.Object(lineFields, closed);
const dueDateField = nullable(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10, description: 'YYYY-MM-DD' }));
const notesField = Type.String({ maxLength: 5000 });

export const createOrderBody = Type.Object(
  {
    labId: uuidField,
    lines: Type.Optional(linesField),
    albumId: Type.Optional(uuidField),
    albumLine: Type.Optional(lineTemplate),
    shipping: shippingInput,
    dueDate: Type.Optional(dueDateField),
    notes: Type.Optional(notesField),
  },
  { ...closed, description: 'Either lines (selected files), or albumId and albumLine (every file of the album as that line)' },
);

export const updateOrderBody = Type.Object(
  {
    lines: Type.Optional(linesField),
    albumId: Type.Optional(uuidField),
    albumLine: Type.Optional(lineTemplate),
    shipping: Type.Optional(shippingInput),
    dueDate: Type.Optional(dueDateField),
    notes: Type.Optional(notesField),
  },
  { ...closed, minProperties: 1 },
);

const statusField = Type.Union([
  Type.Literal('draft'),
  Type.Literal('submitted'),
  Type.Literal('accepted'),
  Type.Literal('in_production'),
  Type.Literal('shipped'),
  Type.Literal('completed'),
  Type.Literal('rejected'),
  Type.Literal('cancelled'),
]);

const lineSchema = Type.Object(
  {
    id: Type.String(),
    fileId: Type.String(),
    fileName: Type.String(),
    sku: Type.String(),
    productName: Type.String(),
    size: Type.String(),
    finish: nullable(Type.String()),
    quantity: Type.Integer(),
    crop: Type.String(),
    notes: Type.String(),
  },
  closed,
);

const eventSchema = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('created'),
      Type.Literal('updated'),
      Type.Literal('submitted'),
      Type.Literal('accepted'),
      Type.Literal('in_production'),
      Type.Literal('shipped'),
      Type.Literal('completed'),
      Type.Literal('rejected'),
      Type.Literal('cancelled'),
      Type.Literal('opened'),
      Type.Literal('file_downloaded'),
      Type.Literal('zip_downloaded'),
    ]),
    byLab: Type.Boolean(),
    fileId: nullable(Type.String()),
    fileName: nullable(Type.String()),
    note: nullable(Type.String({ description: 'Carrier and tracking number, or the reason of a rejection' })),
    at: Type.String(),
  },
  closed,
);

const orderLabSchema = Type.Object({ id: Type.String(), labId: Type.String(), name: Type.String() }, closed);

const orderSummaryFields = {
  id: Type.String(),
  lab: orderLabSchema,
  status: statusField,
  lineCount: Type.Integer(),
  dueDate: nullable(Type.String()),
  createdAt: Type.String(),
  submittedAt: nullable(Type.String()),
};

export const printOrderSummarySchema = Type.Object(orderSummaryFields, closed);

/** What the photographer and the lab both see of an order's fulfilment. */
const fulfilmentFields = {
  shipping: shippingSchema,
  notes: Type.String(),
  carrier: nullable(Type.String()),
  trackingNumber: nullable(Type.String()),
  rejectReason: nullable(Type.String()),
  lines: Type.Array(lineSchema),
};

export const printOrderSchema = Type.Object(
  {
    ...orderSummaryFields,
    ...fulfilmentFields,
    updatedAt: Type.String(),
    closedAt: nullable(Type.String()),
    events: Type.Array(eventSchema, { description: 'The timeline: status changes and the lab’s actions' }),
  },
  closed,
);

export const availableLabSchema = Type.Object({ id: Type.String(), labId: Type.String(), name: Type.String(), catalogue: Type.Array(productSchema) }, closed);

const labOrderSummaryFields = {
  id: Type.String(),
  studioName: Type.String(),
  status: statusField,
  dueDate: nullable(Type.String()),
  submittedAt: nullable(Type.String()),
};

export const labOrderSummarySchema = Type.Object(labOrderSummaryFields, closed);

export const labOrderSchema = Type.Object(
  {
    ...labOrderSummaryFields,
    ...fulfilmentFields,
    filesAvailable: Type.Boolean(),
    files: Type.Array(
      Type.Object(
        { id: Type.String(), name: Type.String(), type: Type.String(), size: Type.Integer(), sha256: Type.String(), width: nullable(Type.Integer()), height: nullable(Type.Integer()) },
        closed,
      ),
    ),
  },
  closed,
);

export const labStatusBody = Type.Object(
  {
    status: Type.Union([Type.Literal('accepted'), Type.Literal('in_production'), Type.Literal('shipped'), Type.Literal('completed'), Type.Literal('rejected')]),
    carrier: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    trackingNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
  },
  closed,
);

export const orderFileParams = Type.Object({ id: uuidField, fileId: uuidField }, closed);
