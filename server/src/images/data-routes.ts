import { Type } from '../http/json-schema.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../http/app-type.ts';
import { rateLimitNetwork } from '../http/request-origin.ts';
import { closed } from '../http/schemas.ts';
import { sendHeadersOnly } from '../http/send-file.ts';
import type { ImagesDeps } from './deps.ts';
import { type ImageRequest, type ImageResponse, serveImgproxyImage, serveOptStuffImage } from './serve.ts';

/**
 * The data plane's two URL formats (docs/imaging.md): public routes whose authorization is the
 * URL's signature. The raw path is handed to the service still percent-encoded, because the
 * signature covers it as sent. Every error answer is `no-store`: a refusal is never cached.
 */

const tags = ['images'];
const config = { access: 'public' } as const;
const OPTSTUFF_PREFIX = '/api/v1/';
const IMGPROXY_PREFIX = '/imgproxy/';

const wildcardParams = Type.Object({ '*': Type.String({ maxLength: 8192 }) }, closed);
const optStuffQuery = Type.Object(
  {
    key: Type.Optional(Type.String({ maxLength: 64, description: 'The key’s public id, pk_…' })),
    sig: Type.Optional(Type.String({ maxLength: 64, description: 'OptStuff’s signature: 32 base64url characters' })),
    exp: Type.Optional(Type.String({ maxLength: 20, description: 'Unix seconds; signed' })),
  },
  closed,
);

function imageRequest(request: FastifyRequest, prefix: string, query: ImageRequest['query']): ImageRequest {
  const url = request.raw.url ?? '';
  const pathOnly = url.split('?', 1)[0]!;
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    rawPath: pathOnly.startsWith(prefix) ? pathOnly.slice(prefix.length) : '',
    query,
    referer: header('referer'),
    accept: header('accept'),
    ifNoneMatch: header('if-none-match'),
    ip: rateLimitNetwork(request.ip),
  };
}

function send(reply: FastifyReply, answer: ImageResponse): FastifyReply {
  reply.status(answer.status).headers(answer.headers);
  if (answer.body === null) return reply.send();
  // A HEAD of a streamed original releases the vault's reader unread instead of draining it.
  if (reply.request.method === 'HEAD' && !Buffer.isBuffer(answer.body)) return sendHeadersOnly(reply, answer.body);
  return reply.send(answer.body);
}

export function imageDataRoutes(app: App, deps: ImagesDeps): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode >= 400) reply.header('cache-control', 'no-store');
    return payload;
  });

  app.get(
    `${OPTSTUFF_PREFIX}*`,
    {
      config,
      schema: {
        operationId: 'transformImage',
        tags,
        summary: 'A signed image URL in OptStuff’s format: /api/v1/{projectSlug}/{operations}/{source}?key=pk_…&sig=…[&exp=…].',
        params: wildcardParams,
        querystring: optStuffQuery,
      },
    },
    async (request, reply) => send(reply, await serveOptStuffImage(deps, imageRequest(request, OPTSTUFF_PREFIX, request.query))),
  );

  app.get(
    `${IMGPROXY_PREFIX}*`,
    {
      config,
      schema: {
        operationId: 'transformImgproxyImage',
        tags,
        summary: 'A signed image URL in imgproxy’s format: /imgproxy/{projectSlug}/{signature}/{options}/{source}, signed with the project’s key and salt.',
        params: wildcardParams,
        querystring: Type.Object({}, closed),
      },
    },
    async (request, reply) => send(reply, await serveImgproxyImage(deps, imageRequest(request, IMGPROXY_PREFIX, {}))),
  );
}
