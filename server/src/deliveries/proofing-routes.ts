import { Type } from '../http/json-schema.ts';
import type { FastifyRequest } from 'fastify';
import { requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { missingBodyAsEmpty } from '../http/optional-body.ts';
import { closed, uuidField } from '../http/schemas.ts';
import { deliveryCookieName, requireDeliverySession } from './client-access.ts';
import type { DeliveriesDeps } from './deps.ts';
import {
  MAX_COMMENT_LENGTH,
  MAX_FAVOURITE_LIMIT,
  MAX_NAME_LENGTH,
  clientProofing,
  createAlbumFromSelection,
  createProofingList,
  listProofingSelections,
  reopenProofingSelection,
  setDeliveryProofing,
  setFavourite,
  submitProofingSelection,
} from './proofing.ts';
import { tokenParams } from './schemas.ts';

/**
 * Proofing (deliveries/proofing.ts): the photographer's routes (studio permission
 * `deliveries`) and the client's, which are public to the door like every client route and
 * authorised by the delivery session cookie, plus the list's own token in the
 * `x-proofing-list` header for writing a list (never in a URL).
 */

const tags = ['delivery-proofing'];
const photographer = { access: 'signed-in', permission: 'deliveries' } as const;
const client = { access: 'public' } as const;
const LIST_HEADER = 'x-proofing-list';

const settingsSchema = Type.Object({ enabled: Type.Boolean(), favouriteLimit: Type.Union([Type.Integer(), Type.Null()]) }, closed);
const statusField = Type.Union([Type.Literal('open'), Type.Literal('submitted')]);
const itemSchema = Type.Object({ fileId: Type.String(), name: Type.String(), favourite: Type.Boolean(), comment: Type.Union([Type.String(), Type.Null()]) }, closed);
const selectionSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: statusField,
    createdAt: Type.String(),
    updatedAt: Type.String(),
    submittedAt: Type.Union([Type.String(), Type.Null()]),
    favouriteCount: Type.Integer(),
    items: Type.Array(itemSchema),
    filter: Type.String({ description: 'The favourites’ file names without extension joined by “ OR ”: a Lightroom Classic / Capture One filter.' }),
    csv: Type.String({ description: 'file,favourite,comment as CSV (RFC 4180, formula cells defused).' }),
  },
  closed,
);
const clientListSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    status: statusField,
    submittedAt: Type.Union([Type.String(), Type.Null()]),
    favourites: Type.Array(Type.String()),
    comments: Type.Array(Type.Object({ fileId: Type.String(), comment: Type.String() }, closed)),
  },
  closed,
);
const deliveryParams = Type.Object({ id: uuidField }, closed);
const listParams = Type.Object({ id: uuidField, listId: uuidField }, closed);
const listHeaders = Type.Object({ [LIST_HEADER]: Type.Optional(Type.String({ maxLength: 100 })) });

