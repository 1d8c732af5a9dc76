import crypto from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Logger } from 'pino';
import { errorBody } from './errors.ts';
import { securityHeaderList } from './security-headers.ts';

/**
 * Answers Fastify gives before any route or hook runs — a URL it cannot decode (400), a path
 * parameter past `maxParamLength` (414), headers too large for Node's parser (431), a client
 * too slow to send its request (408), bytes that are not HTTP (400) — in the one error shape,
 * with the security headers and `no-store`, and logged. Their default bodies echo the raw
 * path, which can be a delivery link's token: these never do.
 */

const frameworkErrors: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_BAD_URL: { status: 400, code: 'bad_url', message: 'The request URL is malformed.' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'url_too_long', message: 'A part of the request URL is too long.' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'bad_request', message: 'The request could not be routed.' },
};

const clientErrors: Record<string, { status: number; reason: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', code: 'headers_too_large', message: 'The request headers are too large.' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', code: 'request_timeout', message: 'The request took too long to arrive.' },
};
const malformedRequest = { status: 400, reason: 'Bad Request', code: 'malformed_request', message: 'The request is not valid HTTP.' };

export function frameworkErrorOptions(options: {
  secureTransport: boolean;
  logger: Pick<Logger, 'warn'>;
}): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  const headers = [...securityHeaderList(options), ['cache-control', 'no-store']] as Array<[string, string]>;
  return {
    frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      const known = frameworkErrors[error.code] ?? { status: 400, code: 'bad_request', message: 'The request could not be processed.' };
      // Fastify's hooks do not run for these: the headers are set here, the log line written here.
      request.log.warn({ req: request, statusCode: known.status, errorCode: known.code }, 'request refused before routing');
      for (const [name, value] of headers) reply.header(name, value);
      return reply.status(known.status).header('x-request-id', request.id).send(errorBody(known.code, known.message));
    },
    clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
      // A reset connection has nobody left to answer.
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const known = (error.code && clientErrors[error.code]) || malformedRequest;
      const requestId = crypto.randomUUID();
      options.logger.warn({ reqId: requestId, statusCode: known.status, errorCode: known.code, remoteAddress: socket.remoteAddress }, 'request refused by the HTTP parser');
      if (socket.writable) {
        const body = JSON.stringify(errorBody(known.code, known.message));
        const lines = [
          `HTTP/1.1 ${known.status} ${known.reason}`,
          'content-type: application/json; charset=utf-8',
          `content-length: ${Buffer.byteLength(body)}`,
          'connection: close',
          `x-request-id: ${requestId}`,
          ...headers.map(([name, value]) => `${name}: ${value}`),
        ];
        socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
      }
      socket.destroy(error);
    },
  };
}
