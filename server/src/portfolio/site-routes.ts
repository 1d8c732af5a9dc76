import { createHash } from 'node:crypto';
import { Type } from '../http/json-schema.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import type { App } from '../http/app-type.ts';
import { closed, uuidField } from '../http/schemas.ts';
import type { RenditionFormat } from '../images/service.ts';
import type { PortfolioDeps } from './deps.ts';
import { photoIdField, slugField } from './schemas.ts';
import { type ImageOptions, type Paging, siteGetCollection, siteGetPortfolio, siteImage, siteListCollections, siteListPortfolios } from './site-api.ts';
import { authenticateSiteToken, originAllowed, originListedAnywhere } from './site-tokens.ts';

/**
 * The website data API, read-only: `Authorization: Bearer <64-character token>`; CORS only for
 * the origins the token lists (a browser from any other origin is refused, 403
 * `origin_not_allowed`); strong ETags (If-None-Match → 304); paging; per-token rate limits.
 * Image URLs in the answers are signed and need no token.
 */

const tags = ['site-v1'];
const config = { access: 'public' } as const;
const PREFIX = '/api/site/v1';

const imageQuery = {
  sizes: Type.Optional(Type.String({ pattern: '^[1-9]\\d{1,3}(,[1-9]\\d{1,3}){0,7}$', maxLength: 48, description: 'widths in pixels, comma-separated (16–4096, at most 8); default 640,1280' })),
  format: Type.Optional(Type.Union([Type.Literal('avif'), Type.Literal('webp'), Type.Literal('jpeg')])),
};
const pagingQuery = {
  page: Type.Optional(Type.String({ pattern: '^[1-9]\\d{0,4}$', maxLength: 5 })),
  perPage: Type.Optional(Type.String({ pattern: '^([1-9]|[1-9]\\d|100)$', maxLength: 3, description: '1–100, default 50' })),
};
const json = { 200: Type.Unknown({ description: 'JSON; see docs/portfolio.md' }) };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function imageOptions(query: { sizes?: string | undefined; format?: RenditionFormat | undefined }): ImageOptions {
  const sizes = (query.sizes ?? '640,1280').split(',').map(Number);
  if (sizes.some((size) => size < 16 || size > 4096)) throw new AppError('validation_failed', 'Sizes are 16 to 4096 pixels.', 400);
  return { sizes: [...new Set(sizes)], format: query.format ?? 'webp' };
}

function paging(query: { page?: string | undefined; perPage?: string | undefined }): Paging {
  return { page: Number(query.page ?? '1'), perPage: Number(query.perPage ?? '50') };
}

function corsHeaders(origin: string): Record<string, string> {
  return { 'access-control-allow-origin': origin, 'access-control-expose-headers': 'ETag, Retry-After', vary: 'Origin, Authorization' };
}

export function portfolioSiteRoutes(app: App, deps: PortfolioDeps): void {
  /** Authenticates, checks the origin against the token's list, answers JSON with an ETag (304 when it matches). */
  async function answer(request: FastifyRequest, reply: FastifyReply, read: (studioId: string) => Promise<unknown>): Promise<FastifyReply> {
    const origin = header(request, 'origin');
    const token = await authenticateSiteToken(deps, header(request, 'authorization'));
    if (!originAllowed(token, origin)) throw new AppError('origin_not_allowed', 'This token is not for websites at this origin.', 403);
    if (origin !== undefined) reply.headers(corsHeaders(origin));
    const body = JSON.stringify(await read(token.studio_id));
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    reply.header('etag', etag).header('cache-control', 'private, no-cache').header('vary', 'Origin, Authorization');
    const ifNoneMatch = header(request, 'if-none-match');
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag)) return reply.status(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  }

  app.options(
    `${PREFIX}/*`,
    { config, schema: { operationId: 'siteV1Preflight', tags, summary: 'CORS preflight: allowed for origins a token of some studio lists.', params: Type.Object({ '*': Type.String({ maxLength: 2048 }) }, closed) } },
    async (request, reply) => {
      const origin = header(request, 'origin');
      if (origin === undefined || !(await originListedAnywhere(deps, origin))) throw new AppError('origin_not_allowed', 'No website token lists this origin.', 403);
      return reply
        .status(204)
        .headers({
          ...corsHeaders(origin),
          'access-control-allow-methods': 'GET, HEAD',
          'access-control-allow-headers': 'Authorization, If-None-Match',
          'access-control-max-age': '600',
        })
        .send();
    },
  );

  app.get(
    `${PREFIX}/portfolios`,
    { config, schema: { operationId: 'siteV1ListPortfolios', tags, summary: 'The studio’s photographer profiles.', response: json } },
    async (request, reply) => answer(request, reply, (studioId) => siteListPortfolios(deps, studioId)),
  );

  app.get(
    `${PREFIX}/portfolios/:slug`,
    {
      config,
      schema: { operationId: 'siteV1GetPortfolio', tags, summary: 'A profile with its published collections (cover images signed).', params: Type.Object({ slug: slugField }, closed), querystring: Type.Object(imageQuery, closed), response: json },
    },
    async (request, reply) => answer(request, reply, (studioId) => siteGetPortfolio(deps, studioId, request.params.slug, imageOptions(request.query))),
  );

  app.get(
    `${PREFIX}/collections`,
    { config, schema: { operationId: 'siteV1ListCollections', tags, summary: 'The studio’s collections, paged.', querystring: Type.Object({ ...imageQuery, ...pagingQuery }, closed), response: json } },
    async (request, reply) => answer(request, reply, (studioId) => siteListCollections(deps, studioId, paging(request.query), imageOptions(request.query))),
  );

  app.get(
    `${PREFIX}/collections/:collectionId`,
    {
      config,
      schema: {
        operationId: 'siteV1GetCollection',
        tags,
        summary: 'A collection and its published photos, paged, with signed image URLs in the sizes asked.',
        params: Type.Object({ collectionId: uuidField }, closed),
        querystring: Type.Object({ ...imageQuery, ...pagingQuery }, closed),
        response: json,
      },
    },
    async (request, reply) => answer(request, reply, (studioId) => siteGetCollection(deps, studioId, request.params.collectionId, paging(request.query), imageOptions(request.query))),
  );

  app.get(
    `${PREFIX}/images/:photoId/:rendition`,
    {
      config,
      schema: {
        operationId: 'siteV1Image',
        tags,
        summary: 'A signed image URL from an answer above: a derivative of a published photo, metadata stripped.',
        params: Type.Object({ photoId: photoIdField, rendition: Type.String({ pattern: '^w[1-9]\\d{1,3}\\.(avif|webp|jpeg)$', maxLength: 12 }) }, closed),
        querystring: Type.Object({ exp: Type.Optional(Type.String({ maxLength: 20 })), kv: Type.Optional(Type.String({ maxLength: 40 })), sig: Type.Optional(Type.String({ maxLength: 64 })) }, closed),
      },
    },
    async (request, reply) => {
      const image = await siteImage(deps, request.params.photoId, request.params.rendition, request.query, header(request, 'if-none-match'));
      reply.status(image.status).headers({
        etag: image.etag,
        'cache-control': 'public, no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'; sandbox",
        // Websites show these in <img>: other origins may embed them.
        'cross-origin-resource-policy': 'cross-origin',
      });
      if (image.body === null) return reply.send();
      return reply.type(image.mediaType).send(image.body);
    },
  );
}
