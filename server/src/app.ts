import crypto from 'node:crypto';
import cookie from '@fastify/cookie';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { App } from './http/app-type.ts';
import { registerCsrfProtection } from './http/csrf.ts';
import { registerErrorHandling } from './http/errors.ts';
import { createLazySchemaCompilers } from './http/lazy-schemas.ts';
import { registerMetrics } from './http/metrics.ts';
import { registerOpenApiDocument } from './http/openapi.ts';
import { frameworkErrorOptions } from './http/framework-errors.ts';
import { enforceRouteRules } from './http/route-rules.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { registerWebApp } from './http/web-app.ts';
import type { Runtime } from './runtime.ts';
import { createAuthDeps } from './auth/deps.ts';
import { resolveSession, sessionCookieName } from './auth/sessions.ts';
import { type AppServices, type Capability, createStorageUsage, keyProtectedData } from './capability.ts';
import { capabilities as defaultCapabilities } from './capabilities.ts';
import { registerAccessControl } from './http/access.ts';
import { assertKeyVersionsConfigured } from './keys/rotation.ts';
import { applyKeyTombstones } from './studios/key-tombstones.ts';
import { labCookieName, resolveLabSession } from './labs/sessions.ts';
import { createVault } from './vault/service.ts';

/**
 * Builds the HTTP application: shared plugins first (rules, errors, headers, CSRF, cookies,
 * OpenAPI), then each capability's routes, then the web app. Listening is the caller's job,
 * so tests and `main.ts` build exactly the same app. Refuses when stored data needs a master
 * key version this server lacks (keys/rotation.ts). `schemaCompilers`: given by a test that compiles every
 * route's schemas (http/lazy-schemas.ts).
 */
export async function buildApp(runtime: Runtime, capabilities: readonly Capability[] = defaultCapabilities, schemaCompilers = createLazySchemaCompilers()): Promise<App> {
  const { config } = runtime;
  const keyProtected = keyProtectedData(capabilities);
  // A database restored from before a studio was deleted must not bring its data key back.
  const reErased = await applyKeyTombstones({ db: runtime.database.db, blobs: runtime.blobs });
  if (reErased > 0) runtime.logger.warn({ studioKeys: reErased }, 'destroyed studio keys found in the database were deleted again (a restored backup?)');
  await assertKeyVersionsConfigured({ db: runtime.database.db, keys: runtime.keys, ...keyProtected });
  const app = Fastify({
    loggerInstance: runtime.logger as FastifyBaseLogger,
    // Our own ids only: an incoming X-Request-Id could be used to forge log correlation.
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    // A hop count becomes Fastify's function form: trust the nearest N proxies.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? ((hops: number) => (_address: string, hop: number) => hop < hops)(config.trustProxy)
        : config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    // Requests already on a connection when the listener closes are served (graceful shutdown,
    // main.ts): the drain period has told the balancer to go elsewhere; refusing them would fail them.
    return503OnClosing: false,
    ...frameworkErrorOptions({ secureTransport: config.secureTransport, logger: runtime.logger }),
    ajv: {
      // Reject unknown fields instead of silently dropping them, and never coerce bodies.
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false },
    },
    // Each route's validators and serializers are compiled on its first request (http/lazy-schemas.ts).
    schemaController: { compilersFactory: schemaCompilers.compilersFactory },
  }).withTypeProvider<TypeBoxTypeProvider>();

  enforceRouteRules(app);
  registerErrorHandling(app);
  await registerMetrics(app, config.metrics, runtime.database.db);
  // Only JSON bodies (and, later, explicit upload types): text/plain is how cross-site
  // "simple" requests arrive, so it has no parser.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    // Draining: the client (or proxy) opens its next connection elsewhere.
    if (runtime.lifecycle.draining) reply.header('connection', 'close');
    return payload;
  });

  await registerSecurityHeaders(app, { secureTransport: config.secureTransport });
  registerCsrfProtection(app, { publicUrl: config.publicUrl });
  await app.register(cookie);
  // Built once and handed to every capability: what one capability offers the others.
  const services: AppServices = { runtime, keyProtected, storageUsage: createStorageUsage(), auth: createAuthDeps(runtime), vault: createVault(runtime) };
  app.addHook('onClose', () => services.auth.limits.close());
  const labSessions = { db: runtime.database.db, now: Date.now };
  registerAccessControl(app, {
    user: (request) => resolveSession(services.auth, request.cookies[sessionCookieName(services.auth)]),
    lab: (request) => resolveLabSession(labSessions, request.cookies[labCookieName(config)]),
  });
  // Built on its first request (http/openapi.ts), from the routes registered from here on.
  registerOpenApiDocument(app, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Shutterlock API',
        version: '0.1.0',
        description: 'Encrypted photo vault, client deliveries, lab portal, portfolios and signed image URLs.',
      },
      servers: [{ url: config.publicUrl }],
    },
    // A HEAD route of its own (config.swagger.exposeHeadRoute, e.g. tus's getResumableUploadOffset) keeps
    // its operationId: the plugin's "-head" suffix is meant for the HEADs Fastify makes from GETs, which stay hidden.
    transformObject: (document) => {
      const openapiObject = (document as { openapiObject: { paths?: Record<string, unknown> } }).openapiObject;
      for (const item of Object.values(openapiObject.paths ?? {})) {
        const head = (item as { head?: { operationId?: string } } | undefined)?.head;
        if (head?.operationId?.endsWith('-head')) head.operationId = head.operationId.slice(0, -'-head'.length);
      }
      return openapiObject as never;
    },
  });

  for (const capability of capabilities) {
    // Each capability is an encapsulated plugin: its hooks and decorators stay its own.
    await app.register(async (scope) => capability.routes(scope, services));
  }

  await registerWebApp(app, config.webDistDir);
  return app;
}
