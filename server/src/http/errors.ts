import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { App } from './app-type.ts';

/**
 * The one place that turns failures into HTTP answers. Every error leaves as
 * `{"error":{"code","message"}}` with a stable code; clients never see stack traces, SQL,
 * paths or library messages. Unexpected errors are logged in full and answered as 500
 * `internal_error` with the request id, so operators can find the log line.
 */

export interface ErrorBody {
  error: { code: string; message: string; requestId?: string };
}

/** Fastify's own errors that are the client's fault, with our stable codes. */
const fastifyClientErrors: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'malformed_json', message: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'malformed_json', message: 'The request body is empty but declared as JSON.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'body_too_large', message: 'The request body is too large.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'This content type is not accepted here.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid_content_length', message: 'Content-Length does not match the body.' },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: 'invalid_content_type', message: 'The Content-Type header is invalid.' },
};

export function errorBody(code: string, message: string, requestId?: string): ErrorBody {
  return { error: requestId ? { code, message, requestId } : { code, message } };
}

function internalError(requestId: string): ErrorBody {
  return errorBody('internal_error', 'Something went wrong on our side. The request id identifies it in the logs.', requestId);
}

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return 'The request is invalid.';
  const where = error.validationContext ?? 'request';
  const field = first.instancePath ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
  if (first.keyword === 'additionalProperties') {
    const extra = (first.params as { additionalProperty?: string }).additionalProperty;
    return `${field} has an unknown field${extra ? ` "${extra.slice(0, 64)}"` : ''}.`;
  }
  return `${field} ${first.message ?? 'is invalid'}.`;
}

export function registerErrorHandling(app: App): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers);
      if (error.statusCode < 500) return reply.status(error.statusCode).send(errorBody(error.code, error.message));
      request.log.error({ err: error }, 'request failed');
      // "Unavailable, try again" is written for the client (with Retry-After). Any other
      // server fault's message names internals (a key version, which check failed): the log
      // keeps it, the client gets only the request id that finds it there.
      if (error.statusCode === 503) return reply.status(503).send(errorBody(error.code, error.message, request.id));
      return reply.status(error.statusCode).send(internalError(request.id));
    }
    if (error.validation) {
      return reply.status(400).send(errorBody('validation_failed', validationMessage(error)));
    }
    const known = error.code ? fastifyClientErrors[error.code] : undefined;
    if (known) return reply.status(known.status).send(errorBody(known.code, known.message));
    if (error.statusCode === 429) {
      return reply.status(429).send(errorBody('rate_limited', 'Too many requests. Try again later.'));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      request.log.warn({ err: error }, 'unmapped client error');
      return reply.status(error.statusCode).send(errorBody('bad_request', 'The request could not be processed.'));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send(internalError(request.id));
  });
}
