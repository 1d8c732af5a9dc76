import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.ts';
import type { App } from './app-type.ts';

/**
 * Serves the built React app (`web/dist`) and falls back to its `index.html` for client-side
 * routes. API paths never fall back: an unknown `/api/…` route is a JSON 404.
 */

const apiPrefixes = ['/api/', '/img/', '/healthz', '/readyz'];

function wantsAppShell(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const pathname = request.url.split('?')[0] ?? '';
  if (apiPrefixes.some((prefix) => pathname.startsWith(prefix))) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/** The path is not echoed: it can be a delivery link's token. */
function routeNotFound(reply: FastifyReply): FastifyReply {
  return reply.status(404).send(errorBody('route_not_found', 'There is no such route.'));
}

export async function registerWebApp(app: App, distDir: string): Promise<void> {
  const built = fs.existsSync(path.join(distDir, 'index.html'));
  if (built) {
    await app.register(fastifyStatic, {
      root: distDir,
      wildcard: false,
      index: false,
      schemaHide: true,
      setHeaders(reply, filePath) {
        // Vite fingerprints everything under assets/, so it can be cached forever;
        // index.html must be revalidated so a deploy is picked up at once.
        const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
        reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    if (!wantsAppShell(request)) return routeNotFound(reply);
    if (!built) {
      return reply
        .status(503)
        .send(errorBody('web_app_not_built', 'The web app has not been built: run `npm run build --workspace web`.'));
    }
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
}
