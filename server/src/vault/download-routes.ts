import { Type } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { closed } from '../auth/schemas.ts';
import type { App } from '../http/app-type.ts';
import { contentDisposition } from './content-disposition.ts';
import type { VaultDeps } from './deps.ts';
import { type Download, openDownload } from './downloads.ts';
import { uuidField, variantField } from './schemas.ts';

/** Signed downloads: the URL's signature is the authorization (signed-urls.ts), so the route is public. */

export function downloadRoutes(app: App, deps: VaultDeps): void {
  app.get(
    '/api/files/:fileId/:variant',
    {
      config: { access: 'public' },
      // A HEAD would decrypt and verify just to send headers.
      exposeHeadRoute: false,
      schema: {
        operationId: 'downloadFile',
        tags: ['vault'],
        summary: 'Download through a signed link (from createFileDownloadUrl): decrypted, verified, with Range support.',
        params: Type.Object({ fileId: uuidField, variant: variantField }, closed),
        // Optional, so that a link missing a part is refused like any other bad link (403), not as a malformed request.
        querystring: Type.Object(
          { exp: Type.Optional(Type.String({ maxLength: 20 })), kv: Type.Optional(Type.String({ maxLength: 40 })), sig: Type.Optional(Type.String({ maxLength: 100 })) },
          closed,
        ),
      },
    },
    async (request, reply) => {
      const download = await openDownload(deps, {
        fileId: request.params.fileId,
        variant: request.params.variant,
        signature: request.query,
        range: request.headers.range,
        ifRange: typeof request.headers['if-range'] === 'string' ? request.headers['if-range'] : undefined,
      });
      return sendDownload(reply, download);
    },
  );
}

/** A verified download as the HTTP answer: 200 or 206, with headers that keep a browser from running anything in it. */
export function sendDownload(reply: FastifyReply, download: Download): FastifyReply {
  reply.headers({
    'content-type': download.mediaType,
    'content-length': String(download.length),
    'content-disposition': contentDisposition(download.disposition, download.name),
    etag: download.etag,
    'accept-ranges': 'bytes',
    'cache-control': 'private, no-store',
    'x-content-type-options': 'nosniff',
    // Whatever a file holds, a browser that opens it runs nothing from it.
    'content-security-policy': "default-src 'none'; sandbox",
  });
  if (download.range) {
    const { start, end, size } = download.range;
    reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
  }
  return reply.send(download.body);
}
