import type { ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';
import type { App } from './app-type.ts';

/**
 * Security headers on every response, errors and static files included. The CSP allows no
 * inline script and no inline style: the web app ships only bundled files from our origin.
 */
export const contentSecurityPolicy = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

const permissionsPolicy = 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()';

function helmetOptions(secureTransport: boolean): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...Object.fromEntries(Object.entries(contentSecurityPolicy).map(([name, values]) => [name, [...values]])),
        ...(secureTransport ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // HSTS only makes sense, and is only honoured, over HTTPS.
    strictTransportSecurity: secureTransport ? { maxAge: 63_072_000, includeSubDomains: true, preload: false } : false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
  };
}

/**
 * The headers as a fixed list: what every answer carries, and what answers Fastify makes outside
 * its hooks send (a malformed URL, headers too large: http/framework-errors.ts). Helmet writes
 * them onto a stand-in response, once.
 */
export function securityHeaderList(options: { secureTransport: boolean }): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  const collector = {
    setHeader(name: string, value: string) {
      headers.push([name.toLowerCase(), String(value)]);
    },
    removeHeader() {},
  } as unknown as ServerResponse;
  helmet(helmetOptions(options.secureTransport))({} as never, collector, () => {});
  headers.push(['permissions-policy', permissionsPolicy]);
  return headers;
}

/**
 * Helmet's headers, computed once at start, are set on every response before routing (where a
 * route may replace one, as the image service does with its own CSP and CORP). @fastify/helmet
 * built helmet's middleware again for every request (its directives parsed, its closures made),
 * some 4 % of a cached image answer's time (docs/performance.md).
 */
export function registerSecurityHeaders(app: App, options: { secureTransport: boolean }): void {
  const headers = securityHeaderList(options);
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    // Signed-in answers hold secrets (a TOTP seed, a delivery's code, EXIF with GPS): no cache
    // keeps any answer unless its route says it is public and cacheable.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}
