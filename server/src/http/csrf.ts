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

/**
 * The page asking is this server's own, opened at another address than PUBLIC_URL: its Origin
 * names the host the request was sent to. Over plain http (not localhost) browsers send no Fetch
 * Metadata, so only the Origin check applies, and it fails at every other address — the home
 * network case: the answer then says which variable to set instead of only refusing.
 */
function openedAtAnotherAddress(request: FastifyRequest): string | null {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || typeof request.headers.host !== 'string') return null;
  try {
    const url = new URL(origin);
    return url.host === request.headers.host && (url.protocol === 'http:' || url.protocol === 'https:') ? url.origin : null;
  } catch {
    return null;
  }
}

export function registerCsrfProtection(app: App, options: { publicUrl: string }): void {
  const publicOrigin = new URL(options.publicUrl).origin;
  const allowedOrigins = new Set([publicOrigin]);
  app.addHook('onRequest', async (request) => {
    if (safeMethods.has(request.method)) return;
    if (!request.headers.cookie) return;
    if (!isSameOriginRequest(request, allowedOrigins)) {
      const openedAt = openedAtAnotherAddress(request);
      if (openedAt !== null) {
        throw new AppError(
          'origin_not_public_url',
          `Shutterlock is open at ${openedAt}, but the server's PUBLIC_URL is ${publicOrigin}, so the browser's changes are refused. Open ${publicOrigin} instead, or set PUBLIC_URL=${openedAt} in the server's environment and restart it.`,
          403,
        );
      }
      throw new AppError('csrf_rejected', 'This request must come from the Shutterlock site itself.', 403);
    }
  });
}
