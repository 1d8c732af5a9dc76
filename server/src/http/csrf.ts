import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { App } from './app-type.ts';

/**
 * CSRF defence: a strict origin check, no tokens. A state-changing request (anything but
 * GET, HEAD, OPTIONS) that carries a cookie is accepted only when the browser says it came
 * from our own origin: `Sec-Fetch-Site: same-origin`, or, for browsers that do not send
 * Fetch Metadata, an `Origin` equal to our public origin. A cookie-bearing request with
 * neither header is refused: fail closed. Requests without cookies (API keys, bearer
 * tokens, delivery codes in the body) cannot be forged cross-site through ambient
 * credentials and are not checked here. Session cookies are also `SameSite=Lax`.
 */

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSameOriginRequest(request: FastifyRequest, allowedOrigins: ReadonlySet<string>): boolean {
  const fetchSite = request.headers['sec-fetch-site'];
  if (typeof fetchSite === 'string') return fetchSite === 'same-origin';
  const origin = request.headers.origin;
  return typeof origin === 'string' && allowedOrigins.has(origin);
}

export function registerCsrfProtection(app: App, options: { publicUrl: string }): void {
  const allowedOrigins = new Set([new URL(options.publicUrl).origin]);
  app.addHook('onRequest', async (request) => {
    if (safeMethods.has(request.method)) return;
    if (!request.headers.cookie) return;
    if (!isSameOriginRequest(request, allowedOrigins)) {
      throw new AppError('csrf_rejected', 'This request must come from the Shutterlock site itself.', 403);
    }
  });
}
