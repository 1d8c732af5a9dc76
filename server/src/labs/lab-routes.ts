import { Type } from '../http/json-schema.ts';
import type { FastifyRequest } from 'fastify';
import { requireLab } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { contentDisposition } from '../http/content-disposition.ts';
import { clearCookie, setCookie } from '../http/cookies.ts';
import { missingBodyAsEmpty } from '../http/optional-body.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { closed, signedUrlSchema } from '../http/schemas.ts';
import { rangeHeaders, sendFile } from '../http/send-file.ts';
import type { LabsDeps } from './deps.ts';
import { createLabDownloadUrl, getLabOrder, listLabOrders, openLabDownload, openLabZip, updateLabOrderStatus } from './lab-orders.ts';
import { idParams, labOrderSchema, labOrderSummarySchema, labSignInAnswer, labSignInBody, labStatusBody, orderFileParams } from './schemas.ts';
import { labDeviceCookieName } from './sessions.ts';
import { signInLab, signOutLab } from './sign-in.ts';

/**
 * The lab's side of the portal (the web page is /lab). Sign-in is public; everything else is
 * behind the `lab` access level: a lab session, resolved by the access hook, which no user
 * session stands in for (http/access.ts). The lab's orders are checked here on every request.
 */

const tags = ['lab-portal'];
const config = { access: 'lab' } as const;
const emptyBody = Type.Object({}, closed);

export function labPortalRoutes(app: App, deps: LabsDeps): void {
  const deviceTokenOf = (request: FastifyRequest) => request.cookies[labDeviceCookieName(deps.site)];

  app.post(
    '/api/lab/sign-in',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'labSignIn',
        tags,
        summary:
          'Sign in with the lab ID and PIN. When the lab must confirm new devices, the first answer is device_code_sent (a code goes to its contacts) and the second call adds deviceCode.',
        body: labSignInBody,
        response: { 200: labSignInAnswer, 202: labSignInAnswer },
      },
    },
    async (request, reply) => {
      const result = await signInLab(deps, request.body, deviceTokenOf(request), requestOrigin(request));
      if (result.outcome === 'device_code_sent') return reply.status(202).send({ status: 'device_code_sent' as const });
      for (const cookie of result.cookies) setCookie(reply, cookie);
      return { status: 'signed_in' as const, lab: result.lab };
    },
  );

  app.post(
    '/api/lab/sign-out',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: { operationId: 'labSignOut', tags, summary: 'End this lab session.', body: emptyBody, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const cookie = await signOutLab(deps, requireLab(request), requestOrigin(request));
      clearCookie(reply, cookie.name, cookie.attributes);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/lab/orders',
    {
      config,
      schema: {
        operationId: 'listLabOrders',
        tags,
        summary: 'The orders sent to this lab, newest first, and the lab itself.',
        response: { 200: Type.Object({ lab: Type.Object({ labId: Type.String(), name: Type.String() }, closed), orders: Type.Array(labOrderSummarySchema) }, closed) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return listLabOrders(deps, requireLab(request));
    },
  );

  app.get(
    '/api/lab/orders/:id',
    {
      config,
      schema: { operationId: 'getLabOrder', tags, summary: 'One order sent to this lab: shipping, lines, and its files while the lab may fetch them.', params: idParams, response: { 200: Type.Object({ order: labOrderSchema }, closed) } },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-store');
      return { order: await getLabOrder(deps, requireLab(request), request.params.id, requestOrigin(request)) };
    },
  );

  app.post(
    '/api/lab/orders/:id/files/:fileId/download-url',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: {
        operationId: 'createLabOrderDownloadUrl',
        tags,
        summary: 'A short-lived signed link to one original of the order, usable only with this lab’s session.',
        params: orderFileParams,
        body: emptyBody,
        response: { 200: signedUrlSchema },
      },
    },
    async (request) => createLabDownloadUrl(deps, requireLab(request), request.params.id, request.params.fileId, requestOrigin(request)),
  );

  app.get(
    '/api/lab/files/:id/:fileId',
    {
      config,
      exposeHeadRoute: false,
      schema: {
        operationId: 'downloadLabOrderFile',
        tags,
        summary: 'An original through a signed link from createLabOrderDownloadUrl; the order’s state is checked on every request. Range supported.',
        params: orderFileParams,
        querystring: Type.Object(
          { exp: Type.Optional(Type.String({ maxLength: 20 })), kv: Type.Optional(Type.String({ maxLength: 40 })), sig: Type.Optional(Type.String({ maxLength: 100 })) },
          closed,
        ),
      },
    },
    async (request, reply) => {
      const file = await openLabDownload(deps, requireLab(request), { orderId: request.params.id, fileId: request.params.fileId, signature: request.query, ...rangeHeaders(request) });
      return sendFile(reply, file);
    },
  );

  app.get(
    '/api/lab/orders/:id/zip',
    {
      config,
      exposeHeadRoute: false,
      schema: { operationId: 'downloadLabOrderZip', tags, summary: 'Every original of the order and a SHA-256 manifest (SHA256SUMS.txt), streamed as one ZIP.', params: idParams },
    },
    async (request, reply) => {
      const zip = await openLabZip(deps, requireLab(request), request.params.id, requestOrigin(request));
      zip.body.once('error', (error) => deps.logger.error({ err: error, orderId: request.params.id }, 'lab order ZIP stream failed'));
      reply.headers({
        'content-type': 'application/zip',
        'content-length': String(zip.length),
        'content-disposition': contentDisposition('attachment', zip.name),
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      });
      return reply.send(zip.body);
    },
  );

  app.post(
    '/api/lab/orders/:id/status',
    {
      config,
      schema: {
        operationId: 'updateLabOrderStatus',
        tags,
        summary: 'Move the order on: accepted, in_production, shipped (carrier and trackingNumber), completed, or rejected (reason). An impossible step is 409 order_status_transition_invalid.',
        params: idParams,
        body: labStatusBody,
        response: { 200: Type.Object({ order: labOrderSummarySchema }, closed) },
      },
    },
    async (request) => ({ order: await updateLabOrderStatus(deps, requireLab(request), request.params.id, request.body, requestOrigin(request)) }),
  );
}
