import { Type } from '../http/json-schema.ts';
import type { AppServices } from '../capability.ts';
import { requireStudioActor } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { closed } from '../http/schemas.ts';
import { type BrandingDeps, LOGO_MAX_BYTES, deleteStudioLogo, getStudioBranding, logoAnswer, studioLogo, updateStudioBranding, uploadStudioLogo } from './branding.ts';
import { brandingSchema, updateBrandingBody } from './branding-schemas.ts';

/** The photographer's branding: what the studio's clients see (docs/deliveries.md). Every route acts in the caller's studio. */

const tags = ['studio'];
// Seeing the branding is browsing the studio; changing it shapes what clients see, so it goes with deliveries (http/permissions.ts).
const readConfig = { access: 'signed-in', permission: 'library.view' } as const;
const writeConfig = { access: 'signed-in', permission: 'deliveries' } as const;
const brandingAnswer = Type.Object({ branding: brandingSchema }, closed);

export function brandingRoutes(app: App, { runtime }: AppServices): void {
  const deps: BrandingDeps = { db: runtime.database.db, keys: runtime.keys, imaging: runtime.imaging, now: Date.now };

  // The logo arrives as the raw body, buffered up to its own limit (this scope only).
  app.addContentTypeParser(['application/octet-stream', 'image/png', 'image/jpeg', 'image/webp'], { parseAs: 'buffer', bodyLimit: LOGO_MAX_BYTES }, (_request, body, done) =>
    done(null, body),
  );

  app.get(
    '/api/studio/branding',
    {
      config: readConfig,
      schema: { operationId: 'getStudioBranding', tags, summary: 'The studio’s branding: name, logo, accent colour, contact details, signature.', response: { 200: brandingAnswer } },
    },
    async (request) => ({ branding: await getStudioBranding(deps, requireStudioActor(request).studioId) }),
  );

  app.patch(
    '/api/studio/branding',
    {
      config: writeConfig,
      schema: {
        operationId: 'updateStudioBranding',
        tags,
        summary: 'Change what the studio’s clients see; null (or an empty string) clears a field.',
        body: updateBrandingBody,
        response: { 200: brandingAnswer },
      },
    },
    async (request) => ({ branding: await updateStudioBranding(deps, requireStudioActor(request), request.body) }),
  );

  app.put(
    '/api/studio/branding/logo',
    {
      config: writeConfig,
      bodyLimit: LOGO_MAX_BYTES,
      schema: {
        operationId: 'uploadStudioLogo',
        tags,
        summary: `Upload the studio’s logo as the request body (PNG, JPEG or WebP, found by content; at most ${LOGO_MAX_BYTES / 1024 / 1024} MiB). It is re-encoded as a PNG without metadata.`,
        response: { 200: brandingAnswer },
      },
    },
    async (request) => {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      return { branding: await uploadStudioLogo(deps, requireStudioActor(request), body) };
    },
  );

  app.delete(
    '/api/studio/branding/logo',
    {
      config: writeConfig,
      schema: { operationId: 'deleteStudioLogo', tags, summary: 'Remove the studio’s logo.', response: { 200: brandingAnswer } },
    },
    async (request) => ({ branding: await deleteStudioLogo(deps, requireStudioActor(request)) }),
  );

  app.get(
    '/api/studio/branding/logo',
    {
      config: readConfig,
      schema: {
        operationId: 'getStudioLogo',
        tags,
        summary: 'The studio’s logo as clients get it (PNG), for the photographer’s preview.',
        querystring: Type.Object({ v: Type.Optional(Type.String({ maxLength: 64, pattern: '^[0-9a-f]+$' })) }, closed),
      },
    },
    async (request, reply) => {
      const answer = logoAnswer(await studioLogo(deps, requireStudioActor(request).studioId), request.headers['if-none-match']);
      return reply.status(answer.status).headers(answer.headers).send(answer.body);
    },
  );
}
