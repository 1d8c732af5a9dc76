import type { Readable } from 'node:stream';
import { Type } from '../http/json-schema.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { closed, uuidField } from '../http/schemas.ts';
import { discardUnreadBody } from '../http/unread-body.ts';
import type { VaultDeps } from './deps.ts';
import { ON_DUPLICATE_CHOICES, type OnDuplicate } from './duplicates.ts';
import {
  type AppendInput,
  type ChecksumAlgorithm,
  type CreateResumableInput,
  RESUMABLE_CHECKSUM_ALGORITHMS,
  type ResumableUploadState,
  appendToResumableUpload,
  createResumableUpload,
  resumableUploadState,
  terminateResumableUpload,
} from './resumable.ts';

/**
 * The tus 1.0 protocol (tus.io/protocols/resumable-upload) over the vault's resumable uploads
 * (resumable.ts): core, creation, creation-with-upload, termination, expiration and checksum
 * (sha1, sha256). Served on Fastify routes rather than through @tus/server, which would take
 * the raw request and answer it itself: this app's hooks (security headers, CSRF, access,
 * error mapping, logging by route) would not run, it has no checksum extension, and its data
 * store is given no actor to check quota and type against. Errors leave as everywhere
 * (`{"error":{"code","message"}}`) with the status tus gives them.
 */

const tags = ['vault'];
const TUS_VERSION = '1.0.0';
const EXTENSIONS = 'creation,creation-with-upload,termination,expiration,checksum';
const UPLOAD_TYPE = 'application/offset+octet-stream';
const BASE = '/api/vault/uploads';

const tusHeaders = {
  'tus-resumable': Type.Optional(Type.String({ maxLength: 16, description: 'Must be 1.0.0' })),
};
const uploadParams = Type.Object({ id: uuidField }, closed);
const noBody = Type.Null({ description: 'No body; the answer is in the headers.' });
/** What the creation, HEAD and PATCH answers say of the upload, in their headers. */
const uploadState = Type.Null({
  description: 'No body; the upload’s state is in the headers.',
  headers: {
    'upload-offset': Type.String({ description: 'Bytes received and kept' }),
    'upload-expires': Type.String({ description: 'When an unfinished upload is purged (HTTP date)' }),
    'upload-file-id': Type.String({ description: 'Once complete: the file the upload became' }),
    'upload-duplicate-of': Type.String({ description: 'Once complete: the studio’s older file with the same content (not in the trash), when there is one' }),
  },
});

/** Every answer says which protocol version it speaks, errors included. */
async function tusResumable(_request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
  reply.header('tus-resumable', TUS_VERSION);
  return payload;
}

async function requireTusVersion(request: FastifyRequest): Promise<void> {
  if (request.headers['tus-resumable'] !== TUS_VERSION) {
    throw new AppError('tus_version_unsupported', `This server speaks tus ${TUS_VERSION}; send Tus-Resumable: ${TUS_VERSION}.`, 412, { headers: { 'tus-version': TUS_VERSION } });
  }
}

function contentTypeOf(request: FastifyRequest): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function nonNegativeInteger(value: string | string[] | undefined, header: string): number {
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new AppError('invalid_tus_header', `Send ${header} as a non-negative integer.`, 400);
  }
  return Number(value);
}

/** Upload-Metadata: comma-separated `key base64value` pairs; `filename` (or `name`), `albumId` and `onDuplicate` are read, others ignored. */
function parseMetadata(header: string | string[] | undefined): Map<string, string> {
  const metadata = new Map<string, string>();
  if (header === undefined) return metadata;
  if (typeof header !== 'string') throw invalidMetadata();
  for (const pair of header.split(',')) {
    const [key, value, extra] = pair.trim().split(' ');
    if (!key || extra !== undefined || !/^[A-Za-z0-9._-]{1,64}$/.test(key) || metadata.has(key)) throw invalidMetadata();
    if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) throw invalidMetadata();
    const decoded = Buffer.from(value ?? '', 'base64').toString('utf8');
    if (decoded.includes('\uFFFD')) throw invalidMetadata();
    metadata.set(key, decoded);
  }
  return metadata;
}

