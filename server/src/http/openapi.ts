import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import Fastify, { type RouteOptions } from 'fastify';
import type { App } from './app-type.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The OpenAPI document of the routes registered after registerOpenApiDocument(), built on the first call. */
    openApiDocument(): Promise<unknown>;
  }
}

/**
 * The API's OpenAPI document, built by @fastify/swagger on its first request rather than at
 * start: the plugin loads `yaml` (~12 MiB at rest) when it registers, for a document few
 * processes are ever asked for. Here the routes are only collected as they are added (the
 * plugin's own way, an `onRoute` hook on the root), and the first call hands them, in the same
 * order, to the plugin registered on a Fastify instance of its own that serves nothing. Each
 * route is added there under a placeholder path (constrained routes, such as a portfolio's on
 * its own host, would otherwise clash without their constraint strategies) and tells the
 * plugin its real path. The document is the one the plugin registered on the app itself
 * would build (system/openapi.test.ts compares it byte for byte).
 */
export function registerOpenApiDocument(app: App, options: FastifyDynamicSwaggerOptions): void {
  const routes: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  let document: Promise<unknown> | undefined;
  app.decorate('openApiDocument', () => (document ??= buildDocument(routes, options)));
}

async function buildDocument(routes: readonly RouteOptions[], options: FastifyDynamicSwaggerOptions): Promise<unknown> {
  const { default: swagger } = await import('@fastify/swagger');
  // Every HEAD route the app has, Fastify's own for its GETs included, is in `routes`.
  const builder = Fastify({ exposeHeadRoutes: false });
  // Nothing is served here, so no schema is compiled.
  builder.setValidatorCompiler(() => () => true);
  builder.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await builder.register(swagger, options);
  routes.forEach((route, index) => {
    builder.route({
      method: route.method,
      url: `/route-${index}`,
      ...(route.schema === undefined ? {} : { schema: route.schema }),
      config: { ...route.config, swaggerTransform: ({ schema }) => ({ schema, url: route.url }) },
      handler: () => undefined,
    });
  });
  await builder.ready();
  try {
    return builder.swagger();
  } finally {
    await builder.close();
  }
}