export function deliveryProofingRoutes(app: App, deps: DeliveriesDeps): void {
  const session = (request: FastifyRequest<{ Params: { token: string } }>) => requireDeliverySession(deps, request.params.token, request.cookies[deliveryCookieName(deps)]);
  const listToken = (request: FastifyRequest) => {
    const value = request.headers[LIST_HEADER];
    return typeof value === 'string' ? value : undefined;
  };

  // ------------------------------------------------------------ the photographer's side

  app.put(
    '/api/deliveries/:id/proofing',
    {
      config: photographer,
      schema: {
        operationId: 'setDeliveryProofing',
        tags,
        summary: 'Offer proofing on a delivery (optionally “choose up to N”), or stop offering it (the lists are kept).',
        params: deliveryParams,
        body: Type.Object({ enabled: Type.Boolean(), favouriteLimit: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: MAX_FAVOURITE_LIMIT }), Type.Null()])) }, closed),
        response: { 200: Type.Object({ proofing: settingsSchema }, closed) },
      },
    },
    async (request) => ({
      proofing: await setDeliveryProofing(deps, requireStudioActor(request), request.params.id, { enabled: request.body.enabled, favouriteLimit: request.body.favouriteLimit ?? null }),
    }),
  );

  app.get(
    '/api/deliveries/:id/proofing/selections',
    {
      config: photographer,
      schema: {
        operationId: 'listProofingSelections',
        tags,
        summary: 'The delivery’s proofing settings and every client’s named selection: hearts, comments, a Lightroom / Capture One filter string and CSV.',
        params: deliveryParams,
        response: { 200: Type.Object({ proofing: settingsSchema, lists: Type.Array(selectionSchema) }, closed) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return listProofingSelections(deps, requireStudioActor(request), request.params.id);
    },
  );

  app.post(
    '/api/deliveries/:id/proofing/selections/:listId/reopen',
    {
      config: photographer,
      preValidation: missingBodyAsEmpty,
      schema: {
        operationId: 'reopenProofingSelection',
        tags,
        summary: 'Open a submitted selection again so its client can change it (409 proofing_list_open when it is not submitted).',
        params: listParams,
        body: Type.Object({}, closed),
        response: { 200: Type.Object({ list: selectionSchema }, closed) },
      },
    },
    async (request) => ({ list: await reopenProofingSelection(deps, requireStudioActor(request), request.params.id, request.params.listId) }),
  );

  app.post(
    '/api/deliveries/:id/proofing/selections/:listId/album',
    {
      config: photographer,
      preValidation: missingBodyAsEmpty,
      schema: {
        operationId: 'createAlbumFromSelection',
        tags,
        summary: 'Make a vault album of the selection’s favourites (added to it; they stay in their other albums).',
        params: listParams,
        body: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, closed),
        response: { 201: Type.Object({ album: Type.Object({ id: Type.String(), name: Type.String(), fileCount: Type.Integer() }, closed) }, closed) },
      },
    },
    async (request, reply) =>
      reply.status(201).send({ album: await createAlbumFromSelection(deps, requireStudioActor(request), request.params.id, request.params.listId, request.body.name) }),
  );

  // ------------------------------------------------------------ the client's side

  app.get(
    '/api/d/:token/proofing',
    {
      config: client,
      schema: {
        operationId: 'getProofing',
        tags,
        summary: 'Whether the delivery offers proofing and its limit, and your own selection when this browser holds its token (x-proofing-list).',
        params: tokenParams,
        headers: listHeaders,
        response: { 200: Type.Object({ proofing: settingsSchema, list: Type.Union([clientListSchema, Type.Null()]) }, closed) },
      },
    },
    async (request, reply) => {
      const delivery = await session(request);
      reply.header('cache-control', 'private, no-store');
      return clientProofing(deps, delivery, listToken(request));
    },
  );

  app.post(
    '/api/d/:token/proofing/lists',
    {
      config: client,
      schema: {
        operationId: 'createProofingList',
        tags,
        summary: 'Start your named selection; the answer’s listToken (shown once) is what writes it: send it as x-proofing-list.',
        params: tokenParams,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: MAX_NAME_LENGTH * 2 }) }, closed),
        response: { 201: Type.Object({ list: clientListSchema, listToken: Type.String() }, closed) },
      },
    },
    async (request, reply) => {
      const delivery = await session(request);
      reply.header('cache-control', 'private, no-store');
      return reply.status(201).send(await createProofingList(deps, delivery, request.body.name));
    },
  );

  app.put(
    '/api/d/:token/proofing/favourites/:fileId',
    {
      config: client,
      schema: {
        operationId: 'setFavourite',
        tags,
        summary: 'Heart or un-heart one photo in your selection and set (or clear, with null or "") its comment; within the limit, while not submitted.',
        params: Type.Object({ token: tokenParams.properties.token, fileId: uuidField }, closed),
        headers: listHeaders,
        body: Type.Object({ favourite: Type.Boolean(), comment: Type.Optional(Type.Union([Type.String({ maxLength: MAX_COMMENT_LENGTH * 2 }), Type.Null()])) }, closed),
        response: { 200: Type.Object({ list: clientListSchema }, closed) },
      },
    },
    async (request) => {
      const delivery = await session(request);
      return { list: await setFavourite(deps, delivery, listToken(request), request.params.fileId, request.body) };
    },
  );

  app.post(
    '/api/d/:token/proofing/submit',
    {
      config: client,
      preValidation: missingBodyAsEmpty,
      schema: {
        operationId: 'submitProofingSelection',
        tags,
        summary: 'Submit your selection: the photographer is emailed, and it stays as it is until they reopen it.',
        params: tokenParams,
        headers: listHeaders,
        body: Type.Object({}, closed),
        response: { 200: Type.Object({ list: clientListSchema }, closed) },
      },
    },
    async (request) => {
      const delivery = await session(request);
      return { list: await submitProofingSelection(deps, delivery, listToken(request)) };
    },
  );
}
