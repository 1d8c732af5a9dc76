import { Type } from '../http/json-schema.ts';
import type { AppServices } from '../capability.ts';
import { requirePrincipal } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { closed, nullable, uuidField } from '../http/schemas.ts';
import { brandingRoutes } from './branding-routes.ts';
import { updateStudioByAdmin } from './service.ts';

/** An admin's per-studio settings: encryption of new uploads, and the storage quota. */

const studioSchema = Type.Object({ id: Type.String(), encryptionEnabled: Type.Boolean(), quotaBytes: nullable(Type.Integer()), usedBytes: Type.Integer() }, closed);

export async function studioRoutes(app: App, services: AppServices): Promise<void> {
  const { runtime, vault } = services;
  const deps = { db: runtime.database.db, storage: vault.files };
  brandingRoutes(app, services);

  app.patch(
    '/api/admin/studios/:id',
    {
      config: { access: 'admin' },
      schema: {
        operationId: 'updateStudio',
        tags: ['admin'],
        summary: 'Turn encryption of new uploads on or off, or set the storage quota (null: unlimited). Stored files keep how they were stored.',
        params: Type.Object({ id: uuidField }, closed),
        body: Type.Object(
          { encryptionEnabled: Type.Optional(Type.Boolean()), quotaBytes: Type.Optional(nullable(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }))) },
          { ...closed, minProperties: 1 },
        ),
        response: { 200: Type.Object({ studio: studioSchema }, closed) },
      },
    },
    async (request) => {
      const audit = { actorUserId: requirePrincipal(request).userId, ...requestOrigin(request) };
      return { studio: await updateStudioByAdmin(deps, audit, request.params.id, request.body) };
    },
  );
}
