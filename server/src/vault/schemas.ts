import { Type } from '../http/json-schema.ts';
import { closed, nullable, uuidField } from '../http/schemas.ts';

/** JSON schemas of the vault API: one definition feeds validation, typed handlers and OpenAPI. */

export const idParams = Type.Object({ id: uuidField }, closed);

export const variantField = Type.Union([Type.Literal('original'), Type.Literal('preview'), Type.Literal('thumbnail')]);

/** What an upload does when the studio already has its content: `keep` (the default) stores it anyway, `skip` refuses it (409 `duplicate_file`). */
export const onDuplicateField = Type.Union([Type.Literal('keep'), Type.Literal('skip')], { description: 'When the studio already has this content: keep (default) stores it anyway and names the older file in duplicateOf; skip refuses with 409 duplicate_file' });

const exifSchema = Type.Object(
  {
    camera: nullable(Type.String()),
    lens: nullable(Type.String()),
    exposureTime: nullable(Type.String({ description: 'Seconds, as "1/250" or "2.5"' })),
    fNumber: nullable(Type.Number()),
    iso: nullable(Type.Number()),
    focalLength: nullable(Type.Number({ description: 'Millimetres' })),
    gps: nullable(Type.Object({ latitude: Type.Number(), longitude: Type.Number(), altitude: nullable(Type.Number()) }, closed)),
  },
  closed,
);

const fileProperties = {
  id: Type.String(),
  name: Type.String(),
  type: Type.String({ description: 'The MIME type sniffed from the content' }),
  size: Type.Integer({ description: 'Bytes' }),
  sha256: Type.String({ description: 'Hex SHA-256 of the original' }),
  albumIds: Type.Array(Type.String(), { description: 'The albums it is in (a file may be in several), the one it joined first first' }),
  status: Type.Union([Type.Literal('processing'), Type.Literal('ready'), Type.Literal('failed')], { description: 'Whether the previews are ready' }),
  failureReason: nullable(Type.String({ description: 'Why previews could not be made, when status is failed' })),
  uploadedAt: Type.String(),
  capturedAt: nullable(Type.String({ description: 'The camera’s wall-clock time (ISO 8601), with its offset when recorded' })),
  deletedAt: nullable(Type.String({ description: 'When it went to the trash' })),
  width: nullable(Type.Integer()),
  height: nullable(Type.Integer()),
  thumbnailUrl: nullable(Type.String({ description: 'Signed, short-lived' })),
  previewUrl: nullable(Type.String({ description: 'Signed, short-lived' })),
};

export const fileSchema = Type.Object(fileProperties, closed);
export const fileDetailsSchema = Type.Object({ ...fileProperties, exif: exifSchema }, closed);

export const albumSchema = Type.Object(
  { id: Type.String(), name: Type.String(), fileCount: Type.Integer(), createdAt: Type.String(), updatedAt: Type.String() },
  closed,
);

/** The files one request organises (moves, adds to or removes from an album). */
export const fileIdsField = Type.Array(uuidField, { minItems: 1, maxItems: 500 });

export const albumNameField = Type.String({ minLength: 1, maxLength: 1000 });
