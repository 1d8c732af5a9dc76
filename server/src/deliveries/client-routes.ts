import { Type } from '../http/json-schema.ts';
import type { FastifyRequest } from 'fastify';
import { closed, signedUrlSchema, uuidField } from '../http/schemas.ts';
import type { App } from '../http/app-type.ts';
import { missingBodyAsEmpty } from '../http/optional-body.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { rangeHeaders, sendFile, sendHeadersOnly } from '../http/send-file.ts';
import { setCookie } from '../http/cookies.ts';
import { contentDisposition } from '../http/content-disposition.ts';
import { clientDeliveryView, createClientDownloadUrl, listClientFiles, listClientSets, openClientDownload, openClientZip } from './client-files.ts';
import { deliveryCookieName, openDelivery, requireDeliverySession } from './client-access.ts';
import type { DeliveriesDeps } from './deps.ts';
import { clientDeliverySchema, clientFileSchema, clientSetSchema, tokenParams } from './schemas.ts';

/**
 * The client's side of a delivery. These routes are public to the door (http/access.ts): the
 * link token names the delivery and the delivery session cookie is the authorization, checked
 * here on every request together with the delivery's state.
 */

const tags = ['delivery-client'];
const config = { access: 'public' } as const;
const clientDeliveryAnswer = Type.Object({ delivery: clientDeliverySchema }, closed);

/** A ZIP's name on the client's disk: the title as one path segment. */
function zipFileName(title: string): string {
  // Code points, not UTF-16 units: a cut must not split a surrogate pair.
  const name = Array.from(title.replace(/[/\\]/g, '-').replace(/^[.\s]+/, '')).slice(0, 200).join('').trim();
  return `${name || 'delivery'}.zip`;
}

export function deliveryClientRoutes(app: App, deps: DeliveriesDeps): void {
  const sessionTokenOf = (request: FastifyRequest) => request.cookies[deliveryCookieName(deps)];

  app.post(
    '/api/d/:token/open',
    {
      config,
      schema: {
        operationId: 'openDelivery',
        tags,
        summary:
          'Check the code of a delivery link; the right one starts a session for this delivery alone (a cookie), and with `remember` a cookie that lets this browser back in without the code (resumeDelivery) for DELIVERY_REMEMBER_DAYS.',
        params: tokenParams,
        body: Type.Object(
          { code: Type.String({ minLength: 1, maxLength: 32 }), remember: Type.Optional(Type.Boolean({ description: 'Remember this device (default false)' })) },
          closed,
        ),
        response: { 200: clientDeliveryAnswer },
      },
    },
    async (request, reply) => {
      const { delivery, sessionCookie, deviceCookie } = await openDelivery(
        deps,
        { token: request.params.token, code: request.body.code, remember: request.body.remember ?? false },
        requestOrigin(request),
      );
      setCookie(reply, sessionCookie);
      if (deviceCookie) setCookie(reply, deviceCookie);
      return { delivery: await clientDeliveryView(deps, delivery) };
    },
  );

  app.get(
    '/api/d/:token/files',
    {
      config,
      schema: {
        operationId: 'listDeliveryFiles',
        tags,
        summary: 'The delivery, its files in order and its sets, for a client who entered the code (also once its download limit is used up: view only).',
        params: tokenParams,
        response: { 200: Type.Object({ delivery: clientDeliverySchema, files: Type.Array(clientFileSchema), sets: Type.Array(clientSetSchema) }, closed) },
      },
    },
    async (request, reply) => {
      const row = await requireDeliverySession(deps, request.params.token, sessionTokenOf(request));
      reply.header('cache-control', 'private, no-store');
      const files = await listClientFiles(deps, row);
      return { delivery: await clientDeliveryView(deps, row), files, sets: await listClientSets(deps, row, files) };
    },
  );

  app.post(
    '/api/d/:token/files/:fileId/download-url',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: {
        operationId: 'createDeliveryDownloadUrl',
        tags,
        summary:
          'A short-lived signed link to download one file of the delivery: `size` original, or web (JPEG, at most 2048 px, watermarked when the delivery is); without a size, the original, or the preview when originals are not offered. Counted against the download limit.',
        params: Type.Object({ token: tokenParams.properties.token, fileId: uuidField }, closed),
        body: Type.Object({ size: Type.Optional(Type.Union([Type.Literal('original'), Type.Literal('web')])) }, closed),
        response: { 200: signedUrlSchema },
      },
    },
    async (request) => {
      const row = await requireDeliverySession(deps, request.params.token, sessionTokenOf(request));
      return createClientDownloadUrl(deps, row, request.params.fileId, requestOrigin(request), request.body.size);
    },
  );

  app.get(
    '/api/d/:token/zip',
    {
      config,
      schema: {
        operationId: 'downloadDeliveryZip',
        tags,
        summary: 'Every file of the delivery and a SHA-256 manifest (SHA256SUMS.txt), streamed as one ZIP (ZIP64 when large).',
        params: tokenParams,
      },
    },
    async (request, reply) => {
      const row = await requireDeliverySession(deps, request.params.token, sessionTokenOf(request));
      // A HEAD sees the same answer without the archive, and is not counted as a download.
      const headOnly = request.method === 'HEAD';
      const zip = await openClientZip(deps, row, requestOrigin(request), { count: !headOnly });
      zip.body.once('error', (error) => deps.logger.error({ err: error, deliveryId: row.id }, 'delivery ZIP stream failed'));
      reply.headers({
        'content-type': 'application/zip',
        // Known before the first byte: the archive's layout is planned from the entries' sizes.
        'content-length': String(zip.length),
        'content-disposition': contentDisposition('attachment', zipFileName(zip.title)),
        'cache-control': 'private, no-store',
        'x-content-type-options': 'nosniff',
      });
      return headOnly ? sendHeadersOnly(reply, zip.body) : reply.send(zip.body);
    },
  );

  app.get(
    '/api/delivery-files/:deliveryId/:fileId/:variant',
    {
      config,
      schema: {
        operationId: 'downloadDeliveryFile',
        tags,
        summary: 'A file of a delivery through a signed link (from listDeliveryFiles or createDeliveryDownloadUrl); the delivery’s state is checked on every request. Range supported.',
        params: Type.Object(
          { deliveryId: uuidField, fileId: uuidField, variant: Type.Union([Type.Literal('original'), Type.Literal('preview'), Type.Literal('thumbnail'), Type.Literal('web')]) },
          closed,
        ),
        querystring: Type.Object(
          {
            as: Type.Optional(Type.Union([Type.Literal('view'), Type.Literal('download')])),
            exp: Type.Optional(Type.String({ maxLength: 20 })),
            kv: Type.Optional(Type.String({ maxLength: 40 })),
            sig: Type.Optional(Type.String({ maxLength: 100 })),
          },
          closed,
        ),
      },
    },
    async (request, reply) => {
      const { as = 'view', ...signature } = request.query;
      const download = await openClientDownload(deps, {
        ...request.params,
        use: as,
        signature,
        ...rangeHeaders(request),
      });
      return sendFile(reply, download);
    },
  );
}

