import assert from 'node:assert';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { Type } from '../http/json-schema.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../errors.ts';
import type { App } from '../http/app-type.ts';
import { rateLimitNetwork, requestOrigin } from '../http/request-origin.ts';
import { closed } from '../http/schemas.ts';
import type { RenderedImage } from '../images/service.ts';
import { type Visit, recordEvents } from './analytics.ts';
import { assetVersion, portfolioCss, portfolioJs } from './assets.ts';
import type { PortfolioDeps } from './deps.ts';
import { appHostOf, portfolioSlugForDomain, requestHost } from './domains.ts';
import { notFoundPage } from './pages.ts';
import { type RenderedPage, type Site, publicAvatar, publicImage, renderCollection, renderHome, robotsTxt, sitemapXml } from './public.ts';
import { photoIdField, publicAvatarParams, publicCollectionParams, publicImageParams, publicPortfolioParams, recordEventsBody, renditionPattern, slugField } from './schemas.ts';

/**
 * The public routes: pages at /p/{slug} (and at / on {slug}.{PORTFOLIO_DOMAIN} or a custom domain), their images,
 * assets, sitemap.xml, robots.txt and the analytics beacon. Pages and images are `no-cache`
 * (revalidated every time, so an unpublished photo disappears at once); the fingerprinted assets
 * are immutable. The global CSP applies unchanged: no inline script or style.
 */

const tags = ['portfolio-public'];
const config = { access: 'public' } as const;
const html = { 200: Type.String({ description: 'text/html' }) };

function visitOf(request: FastifyRequest): Visit {
  const header = (name: string): string | undefined => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    ip: request.ip,
    userAgent: requestOrigin(request).userAgent,
    optedOut: header('dnt') === '1' || header('sec-gpc') === '1',
    referer: header('referer'),
  };
}

async function sendPage(reply: FastifyReply, render: () => Promise<RenderedPage>): Promise<FastifyReply> {
  reply.header('cache-control', 'no-cache');
  try {
    const page = await render();
    if (page.hideFromSearch) reply.header('x-robots-tag', 'noindex, nofollow');
    return reply.type('text/html; charset=utf-8').send(page.html);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    return reply.status(404).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(notFoundPage());
  }
}

