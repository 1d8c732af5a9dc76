import { Type } from '../http/json-schema.ts';
import { requirePrincipal, requireStudioActor } from '../http/access.ts';
import { contentDisposition } from '../http/content-disposition.ts';
import { exportAnalytics, getAnalytics } from './reports.ts';
import type { App } from '../http/app-type.ts';
import { createCollection, deleteCollection, listCollections, publishPhotos, reorderCollection, unpublishPhotos, updateCollection } from './collections.ts';
import type { PortfolioDeps } from './deps.ts';
import { getProfile, listPortfoliosOfStudio, unpublishPortfolio, updateProfile } from './profiles.ts';
import { createSiteToken, listSiteTokens, revokeSiteToken, rotateSiteToken } from './site-tokens.ts';
import {
  collectionAnswer,
  collectionParams,
  collectionsAnswer,
  createCollectionBody,
  portfolioParams,
  profileAnswer,
  studioPortfoliosAnswer,
  publishBody,
  reorderBody,
  unpublishAnswer,
  unpublishBody,
  updateCollectionBody,
  updateProfileBody,
  createSiteTokenBody,
  rotateSiteTokenBody,
  siteTokenParams,
  siteTokenSchema,
  siteTokenWithSecret,
  siteTokensAnswer,
  analyticsAnswer,
  analyticsQuery,
} from './schemas.ts';
import { closed } from '../http/schemas.ts';
import { missingBodyAsEmpty } from '../http/optional-body.ts';

/** The photographer's side of portfolios: every route acts on the caller's own portfolio (another's collection is 404), except an owner's list and unpublishing of the studio's portfolios. */

const tags = ['portfolio'];
// Publishing to the public side is the image service's permission (owners and editors; not viewers).
const config = { access: 'signed-in', permission: 'images' } as const;
// Analytics: a photographer's own, or every portfolio for an admin (who has no studio).
const analyticsConfig = { access: 'signed-in' } as const;

