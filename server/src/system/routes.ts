import { Type } from '../http/json-schema.ts';
import type { AppServices } from '../capability.ts';
import { checkReadiness } from './readiness.ts';
import type { App } from '../http/app-type.ts';

const healthResponse = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });
const readinessResponse = Type.Object(
  {
    status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
    checks: Type.Object({ database: Type.String(), storage: Type.String() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export async function systemRoutes(app: App, { runtime }: AppServices): Promise<void> {
  app.get(
    '/healthz',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getLiveness',
        tags: ['system'],
        summary: 'Liveness: the process is up and serving.',
        response: { 200: healthResponse },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getReadiness',
        tags: ['system'],
        summary: 'Readiness: the database and the blob storage answer.',
        response: { 200: readinessResponse, 503: readinessResponse },
      },
    },
    async (request, reply) => {
      const readiness = await checkReadiness(runtime, request.log);
      return reply.status(readiness.status === 'ready' ? 200 : 503).send(readiness);
    },
  );

  app.get(
    '/api/site',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getSite',
        tags: ['system'],
        summary:
          'The address the server expects to be opened at (PUBLIC_URL\'s origin): the web app compares it with its own, over plain http, to explain which variable to set before every save fails.',
        response: { 200: Type.Object({ publicUrl: Type.String() }, { additionalProperties: false }) },
      },
    },
    async () => ({ publicUrl: new URL(runtime.config.publicUrl).origin }),
  );

  app.get(
    '/api/openapi.json',
    {
      config: { access: 'public' },
      schema: {
        operationId: 'getOpenApiDocument',
        tags: ['system'],
        summary: 'This API, described as OpenAPI 3.',
      },
    },
    async () => app.openApiDocument(),
  );
}
