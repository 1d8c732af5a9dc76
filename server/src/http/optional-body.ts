import type { FastifyRequest } from 'fastify';

/**
 * A `preValidation` hook for POST routes whose body is optional: a request without a body is
 * validated as `{}`, so the route's closed schema still refuses unknown fields when one is sent.
 * (A top-level `Type.Optional` body does not make the body optional in Fastify.)
 */
export async function missingBodyAsEmpty(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}
