import { Type } from '../http/json-schema.ts';
import { closed } from '../http/schemas.ts';
import { requireStudioActor } from '../http/access.ts';
import { missingBodyAsEmpty } from '../http/optional-body.ts';
import type { App } from '../http/app-type.ts';
import { getDeliveryGallery } from './gallery.ts';
import { deliveryGallerySchema } from './gallery-schemas.ts';
import type { DeliveriesDeps } from './deps.ts';
import {
  createDeliveryBody,
  deliveryAccessSchema,
  deliveryEventSchema,
  deliveryIdParams,
  deliverySchema,
  updateDeliveryBody,
} from './schemas.ts';
import {
  createDelivery,
  listDeliveries,
  listDeliveryEvents,
  regenerateDeliveryCode,
  resendDelivery,
  revokeDelivery,
  updateDelivery,
} from './service.ts';

/** The photographer's deliveries: every route acts in the caller's studio, and another studio's ids are 404. */

const tags = ['deliveries'];
const config = { access: 'signed-in', permission: 'deliveries' } as const;
const deliveryAnswer = Type.Object({ delivery: deliverySchema }, closed);
const withAccess = Type.Object({ delivery: deliverySchema, access: deliveryAccessSchema }, closed);


export function deliveryRoutes(app: App, deps: DeliveriesDeps): void {
  app.post(
    '/api/deliveries',
    {
      config,
      schema: {
        operationId: 'createDelivery',
        tags,
        summary: 'Deliver files or an album to a client: the answer holds the link and the code, shown this once.',
        body: createDeliveryBody,
        response: { 201: withAccess },
      },
    },
    async (request, reply) => reply.status(201).send(await createDelivery(deps, requireStudioActor(request), request.body)),
  );

  app.get(
    '/api/deliveries',
    {
      config,
      schema: {
        operationId: 'listDeliveries',
        tags,
        summary: 'The studio’s deliveries, newest first, with status, views and downloads.',
        response: { 200: Type.Object({ deliveries: Type.Array(deliverySchema) }, closed) },
      },
    },
    async (request) => ({ deliveries: await listDeliveries(deps, requireStudioActor(request)) }),
  );

  app.get(
    '/api/deliveries/:id',
    {
      config,
      schema: {
        operationId: 'getDelivery',
        tags,
        summary: 'One delivery, its files in order and its sets.',
        params: deliveryIdParams,
        response: { 200: deliveryGallerySchema },
      },
    },
    async (request) => getDeliveryGallery(deps, requireStudioActor(request), request.params.id),
  );

  app.patch(
    '/api/deliveries/:id',
    {
      config,
      schema: {
        operationId: 'updateDelivery',
        tags,
        summary: 'Edit a delivery: title, message, recipients, expiry (to extend it), download limit, what it offers.',
        params: deliveryIdParams,
        body: updateDeliveryBody,
        response: { 200: deliveryAnswer },
      },
    },
    async (request) => ({ delivery: await updateDelivery(deps, requireStudioActor(request), request.params.id, request.body) }),
  );

  app.post(
    '/api/deliveries/:id/revoke',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: {
        operationId: 'revokeDelivery',
        tags,
        summary: 'End a delivery now: its link, code and every client session stop working.',
        params: deliveryIdParams,
        body: Type.Object({}, closed),
        response: { 200: deliveryAnswer },
      },
    },
    async (request) => ({ delivery: await revokeDelivery(deps, requireStudioActor(request), request.params.id) }),
  );

  app.post(
    '/api/deliveries/:id/code',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: {
        operationId: 'regenerateDeliveryCode',
        tags,
        summary: 'A new code, shown this once: the old code and every client session stop working, and a lockout ends.',
        params: deliveryIdParams,
        body: Type.Object({ sendToRecipients: Type.Optional(Type.Boolean({ description: 'Email the new code to the recipients' })) }, closed),
        response: { 200: Type.Object({ delivery: deliverySchema, code: Type.String() }, closed) },
      },
    },
    async (request) => regenerateDeliveryCode(deps, requireStudioActor(request), request.params.id, { sendToRecipients: request.body.sendToRecipients ?? false }),
  );

  app.post(
    '/api/deliveries/:id/resend',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: {
        operationId: 'resendDelivery',
        tags,
        summary: 'Email the recipients a new link and a new code (the old link stops working: neither is stored).',
        params: deliveryIdParams,
        body: Type.Object({}, closed),
        response: { 200: withAccess },
      },
    },
    async (request) => resendDelivery(deps, requireStudioActor(request), request.params.id),
  );

  app.get(
    '/api/deliveries/:id/events',
    {
      config,
      schema: {
        operationId: 'listDeliveryEvents',
        tags,
        summary: 'What happened to a delivery, newest first: opens, wrong codes, lockouts, downloads, and the photographer’s changes.',
        params: deliveryIdParams,
        response: { 200: Type.Object({ events: Type.Array(deliveryEventSchema) }, closed) },
      },
    },
    async (request) => ({ events: await listDeliveryEvents(deps, requireStudioActor(request), request.params.id) }),
  );
}