function invalidMetadata(): AppError {
  return new AppError('invalid_upload_metadata', 'Send Upload-Metadata as comma-separated "key base64-value" pairs.', 400);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function creationInput(request: FastifyRequest): CreateResumableInput {
  if (request.headers['upload-defer-length'] !== undefined) {
    throw new AppError('defer_length_unsupported', 'Announce the size with Upload-Length: deferring it is not supported.', 400);
  }
  const length = nonNegativeInteger(request.headers['upload-length'], 'Upload-Length');
  const metadata = parseMetadata(request.headers['upload-metadata']);
  const name = metadata.get('filename') ?? metadata.get('name');
  const albumId = metadata.get('albumId') || undefined;
  if (albumId !== undefined && !UUID.test(albumId)) throw invalidMetadata();
  if (name !== undefined && name.length > 4096) throw invalidMetadata();
  const onDuplicate = metadata.get('onDuplicate');
  if (onDuplicate !== undefined && !(ON_DUPLICATE_CHOICES as readonly string[]).includes(onDuplicate)) throw invalidMetadata();
  return { length, ...(name ? { name } : {}), ...(albumId ? { albumId } : {}), ...(onDuplicate ? { onDuplicate: onDuplicate as OnDuplicate } : {}) };
}

function checksumOf(request: FastifyRequest): AppendInput['checksum'] {
  const header = request.headers['upload-checksum'];
  if (header === undefined) return undefined;
  const [algorithm, value, extra] = typeof header === 'string' ? header.trim().split(' ') : [];
  if (!(RESUMABLE_CHECKSUM_ALGORITHMS as readonly string[]).includes(algorithm ?? '')) {
    throw new AppError('checksum_algorithm_unsupported', `Upload-Checksum algorithms: ${RESUMABLE_CHECKSUM_ALGORITHMS.join(', ')}.`, 400);
  }
  const digest = Buffer.from(value ?? '', 'base64');
  const size = algorithm === 'sha1' ? 20 : 32;
  if (extra !== undefined || !value || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || digest.length !== size) {
    throw new AppError('invalid_checksum', 'Send Upload-Checksum as "<algorithm> <base64 digest>".', 400);
  }
  return { algorithm: algorithm as ChecksumAlgorithm, digest };
}

function stateHeaders(reply: FastifyReply, state: ResumableUploadState): void {
  reply.header('upload-offset', String(state.offset));
  reply.header('upload-expires', new Date(state.expiresAt).toUTCString());
  reply.header('cache-control', 'no-store');
  if (state.fileId) reply.header('upload-file-id', state.fileId);
  if (state.duplicateOf) reply.header('upload-duplicate-of', state.duplicateOf);
}

function bodyOf(request: FastifyRequest): AsyncIterable<Uint8Array> {
  return (request.body as Readable).iterator({ destroyOnReturn: false });
}

export function resumableRoutes(app: App, deps: VaultDeps): void {
  // The bytes reach the service as the raw stream, sealed as they arrive (resumable.ts).
  app.addContentTypeParser(UPLOAD_TYPE, (_request, payload, done) => done(null, payload));
  const onError = discardUnreadBody(deps.config.maxUploadBytes);

  app.options(
    BASE,
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      onSend: tusResumable,
      schema: {
        operationId: 'getResumableUploadCapabilities',
        tags,
        summary: 'tus discovery: the version, extensions, largest upload and checksum algorithms this server supports, in the headers.',
        response: { 204: noBody },
      },
    },
    async (_request, reply) => {
      reply.header('tus-version', TUS_VERSION);
      reply.header('tus-extension', EXTENSIONS);
      reply.header('tus-max-size', String(deps.config.maxUploadBytes));
      reply.header('tus-checksum-algorithm', RESUMABLE_CHECKSUM_ALGORITHMS.join(','));
      return reply.status(204).send(null);
    },
  );

  app.post(
    BASE,
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      onRequest: requireTusVersion,
      onSend: tusResumable,
      onError,
      schema: {
        operationId: 'createResumableUpload',
        tags,
        summary:
          'tus creation: announce a photo with Upload-Length and Upload-Metadata (filename, albumId, onDuplicate; base64 values — onDuplicate `skip` refuses the completed upload with 409 `duplicate_file` when the studio already has the same content outside the trash, `keep`, the default, stores it and names the older file in Upload-Duplicate-Of). With a body (Content-Type: application/offset+octet-stream) its first bytes are appended at once (creation-with-upload). Answers 201 with Location, Upload-Offset and Upload-Expires.',
        headers: Type.Object({
          ...tusHeaders,
          'upload-length': Type.Optional(Type.String({ maxLength: 16, description: 'The file size in bytes' })),
          'upload-metadata': Type.Optional(Type.String({ maxLength: 16_384, description: 'Comma-separated "key base64value": filename, albumId, onDuplicate (keep or skip)' })),
          'upload-checksum': Type.Optional(Type.String({ maxLength: 128, description: 'Of the body sent with creation: "sha1|sha256 <base64>"' })),
        }),
        response: { 201: uploadState },
      },
    },
    async (request, reply) => {
      const actor = requireStudioActor(request);
      const input = creationInput(request);
      const hasBody = request.body !== undefined && request.body !== null;
      if (hasBody && contentTypeOf(request) !== UPLOAD_TYPE) throw new AppError('unsupported_media_type', `Send the bytes as ${UPLOAD_TYPE}.`, 415);
      const checksum = hasBody ? checksumOf(request) : undefined;
      let state = await createResumableUpload(deps, actor, input);
      reply.header('location', `${BASE}/${state.id}`);
      if (hasBody) state = await appendToResumableUpload(deps, actor, state.id, { offset: 0, body: bodyOf(request), checksum });
      stateHeaders(reply, state);
      return reply.status(201).send(null);
    },
  );

  app.head(
    `${BASE}/:id`,
    {
      config: { access: 'signed-in', permission: 'library.edit', swagger: { exposeHeadRoute: true } },
      onRequest: requireTusVersion,
      onSend: tusResumable,
      schema: {
        operationId: 'getResumableUploadOffset',
        tags,
        summary: 'tus: how far an upload got (Upload-Offset, Upload-Length, Upload-Expires; once complete, Upload-File-Id and Upload-Duplicate-Of as the last append answered); 404 for an unknown upload or another person’s, 410 once expired.',
        params: uploadParams,
        headers: Type.Object(tusHeaders),
        response: { 200: uploadState },
      },
    },
    async (request, reply) => {
      const state = await resumableUploadState(deps, requireStudioActor(request), request.params.id);
      stateHeaders(reply, state);
      reply.header('upload-length', String(state.length));
      return reply.status(200).send(null);
    },
  );

  app.patch(
    `${BASE}/:id`,
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      onRequest: requireTusVersion,
      onSend: tusResumable,
      onError,
      schema: {
        operationId: 'appendResumableUpload',
        tags,
        summary:
          'tus: append bytes at Upload-Offset (Content-Type: application/offset+octet-stream, optional Upload-Checksum). 204 with the new Upload-Offset; 409 when the offset is not the upload’s, 460 on a checksum mismatch, 413 past the size or quota, 415 when the first bytes are not a photo (the upload is then terminated). The last append stores the photo and names it in Upload-File-Id, and in Upload-Duplicate-Of the studio’s older file with the same content, if any (409 `duplicate_file`, the upload terminated, when it was created with onDuplicate skip).',
        params: uploadParams,
        headers: Type.Object({
          ...tusHeaders,
          'upload-offset': Type.Optional(Type.String({ maxLength: 16 })),
          'upload-checksum': Type.Optional(Type.String({ maxLength: 128, description: '"sha1|sha256 <base64>" of this request’s body' })),
        }),
        response: { 204: uploadState },
      },
    },
    async (request, reply) => {
      const actor = requireStudioActor(request);
      if (contentTypeOf(request) !== UPLOAD_TYPE) throw new AppError('unsupported_media_type', `Send the bytes as ${UPLOAD_TYPE}.`, 415);
      const offset = nonNegativeInteger(request.headers['upload-offset'], 'Upload-Offset');
      const checksum = checksumOf(request);
      const state = await appendToResumableUpload(deps, actor, request.params.id, { offset, body: bodyOf(request), checksum });
      stateHeaders(reply, state);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    `${BASE}/:id`,
    {
      config: { access: 'signed-in', permission: 'library.edit' },
      onRequest: requireTusVersion,
      onSend: tusResumable,
      schema: {
        operationId: 'terminateResumableUpload',
        tags,
        summary: 'tus termination: the upload and every byte stored for it are deleted.',
        params: uploadParams,
        headers: Type.Object(tusHeaders),
        response: { 204: noBody },
      },
    },
    async (request, reply) => {
      await terminateResumableUpload(deps, requireStudioActor(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
