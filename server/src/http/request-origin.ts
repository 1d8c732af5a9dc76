import type { FastifyRequest } from 'fastify';

/** Where a request came from, for audit events, session lists and per-IP limits (honours TRUST_PROXY). */
export function requestOrigin(request: FastifyRequest): { ip: string; userAgent: string } {
  return { ip: request.ip, userAgent: (request.headers['user-agent'] ?? '').slice(0, 400) };
}
