import { Type } from '../http/json-schema.ts';
import type { FastifyRequest } from 'fastify';
import { requirePrincipal } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { requestOrigin } from '../http/request-origin.ts';
import type { PortfolioDeps } from './deps.ts';
import { listPortfolioDomains, mapPortfolioDomain, unmapPortfolioDomain } from './domains.ts';
import { domainAnswer, domainParams, domainsAnswer, mapDomainBody } from './schemas.ts';

/** The admin's custom domains for portfolios (domains.ts); photographers are refused (403). */

const tags = ['admin'];
const config = { access: 'admin' } as const;

export function portfolioDomainRoutes(app: App, deps: PortfolioDeps): void {
  const audit = (request: FastifyRequest) => ({ actorUserId: requirePrincipal(request).userId, ...requestOrigin(request) });

  app.get(
    '/api/admin/portfolio-domains',
    { config, schema: { operationId: 'listPortfolioDomains', tags, summary: 'The custom domains mapped to portfolios, and every portfolio one can be mapped to.', response: { 200: domainsAnswer } } },
    async () => listPortfolioDomains(deps),
  );

  app.post(
    '/api/admin/portfolio-domains',
    {
      config,
      schema: {
        operationId: 'mapPortfolioDomain',
        tags,
        summary: 'Serve a portfolio at a host name (stored lower-case, punycode); replaces the portfolio’s previous one. DNS and TLS are set up in front (docs/operations.md).',
        body: mapDomainBody,
        response: { 200: domainAnswer },
      },
    },
    async (request) => ({ domain: await mapPortfolioDomain(deps, audit(request), request.body) }),
  );

  app.delete(
    '/api/admin/portfolio-domains/:host',
    { config, schema: { operationId: 'unmapPortfolioDomain', tags, summary: 'Stop serving a portfolio at this host, from the next request on.', params: domainParams, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await unmapPortfolioDomain(deps, audit(request), request.params.host);
      return reply.status(204).send(null);
    },
  );
}
