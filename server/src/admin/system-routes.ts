import { Type } from '../http/json-schema.ts';
import type { AppServices } from '../capability.ts';
import { requirePrincipal } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { closed, uuidField } from '../http/schemas.ts';
import { listJobs, retryJob } from '../jobs/queue.ts';
import { queryInteger, studioForAdmin, studiosForAdmin, systemStatus } from './console.ts';
import { type DeletionDeps, deleteStudioByAdmin } from './deletion.ts';
import { deletionBodySchema, jobIdParams, jobQuerySchema, jobSchema, studioDetailSchema, studioSummarySchema, systemStatusSchema } from './schemas.ts';

/** The system page of the admin console: status, studios, the job queue. */

const tags = ['admin'];
const serverVersion = '0.1.0';

export function systemRoutes(app: App, { runtime, vault, keyProtected, storageUsage }: AppServices, deletion: DeletionDeps): void {
  const db = runtime.database.db;

  app.get(
    '/api/admin/system',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'getSystemStatus',
        tags,
        summary: 'Master key versions and what each protects, database and blob store health, the job queue, mail, the audit chain, version and configuration (never secret values).',
        response: { 200: systemStatusSchema },
      },
    },
    async () => systemStatus(runtime, keyProtected, serverVersion),
  );

  app.get(
    '/api/admin/studios',
    {
      config: { access: 'admin' },
      schema: { operationId: 'listStudios', tags, summary: 'Every studio with its usage, quota, encryption setting and key version.', response: { 200: Type.Object({ studios: Type.Array(studioSummarySchema) }, closed) } },
    },
    async () => ({ studios: await studiosForAdmin(db, vault.files) }),
  );

  app.get(
    '/api/admin/studios/:id',
    {
      config: { access: 'admin' },
      schema: { operationId: 'getStudio', tags, summary: 'One studio: usage against quota, storage per variant (originals, previews, image cache), settings, key version, members.', params: Type.Object({ id: uuidField }, closed), response: { 200: Type.Object({ studio: studioDetailSchema }, closed) } },
    },
    async (request) => ({ studio: await studioForAdmin(db, vault.files, request.params.id, storageUsage) }),
  );

  app.delete(
    '/api/admin/studios/:id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'deleteStudio',
        tags,
        summary: 'Crypto-erase a studio (type its name and a current TOTP code): its data key is destroyed now, its files and rows deleted in the background.',
        params: Type.Object({ id: uuidField }, closed),
        body: deletionBodySchema,
        response: { 202: Type.Null() },
      },
    },
    async (request, reply) => {
      await deleteStudioByAdmin(deletion, { userId: requirePrincipal(request).userId, ...requestOrigin(request) }, request.params.id, request.body);
      return reply.status(202).send(null);
    },
  );

  app.get(
    '/api/admin/jobs',
    {
      config: { access: 'admin' },
      schema: { operationId: 'listJobs', tags, summary: 'Background jobs, newest first; `status=failed` lists those that gave up.', querystring: jobQuerySchema, response: { 200: Type.Object({ jobs: Type.Array(jobSchema) }, closed) } },
    },
    async (request) => ({ jobs: await listJobs(db, { status: request.query.status, limit: queryInteger('limit', request.query.limit, { min: 1, max: 500 }) }) }),
  );

  app.post(
    '/api/admin/jobs/:id/retry',
    {
      config: { access: 'admin' },
      schema: { operationId: 'retryJob', tags, summary: 'Run a failed job again from its first attempt.', params: jobIdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await retryJob(db, { actorUserId: requirePrincipal(request).userId, ...requestOrigin(request) }, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
