import type { Readable } from 'node:stream';
import { Type } from '../http/json-schema.ts';
import type { FastifyRequest } from 'fastify';
import { closed, nullable, signedUrlSchema, uuidField } from '../http/schemas.ts';
import { AppError } from '../errors.ts';
import { requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { discardUnreadBody } from '../http/unread-body.ts';
import type { VaultDeps } from './deps.ts';
import { createDownloadUrl, fileUsesOf, getFile, listFiles, moveFiles, restoreFile, trashFile, vaultUsage } from './files.ts';
import { retryPreviews } from './previews.ts';
import { emptyTrash } from './purge.ts';
import { fileDetailsSchema, fileIdsField, fileSchema, idParams, onDuplicateField, variantField } from './schemas.ts';
import { uploadFile } from './upload.ts';

/** The vault's files: upload, list, look at, move, trash and restore, download links, usage. */

const tags = ['vault'];
const fileAnswer = Type.Object({ file: fileSchema }, closed);
const uploadAnswer = Type.Object(
  { file: fileSchema, duplicateOf: nullable(Type.String({ description: 'The id of the studio’s older file with the same content (not in the trash); null when there is none' })) },
  closed,
);


/** Checked before the body is read: an upload is the file's bytes, not a form or JSON. */
async function requireFileBody(request: FastifyRequest): Promise<void> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/octet-stream') {
    throw new AppError('unsupported_media_type', 'Send the file itself as the request body, with Content-Type: application/octet-stream.', 415);
  }
}

/**
 * The file's name travels in `X-File-Name`, percent-encoded UTF-8 (encodeURIComponent), not in
 * the URL: URLs end up in proxy and access logs, and a photo's name can say who is in it.
 */
export const FILE_NAME_HEADER = 'x-file-name';

function fileNameFrom(request: FastifyRequest): string | undefined {
  const header = request.headers[FILE_NAME_HEADER];
  if (typeof header !== 'string') return undefined;
  try {
    return decodeURIComponent(header);
  } catch {
    throw new AppError('file_name_invalid', 'Send the file name percent-encoded (UTF-8) in the X-File-Name header.', 400);
  }
}