export function portfolioManagementRoutes(app: App, deps: PortfolioDeps): void {
  app.get(
    '/api/portfolio/profile',
    { config, schema: { operationId: 'getPortfolioProfile', tags, summary: 'The caller’s portfolio profile, or null before the first save.', response: { 200: profileAnswer } } },
    async (request) => ({ profile: await getProfile(deps, requireStudioActor(request)) }),
  );

  app.put(
    '/api/portfolio/profile',
    {
      config,
      schema: { operationId: 'updatePortfolioProfile', tags, summary: 'Create or edit the portfolio profile: address, name, bio, avatar, links, search engines.', body: updateProfileBody, response: { 200: profileAnswer } },
    },
    async (request) => ({ profile: await updateProfile(deps, requireStudioActor(request), request.body) }),
  );

  app.get(
    '/api/portfolio/studio-portfolios',
    { config, schema: { operationId: 'listStudioPortfolios', tags, summary: 'Every portfolio of the studio (each member’s), by name.', response: { 200: studioPortfoliosAnswer } } },
    async (request) => ({ portfolios: await listPortfoliosOfStudio(deps, requireStudioActor(request)) }),
  );

  app.delete(
    '/api/portfolio/studio-portfolios/:portfolioId',
    {
      // Owners only: it deletes the portfolio's collections, as deleteCollection does.
      config: { ...config, permission: 'delete' as const },
      schema: {
        operationId: 'unpublishPortfolio',
        tags,
        summary: 'Take any portfolio of the studio offline: its profile, collections and analytics are deleted, the vault keeps the files.',
        params: portfolioParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await unpublishPortfolio(deps, requireStudioActor(request), request.params.portfolioId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/portfolio/collections',
    { config, schema: { operationId: 'createCollection', tags, summary: 'Create a collection.', body: createCollectionBody, response: { 201: collectionAnswer } } },
    async (request, reply) => reply.status(201).send({ collection: await createCollection(deps, requireStudioActor(request), request.body) }),
  );

  app.get(
    '/api/portfolio/collections',
    { config, schema: { operationId: 'listCollections', tags, summary: 'The portfolio’s collections in order, with their published photos.', response: { 200: collectionsAnswer } } },
    async (request) => ({ collections: await listCollections(deps, requireStudioActor(request)) }),
  );

  app.patch(
    '/api/portfolio/collections/:collectionId',
    {
      config,
      schema: { operationId: 'updateCollection', tags, summary: 'Edit a collection: title, address, description, cover, position, watermark.', params: collectionParams, body: updateCollectionBody, response: { 200: collectionAnswer } },
    },
    async (request) => ({ collection: await updateCollection(deps, requireStudioActor(request), request.params.collectionId, request.body) }),
  );

  app.delete(
    '/api/portfolio/collections/:collectionId',
    { config: { ...config, permission: 'delete' as const }, schema: { operationId: 'deleteCollection', tags, summary: 'Delete a collection: its photos are unpublished at once (the vault keeps the files).', params: collectionParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await deleteCollection(deps, requireStudioActor(request), request.params.collectionId);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/portfolio/collections/:collectionId/photos',
    {
      config,
      schema: { operationId: 'publishPhotos', tags, summary: 'Publish vault files into the collection (nothing is copied).', params: collectionParams, body: publishBody, response: { 200: collectionAnswer } },
    },
    async (request) => ({ collection: await publishPhotos(deps, requireStudioActor(request), request.params.collectionId, request.body) }),
  );

  app.post(
    '/api/portfolio/collections/:collectionId/photos/unpublish',
    {
      config,
      schema: { operationId: 'unpublishPhotos', tags, summary: 'Unpublish photos: public pages, image URLs and caches stop serving them at once.', params: collectionParams, body: unpublishBody, response: { 200: unpublishAnswer } },
    },
    async (request) => ({ unpublished: await unpublishPhotos(deps, requireStudioActor(request), request.params.collectionId, request.body.photoIds) }),
  );

  app.put(
    '/api/portfolio/collections/:collectionId/order',
    {
      config,
      schema: { operationId: 'reorderCollection', tags, summary: 'Set the order of the collection’s photos (every photo, once).', params: collectionParams, body: reorderBody, response: { 200: collectionAnswer } },
    },
    async (request) => ({ collection: await reorderCollection(deps, requireStudioActor(request), request.params.collectionId, request.body.photoIds) }),
  );

  app.get(
    '/api/portfolio/site-tokens',
    { config, schema: { operationId: 'listSiteTokens', tags, summary: 'The studio’s website tokens (never their secrets).', response: { 200: siteTokensAnswer } } },
    async (request) => ({ tokens: await listSiteTokens(deps, requireStudioActor(request)) }),
  );

  app.post(
    '/api/portfolio/site-tokens',
    { config, schema: { operationId: 'createSiteToken', tags, summary: 'Create a website token for /api/site/v1: the 64 characters are in this answer only.', body: createSiteTokenBody, response: { 201: siteTokenWithSecret } } },
    async (request, reply) => reply.status(201).send(await createSiteToken(deps, requireStudioActor(request), request.body)),
  );

  app.post(
    '/api/portfolio/site-tokens/:tokenId/rotate',
    {
      config,
      preValidation: missingBodyAsEmpty,
      schema: { operationId: 'rotateSiteToken', tags, summary: 'A new token; the old one keeps working for the overlap (hours, default 24).', params: siteTokenParams, body: rotateSiteTokenBody, response: { 200: siteTokenWithSecret } },
    },
    async (request) => rotateSiteToken(deps, requireStudioActor(request), request.params.tokenId, request.body),
  );

  app.post(
    '/api/portfolio/site-tokens/:tokenId/revoke',
    { config, schema: { operationId: 'revokeSiteToken', tags, summary: 'Revoke a website token: refused from the next request on.', params: siteTokenParams, response: { 200: Type.Object({ token: siteTokenSchema }, closed) } } },
    async (request) => ({ token: await revokeSiteToken(deps, requireStudioActor(request), request.params.tokenId) }),
  );

  app.get(
    '/api/portfolio/analytics',
    {
      config: analyticsConfig,
      schema: {
        operationId: 'getAnalytics',
        tags,
        summary: 'Totals, daily trends, top photos and collections, referrers over 7/30/90 days: own portfolio, or every one for an admin.',
        querystring: analyticsQuery,
        response: { 200: analyticsAnswer },
      },
    },
    async (request) => getAnalytics(deps, requirePrincipal(request), request.query),
  );

  app.get(
    '/api/portfolio/analytics.csv',
    { config: analyticsConfig, schema: { operationId: 'exportAnalytics', tags, summary: 'The daily counters of the same selection as CSV.', querystring: analyticsQuery } },
    async (request, reply) => {
      const csv = await exportAnalytics(deps, requirePrincipal(request), request.query);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', contentDisposition('attachment', 'portfolio-analytics.csv')).send(csv);
    },
  );
}
