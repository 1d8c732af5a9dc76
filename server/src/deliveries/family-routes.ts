import { Type } from '../http/json-schema.ts';
import { closed, nullable } from '../http/schemas.ts';
import { requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { setCookie } from '../http/cookies.ts';
import { missingBodyAsEmpty } from '../http/optional-body.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { clientBranding, logoAnswer, studioLogo } from '../studios/branding.ts';
import { clientBrandingSchema } from '../studios/branding-schemas.ts';
import { getDeliveryAccess } from './access.ts';
import { findLiveDelivery, resumeDelivery } from './client-access.ts';
import { clientDeliveryView } from './client-files.ts';
import type { DeliveriesDeps } from './deps.ts';
import { deviceCookieName } from './remembered-device.ts';
import { clientDeliverySchema, deliveryIdParams, tokenParams } from './schemas.ts';

/**
 * Access families can live with (docs/deliveries.md): the photographer sees a delivery's link
 * and code again; a remembered device comes back without the code; the delivery page shows the
 * studio's branding before the code is entered (to whoever holds the link, and only for a live
 * delivery).
 */

export function deliveryFamilyRoutes(app: App, deps: DeliveriesDeps): void {
  app.get(
    '/api/deliveries/:id/access',
    {
      config: { access: 'signed-in', permission: 'deliveries' },
      schema: {
        operationId: 'getDeliveryAccess',
        tags: ['deliveries'],
        summary: 'The delivery’s link and code again, to show or copy (kept sealed; the code’s hash stays the check). Null for a delivery made before they were kept.',
        params: deliveryIdParams,
        response: { 200: Type.Object({ access: Type.Object({ url: nullable(Type.String()), code: nullable(Type.String()) }, closed) }, closed) },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return { access: await getDeliveryAccess(deps, requireStudioActor(request), request.params.id) };
    },
  );

  app.post(
    '/api/d/:token/resume',
    {
      config: { access: 'public' },
      preValidation: missingBodyAsEmpty,
      schema: {
        operationId: 'resumeDelivery',
        tags: ['delivery-client'],
        summary: 'A remembered device (openDelivery with `remember`) starts a new session without the code; 401 delivery_code_required otherwise.',
        params: tokenParams,
        body: Type.Object({}, closed),
        response: { 200: Type.Object({ delivery: clientDeliverySchema }, closed) },
      },
    },
    async (request, reply) => {
      const result = await resumeDelivery(deps, { token: request.params.token, deviceValue: request.cookies[deviceCookieName(deps)] }, requestOrigin(request));
      if ('refused' in result) {
        setCookie(reply, result.clearCookie);
        throw result.refused;
      }
      setCookie(reply, result.sessionCookie);
      return { delivery: await clientDeliveryView(deps, result.delivery) };
    },
  );

  app.get(
    '/api/d/:token/branding',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getDeliveryBranding',
        tags: ['delivery-client'],
        summary: 'The studio’s name, logo and colours for a live delivery’s page, before the code is entered.',
        params: tokenParams,
        response: { 200: Type.Object({ branding: clientBrandingSchema }, closed) },
      },
    },
    async (request, reply) => {
      const delivery = await findLiveDelivery(deps, request.params.token);
      reply.header('cache-control', 'private, no-store');
      return { branding: await clientBranding(deps, delivery.studio_id) };
    },
  );

  app.get(
    '/api/d/:token/logo',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getDeliveryLogo',
        tags: ['delivery-client'],
        summary: 'The studio’s logo on a live delivery’s page (a PNG the server re-encoded).',
        params: tokenParams,
        querystring: Type.Object({ v: Type.Optional(Type.String({ maxLength: 64, pattern: '^[0-9a-f]+$' })) }, closed),
      },
    },
    async (request, reply) => {
      const delivery = await findLiveDelivery(deps, request.params.token);
      const answer = logoAnswer(await studioLogo(deps, delivery.studio_id), request.headers['if-none-match']);
      return reply.status(answer.status).headers(answer.headers).send(answer.body);
    },
  );
}