function declaredLength(request: FastifyRequest): number | undefined {
  const header = request.headers['content-length'];
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

export function fileRoutes(app: App, deps: VaultDeps): void {
  // Uploads reach the handler as the raw stream; the service enforces VAULT_MAX_UPLOAD_BYTES
  // while reading (Fastify's body limit applies only to bodies it buffers).
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

  app.post(
    '/api/vault/files',
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      onRequest: requireFileBody,
      // Any refusal — by type, size, quota, scan or failure — may leave part of the body unread.
      onError: discardUnreadBody(deps.config.maxUploadBytes),
      schema: {
        operationId: 'uploadFile',
        tags,
        summary:
          'Upload a photo: the file is the request body (application/octet-stream), its name in the X-File-Name header, percent-encoded (never in the URL, which proxies log). Stored encrypted; previews follow. When the studio already has the same content (outside the trash), the answer names that file in `duplicateOf`; with `onDuplicate=skip` the upload is refused instead with 409 `duplicate_file` (the file already there in the Upload-Duplicate-Of header) and nothing is stored.',
        querystring: Type.Object({ albumId: Type.Optional(uuidField), onDuplicate: Type.Optional(onDuplicateField) }, closed),
        headers: Type.Object({ [FILE_NAME_HEADER]: Type.Optional(Type.String({ maxLength: 12_288, description: 'The file name, percent-encoded UTF-8 (longer names are shortened to 255 characters)' })) }),
        response: { 201: uploadAnswer },
      },
    },
    async (request, reply) => {
      const body = (request.body as Readable).iterator({ destroyOnReturn: false });
      const uploaded = await uploadFile(deps, requireStudioActor(request), { ...request.query, name: fileNameFrom(request), declaredLength: declaredLength(request), body });
      return reply.status(201).send(uploaded);
    },
  );

  app.get(
    '/api/vault/files',
    {
      config: { access: 'signed-in', permission: 'library.view' },
      schema: {
        operationId: 'listFiles',
        tags,
        summary: 'A page of files (or of the trash), sorted, optionally in one album or matching a name search.',
        querystring: Type.Object(
          {
            albumId: Type.Optional(Type.Union([uuidField, Type.Literal('none')], { description: 'An album, or "none" for files in no album' })),
            sort: Type.Optional(Type.Union([Type.Literal('captured'), Type.Literal('uploaded'), Type.Literal('name')])),
            order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
            cursor: Type.Optional(Type.String({ maxLength: 4096 })),
            limit: Type.Optional(Type.String({ pattern: '^(?:[1-9]|[1-9][0-9]|1[0-9][0-9]|200)$', description: '1 to 200, default 50' })),
            q: Type.Optional(Type.String({ maxLength: 255 })),
            trash: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])),
          },
          closed,
        ),
        response: { 200: Type.Object({ files: Type.Array(fileSchema), nextCursor: nullable(Type.String()), searchTruncated: Type.Boolean() }, closed) },
      },
    },
    async (request) => {
      const { albumId, sort, order, cursor, limit, q, trash } = request.query;
      return listFiles(deps, requireStudioActor(request), {
        albumId,
        sort: sort ?? 'uploaded',
        order: order ?? 'desc',
        cursor,
        limit: limit === undefined ? 50 : Number(limit),
        q,
        trash: trash === 'true',
      });
    },
  );

  app.get(
    '/api/vault/files/:id',
    {
      config: { access: 'signed-in', permission: 'library.view' },
      schema: { operationId: 'getFile', tags, summary: 'One file, with its EXIF summary (the location only for roles that may download originals).', params: idParams, response: { 200: Type.Object({ file: fileDetailsSchema }, closed) } },
    },
    async (request) => ({ file: await getFile(deps, requireStudioActor(request), request.params.id) }),
  );

  app.post(
    '/api/vault/files/:id/download-url',
    {
      config: { access: 'signed-in', permission: 'library.view' },
      schema: {
        operationId: 'createFileDownloadUrl',
        tags,
        summary: 'A signed link to the original or a preview, valid for a few minutes.',
        params: idParams,
        body: Type.Object({ variant: variantField }, closed),
        response: { 200: signedUrlSchema },
      },
    },
    async (request) => createDownloadUrl(deps, requireStudioActor(request), request.params.id, request.body.variant),
  );

  app.post(
    '/api/vault/files/move',
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      schema: {
        operationId: 'moveFiles',
        tags,
        summary: 'Move files into one album and out of every other, or out of all (albumId null). All or nothing. addAlbumFiles adds without taking them out.',
        body: Type.Object({ fileIds: fileIdsField, albumId: nullable(uuidField) }, closed),
        response: { 200: Type.Object({ moved: Type.Integer() }, closed) },
      },
    },
    async (request) => ({ moved: await moveFiles(deps, requireStudioActor(request), request.body.fileIds, request.body.albumId) }),
  );

  app.post(
    '/api/vault/files/uses',
    {
      config: { access: 'signed-in', permission: 'delete' },
      schema: {
        operationId: 'listFileUses',
        tags,
        summary: 'Where these files are shown outside the library — the live deliveries whose clients see them — to warn before trashing them.',
        body: Type.Object({ fileIds: fileIdsField }, closed),
        response: {
          200: Type.Object(
            {
              uses: Type.Array(
                Type.Object({ kind: Type.Literal('delivery'), id: Type.String(), title: Type.String(), fileIds: Type.Array(Type.String()) }, closed),
              ),
            },
            closed,
          ),
        },
      },
    },
    async (request) => ({ uses: await fileUsesOf(deps, requireStudioActor(request), request.body.fileIds) }),
  );

  app.delete(
    '/api/vault/files/:id',
    {
      config: { access: 'signed-in', permission: 'delete' },
      schema: {
        operationId: 'deleteFile',
        tags,
        summary:
          'Move a file to the trash (kept 30 days, restorable). A file shown in a live delivery is refused with 409 `file_in_live_delivery` unless `confirm=true` (after the photographer saw listFileUses).',
        params: idParams,
        querystring: Type.Object({ confirm: Type.Optional(Type.Literal('true')) }, closed),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await trashFile(deps, requireStudioActor(request), request.params.id, { confirmed: request.query.confirm === 'true' });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/vault/files/:id/restore',
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      schema: { operationId: 'restoreFile', tags, summary: 'Bring a file back from the trash.', params: idParams, response: { 200: fileAnswer } },
    },
    async (request) => ({ file: await restoreFile(deps, requireStudioActor(request), request.params.id) }),
  );

  app.post(
    '/api/vault/files/:id/retry-previews',
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      schema: { operationId: 'retryFilePreviews', tags, summary: 'Make the previews again (after a failure).', params: idParams, response: { 202: fileAnswer } },
    },
    async (request, reply) => reply.status(202).send({ file: await retryPreviews(deps, requireStudioActor(request), request.params.id) }),
  );

  app.post(
    '/api/vault/trash/empty',
    {
      config: { access: 'signed-in', permission: 'delete' },
      schema: { operationId: 'emptyTrash', tags, summary: 'Delete every file in the trash now, for good.', response: { 200: Type.Object({ purged: Type.Integer() }, closed) } },
    },
    async (request) => ({ purged: await emptyTrash(deps, requireStudioActor(request)) }),
  );

  app.get(
    '/api/vault/usage',
    {
      config: { access: 'signed-in', permission: 'library.view' },
      schema: {
        operationId: 'getVaultUsage',
        tags,
        summary: 'Bytes stored (trash included) and the studio’s quota (null: unlimited).',
        response: { 200: Type.Object({ usedBytes: Type.Integer(), quotaBytes: nullable(Type.Integer()) }, closed) },
      },
    },
    async (request) => vaultUsage(deps, requireStudioActor(request)),
  );
}