function sendImage(reply: FastifyReply, image: RenderedImage): FastifyReply {
  reply.status(image.status).headers({
    etag: image.etag,
    // Revalidated on every use: an unpublished photo stops showing at once, also from caches.
    'cache-control': 'public, no-cache',
    vary: 'Accept',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
  });
  if (image.body === null) return reply.send();
  return reply.type(image.mediaType).send(image.body);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function portfolioPublicRoutes(app: App, deps: PortfolioDeps): void {
  const appSite: Site = { origin: deps.publicUrl, ownHost: false };
  const scheme = deps.publicUrl.startsWith('https:') ? 'https' : 'http';

  app.get(
    '/p/:slug',
    { config, schema: { operationId: 'renderPortfolioHome', tags, summary: 'A portfolio’s home page (HTML).', params: publicPortfolioParams, response: html } },
    async (request, reply) => sendPage(reply, () => renderHome(deps, request.params.slug, appSite, visitOf(request))),
  );

  app.get(
    '/p/:slug/:collectionSlug',
    { config, schema: { operationId: 'renderPortfolioCollection', tags, summary: 'A collection’s page (HTML).', params: publicCollectionParams, response: html } },
    async (request, reply) => sendPage(reply, () => renderCollection(deps, request.params.slug, request.params.collectionSlug, appSite, visitOf(request))),
  );

  app.get(
    '/p/:slug/photos/:photoId/:rendition',
    {
      config,
      schema: { operationId: 'getPortfolioImage', tags, summary: 'A published photo as a derivative (w{320|640|960|1280|1920}.{avif|webp|jpeg}), metadata stripped.', params: publicImageParams },
    },
    async (request, reply) => sendImage(reply, await publicImage(deps, request.params.slug, request.params.photoId, request.params.rendition, header(request, 'if-none-match'))),
  );

  app.get(
    '/p/:slug/avatar/:rendition',
    { config, schema: { operationId: 'getPortfolioAvatar', tags, summary: 'The portfolio’s avatar as a derivative.', params: publicAvatarParams } },
    async (request, reply) => sendImage(reply, await publicAvatar(deps, request.params.slug, request.params.rendition, header(request, 'if-none-match'))),
  );

  app.get(
    `/p/_assets/portfolio.${assetVersion}.css`,
    { config, schema: { operationId: 'getPortfolioStyles', tags, summary: 'The public pages’ style sheet (fingerprinted, immutable).' } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/css; charset=utf-8').send(portfolioCss),
  );

  app.get(
    `/p/_assets/portfolio.${assetVersion}.js`,
    { config, schema: { operationId: 'getPortfolioScript', tags, summary: 'The public pages’ lightbox and analytics beacon (fingerprinted, immutable).' } },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=31536000, immutable').type('text/javascript; charset=utf-8').send(portfolioJs),
  );

  app.get(
    '/sitemap.xml',
    { config, schema: { operationId: 'getPortfolioSitemap', tags, summary: 'The sitemap of every portfolio not hidden from search engines.' } },
    async (_request, reply) => reply.header('cache-control', 'no-cache').type('application/xml; charset=utf-8').send(await sitemapXml(deps, appSite)),
  );

  app.get(
    '/robots.txt',
    { config, schema: { operationId: 'getRobotsTxt', tags, summary: 'Crawlers: portfolios yes (except hidden ones), the app and the API no.' } },
    async (_request, reply) => reply.header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send(await robotsTxt(deps, appSite)),
  );

  app.post(
    '/api/portfolio/events',
    {
      config,
      schema: {
        operationId: 'recordAnalyticsEvents',
        tags: ['portfolio'],
        summary: 'Analytics events from a public page’s beacon (no cookies; DNT and Sec-GPC honoured).',
        body: recordEventsBody,
        response: { 202: Type.Object({ recorded: Type.Integer() }, closed) },
      },
    },
    async (request, reply) => {
      const recorded = await recordEvents(deps, request.body, { ...visitOf(request), referer: request.body.referrer, network: rateLimitNetwork(request.ip) });
      return reply.status(202).send({ recorded });
    },
  );

  // A portfolio on its own host: {slug}.{PORTFOLIO_DOMAIN}, or a custom domain the admin mapped
  // (domains.ts). One constraint decides both, before routing: the host's portfolio slug, or
  // nothing (the app's own host, an address, an unknown host), so those requests never reach
  // these routes and get the app as before. The app's own host is decided first: under
  // PORTFOLIO_DOMAIN it would also read as a slug, and no portfolio may shadow the app (its
  // slug is reserved too, domains.ts). A custom domain is looked up on every request, so
  // a mapping or unmapping shows at once on every instance.
  const wildcard = deps.domain ? new RegExp(`^([a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)\\.${escapeRegExp(deps.domain)}$`) : undefined;
  const appHost = appHostOf(deps);
  const slugOfHost = new WeakMap<IncomingMessage, string>();
  const portfolioHost = {
    name: 'portfolioHost',
    mustMatchWhenDerived: false,
    validate: (value: unknown) => assert.equal(value, true, 'portfolioHost constraint: true'),
    storage: () => {
      // Every request with a slug matches the routes constrained by `true`.
      let constrained: unknown;
      return {
        get: (slug: unknown) => (typeof slug === 'string' ? constrained : undefined),
        set: (_value: unknown, store: unknown) => {
          constrained = store;
        },
      };
    },
    deriveConstraint: (request: IncomingMessage, _context: unknown, done: (error: Error | null, slug?: string) => void) => {
      const host = requestHost(request.headers.host);
      const found = (slug: string | undefined) => {
        if (slug !== undefined) slugOfHost.set(request, slug);
        done(null, slug);
      };
      if (host === appHost) return found(undefined);
      const bySlug = wildcard?.exec(host)?.[1];
      if (bySlug !== undefined || !host.includes('.') || isIP(host.replace(/^\[|\]$/g, '')) !== 0) return found(bySlug);
      portfolioSlugForDomain(deps, host).then(found, (error: unknown) => {
        deps.logger.error({ err: error }, 'a custom domain could not be looked up');
        done(error instanceof Error ? error : new Error('custom domain lookup failed'));
      });
    },
  };
  // find-my-way's types know only the synchronous form; a deriveConstraint of three parameters
  // is its asynchronous one (Fastify's "asynchronous custom constraints"), and a storage holds
  // the router's handler masks, whatever their type.
  app.addConstraintStrategy(portfolioHost as unknown as Parameters<App['addConstraintStrategy']>[0]);
  const constraints = { portfolioHost: true };
  const hostSite = (request: FastifyRequest): { site: Site; slug: string } => ({
    site: { origin: `${scheme}://${requestHost(request.headers.host)}`, ownHost: true },
    slug: slugOfHost.get(request.raw) ?? '',
  });
  const hostTags = ['portfolio-host'];
  app.get(
    '/',
    { config, constraints, schema: { operationId: 'renderPortfolioHostHome', tags: hostTags, summary: 'A portfolio’s home page on its own host.', response: html } },
    async (request, reply) => {
      const { site, slug } = hostSite(request);
      return sendPage(reply, () => renderHome(deps, slug, site, visitOf(request)));
    },
  );
  app.get(
    '/:collectionSlug',
    { config, constraints, schema: { operationId: 'renderPortfolioHostCollection', tags: hostTags, summary: 'A collection’s page on the portfolio’s own host.', params: Type.Object({ collectionSlug: slugField }, closed), response: html } },
    async (request, reply) => {
      const { site, slug } = hostSite(request);
      return sendPage(reply, () => renderCollection(deps, slug, request.params.collectionSlug, site, visitOf(request)));
    },
  );
  app.get(
    '/photos/:photoId/:rendition',
    {
      config,
      constraints,
      schema: {
        operationId: 'getPortfolioHostImage',
        tags: hostTags,
        summary: 'A published photo on the portfolio’s own host.',
        params: Type.Object({ photoId: photoIdField, rendition: Type.String({ pattern: renditionPattern, maxLength: 12 }) }, closed),
      },
    },
    async (request, reply) => sendImage(reply, await publicImage(deps, hostSite(request).slug, request.params.photoId, request.params.rendition, header(request, 'if-none-match'))),
  );
  app.get(
    '/avatar/:rendition',
    { config, constraints, schema: { operationId: 'getPortfolioHostAvatar', tags: hostTags, summary: 'The avatar on the portfolio’s own host.', params: Type.Object({ rendition: Type.String({ pattern: renditionPattern, maxLength: 12 }) }, closed) } },
    async (request, reply) => sendImage(reply, await publicAvatar(deps, hostSite(request).slug, request.params.rendition, header(request, 'if-none-match'))),
  );
  app.get(
    '/sitemap.xml',
    { config, constraints, schema: { operationId: 'getPortfolioHostSitemap', tags: hostTags, summary: 'The sitemap of the portfolio on its own host.' } },
    async (request, reply) => {
      const { site, slug } = hostSite(request);
      return reply.header('cache-control', 'no-cache').type('application/xml; charset=utf-8').send(await sitemapXml(deps, site, slug));
    },
  );
  app.get(
    '/robots.txt',
    { config, constraints, schema: { operationId: 'getPortfolioHostRobotsTxt', tags: hostTags, summary: 'robots.txt of the portfolio’s own host.' } },
    async (request, reply) => {
      const { site, slug } = hostSite(request);
      return reply.header('cache-control', 'no-cache').type('text/plain; charset=utf-8').send(await robotsTxt(deps, site, slug));
    },
  );
}

