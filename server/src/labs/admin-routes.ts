import { Type } from '../http/json-schema.ts';
import type { FastifyRequest } from 'fastify';
import type { AuditContext } from '../audit/audit-log.ts';
import { requirePrincipal } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { missingBodyAsEmpty } from '../http/optional-body.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { closed } from '../http/schemas.ts';
import { createLab, deleteLab, getLab, listLabs, listPortalStudios, resetLabPin, setStudioLabs, updateLab } from './admin.ts';
import type { LabsDeps } from './deps.ts';
import { createLabBody, idParams, labSchema, labWithPin, portalStudioSchema, resetPinBody, studioLabsBody, studioLabsSchema, updateLabBody } from './schemas.ts';

/** The admin's labs: create (the PIN shown once), change, disable, reset the PIN, delete, and choose labs per studio. */

const tags = ['admin-labs'];
const config = { access: 'admin' } as const;
const labAnswer = Type.Object({ lab: labSchema }, closed);

function auditOf(request: FastifyRequest): AuditContext {
  return { actorUserId: requirePrincipal(request).userId, ...requestOrigin(request) };
}

export function labAdminRoutes(app: App, deps: LabsDeps): void {
  app.post(
    '/api/admin/labs',
    {
      config,
      schema: {
        operationId: 'createLab',
        tags,
        summary: 'Create a print lab: the answer holds its lab ID and its PIN, shown this once.',
        body: createLabBody,
        response: { 201: labWithPin },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return reply.status(201).send(await createLab(deps, auditOf(request), request.body));
    },
  );

  app.get(
    '/api/admin/labs',
    { config, schema: { operationId: 'listLabs', tags, summary: 'Every lab, with its state and the studios that chose it.', response: { 200: Type.Object({ labs: Type.Array(labSchema) }, closed) } } },
    async () => ({ labs: await listLabs(deps) }),
  );

  app.get(
    '/api/admin/labs/:id',
    { config, schema: { operationId: 'getLab', tags, summary: 'One lab.', params: idParams, response: { 200: labAnswer } } },
    async (request) => ({ lab: await getLab(deps, request.params.id) }),
  );

  app.patch(
    '/api/admin/labs/:id',
    {
      config,
      schema: {
        operationId: 'updateLab',
        tags,
        summary: 'Change a lab’s name, contacts, catalogue or device-code setting, or disable it (its sessions end at once).',
        params: idParams,
        body: updateLabBody,
        response: { 200: labAnswer },
      },
    },
    async (request) => ({ lab: await updateLab(deps, auditOf(request), request.params.id, request.body) }),
  );

  app.post(
    '/api/admin/labs/:id/pin',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: {
        operationId: 'resetLabPin',
        tags,
        summary: 'Draw a new PIN (shown this once): every session and remembered device of the lab ends, and its lockout is lifted.',
        params: idParams,
        body: resetPinBody,
        response: { 200: labWithPin },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return resetLabPin(deps, auditOf(request), request.params.id, request.body.pinLength);
    },
  );

  app.delete(
    '/api/admin/labs/:id',
    { config, schema: { operationId: 'deleteLab', tags, summary: 'Delete a lab, its sessions and the orders sent to it.', params: idParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await deleteLab(deps, auditOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/admin/lab-portal/studios',
    {
      config,
      schema: {
        operationId: 'listLabPortalStudios',
        tags,
        summary: 'Every studio with whether its lab portal is on and the labs it may send to.',
        response: { 200: Type.Object({ studios: Type.Array(portalStudioSchema) }, closed) },
      },
    },
    async () => ({ studios: await listPortalStudios(deps) }),
  );

  app.put(
    '/api/admin/studios/:id/labs',
    {
      config,
      schema: {
        operationId: 'setStudioLabs',
        tags,
        summary: 'Turn the lab portal on or off for a studio and choose the labs it may send to (replaces the choice).',
        params: idParams,
        body: studioLabsBody,
        response: { 200: Type.Object({ studio: studioLabsSchema }, closed) },
      },
    },
    async (request) => ({ studio: await setStudioLabs(deps, auditOf(request), request.params.id, request.body) }),
  );
}
