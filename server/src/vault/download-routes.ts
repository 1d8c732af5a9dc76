import { Type } from '../http/json-schema.ts';
import { closed, uuidField } from '../http/schemas.ts';
import type { App } from '../http/app-type.ts';
import { rangeHeaders, sendFile } from '../http/send-file.ts';
import type { VaultDeps } from './deps.ts';
import { openDownload } from './downloads.ts';
import { variantField } from './schemas.ts';

/** Signed downloads: the URL's signature is the authorization (signed-urls.ts), so the route is public. */

export function downloadRoutes(app: App, deps: VaultDeps): void {
  app.get(
    '/api/files/:fileId/:variant',
    {
      config: { access: 'public' },
      // HEAD is answered too: the same checks and headers, no body (http/send-file.ts).
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
        ...rangeHeaders(request),
      });
      return sendFile(reply, download);
    },
  );
}
