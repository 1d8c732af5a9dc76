import { Type } from '../http/json-schema.ts';
import { closed, uuidField } from '../http/schemas.ts';
import { fileSchema } from '../vault/schemas.ts';
import { MAX_FILES_PER_CHANGE } from './gallery.ts';
import { deliverySchema } from './schemas.ts';

/** JSON schemas of the gallery's routes (gallery-routes.ts): live edits, order and sets. */

const fileIdsField = Type.Array(uuidField, { minItems: 1, maxItems: MAX_FILES_PER_CHANGE });
const setNameField = Type.String({ minLength: 1, maxLength: 100 });

export const deliverySetSchema = Type.Object({ id: Type.String(), name: Type.String(), fileIds: Type.Array(Type.String()) }, closed);

/** What every gallery edit answers, like getDelivery: the delivery, its files in order, its sets. */
export const deliveryGallerySchema = Type.Object({ delivery: deliverySchema, files: Type.Array(fileSchema), sets: Type.Array(deliverySetSchema) }, closed);

export const setParams = Type.Object({ id: uuidField, setId: uuidField }, closed);

export const addFilesBody = Type.Object({ fileIds: fileIdsField, setId: Type.Optional(uuidField) }, closed);
export const removeFilesBody = Type.Object({ fileIds: fileIdsField }, closed);

export const reorderBody = Type.Union(
  [
    Type.Object({ fileIds: Type.Array(uuidField, { minItems: 1, maxItems: 5000, description: 'These first, in this order; the rest after them as they were' }) }, closed),
    Type.Object({ sortBy: Type.Union([Type.Literal('capturedAt'), Type.Literal('name')], { description: 'capturedAt: real capture time, the camera’s offset applied' }) }, closed),
  ],
  { description: 'Either an order by hand or a sort' },
);

export const createSetBody = Type.Object({ name: setNameField, fileIds: Type.Optional(fileIdsField) }, closed);

export const updateSetBody = Type.Object(
  {
    name: Type.Optional(setNameField),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Its place among the sets, from 0' })),
    fileIds: Type.Optional(fileIdsField),
    removeFileIds: Type.Optional(fileIdsField),
  },
  { ...closed, minProperties: 1 },
);
