import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { isUniqueViolation } from '../db/database.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { PortfolioDeps } from './deps.ts';
import { type PortfolioRow, findPortfolioById, findPortfolioByDomain, listAllPortfolios, setPortfolioDomain } from './repo.ts';

/**
 * Custom domains (docs/portfolio.md): the admin maps a host name (photos.example.com) to a
 * portfolio, whose pages are then served at that host's root exactly as at
 * {slug}.{PORTFOLIO_DOMAIN} (public-routes.ts: the same host routes, the same constraint).
 * One host per portfolio (`portfolios.custom_domain`, unique). Hosts are stored as the
 * lower-case ASCII (punycode) form a browser sends in `Host`, so the lookup is one equality.
 */

export interface PortfolioDomain {
  host: string;
  portfolioId: string;
  slug: string;
  displayName: string;
  studioId: string;
  /** Where the portfolio is served on it (TLS is terminated in front: docs/operations.md). */
  url: string;
}

export interface DomainTarget {
  id: string;
  slug: string;
  displayName: string;
  studioId: string;
  host: string | null;
}

function invalidHost(reason: string): AppError {
  return new AppError('invalid_host', `This is not a host name that can be mapped: ${reason}.`, 400);
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A host name as typed (any case, Unicode allowed) in the form browsers send: lower case,
 * punycode for international names (node:url domainToASCII, the WHATWG host parser), without a
 * trailing dot. Refused: IP addresses (also those the parser makes of `0x7f.1` or full-width
 * digits), ports, wildcards, paths or user names, single labels (`localhost`), numeric
 * top-level labels, labels or names beyond DNS's lengths.
 */
export function normaliseHost(input: string): string {
  const typed = input.trim().replace(/\.$/, '');
  if (typed === '') throw invalidHost('it is empty');
  if (typed.includes('*')) throw invalidHost('wildcards are not mapped (PORTFOLIO_DOMAIN serves {slug}.{domain})');
  if (typed.includes(':') && isIP(typed.replace(/^\[|\]$/g, '')) === 0) throw invalidHost('a host name has no port');
  if (isIP(typed.replace(/^\[|\]$/g, '')) !== 0) throw invalidHost('an IP address cannot be mapped');
  if (/[\s/\\@?#[\]%]/.test(typed)) throw invalidHost('only a host name, without scheme, path or user');
  const ascii = domainToASCII(typed);
  if (ascii === '') throw invalidHost('it is not a valid domain name');
  if (isIP(ascii) !== 0) throw invalidHost('an IP address cannot be mapped');
  const labels = ascii.split('.');
  if (ascii.length > 253 || labels.length < 2) throw invalidHost('a full domain name, such as photos.example.com, is needed');
  if (!labels.every((label) => LABEL.test(label)) || /^\d+$/.test(labels.at(-1)!)) throw invalidHost('it is not a valid domain name');
  return ascii;
}

/** The host of a request (`Host` without its port, lower case), as public-routes.ts matches it. */
export function requestHost(header: string | undefined): string {
  const host = (header ?? '').toLowerCase();
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d{1,5}$/, '');
}

function scheme(deps: Pick<PortfolioDeps, 'publicUrl'>): string {
  return deps.publicUrl.startsWith('https:') ? 'https' : 'http';
}

export function domainUrl(deps: Pick<PortfolioDeps, 'publicUrl'>, host: string): string {
  return `${scheme(deps)}://${host}`;
}

/** The host the app itself is served at (PUBLIC_URL's): it wins over every portfolio host. */
export function appHostOf(deps: Pick<PortfolioDeps, 'publicUrl'>): string {
  return requestHost(new URL(deps.publicUrl).host);
}

/**
 * A portfolio slug that cannot be taken: the one whose {slug}.{PORTFOLIO_DOMAIN} is the app's
 * own host (PUBLIC_URL app.example.com under PORTFOLIO_DOMAIN example.com reserves `app`).
 */
export function slugReserved(deps: Pick<PortfolioDeps, 'publicUrl' | 'domain'>, slug: string): boolean {
  return deps.domain !== undefined && `${slug}.${deps.domain}` === appHostOf(deps);
}

/** Hosts the app answers on itself, which a mapping must not take over: the app's own, and those under PORTFOLIO_DOMAIN. */
function reserved(deps: Pick<PortfolioDeps, 'publicUrl' | 'domain'>, host: string): boolean {
  if (host === appHostOf(deps)) return true;
  return deps.domain !== undefined && (host === deps.domain || host.endsWith(`.${deps.domain}`));
}

/** The portfolio slug a custom domain serves, or undefined: what the host routes look up. */
export async function portfolioSlugForDomain(deps: PortfolioDeps, host: string): Promise<string | undefined> {
  return (await findPortfolioByDomain(deps.db, host))?.slug;
}

function domainOf(deps: PortfolioDeps, row: PortfolioRow & { custom_domain: string }): PortfolioDomain {
  return { host: row.custom_domain, portfolioId: row.id, slug: row.slug, displayName: row.display_name, studioId: row.studio_id, url: domainUrl(deps, row.custom_domain) };
}

const mapped = (row: PortfolioRow): row is PortfolioRow & { custom_domain: string } => row.custom_domain !== null;

export async function listPortfolioDomains(deps: PortfolioDeps): Promise<{ domains: PortfolioDomain[]; portfolios: DomainTarget[] }> {
  const rows = await listAllPortfolios(deps.db);
  return {
    domains: rows
      .filter(mapped)
      .map((row) => domainOf(deps, row))
      .sort((a, b) => a.host.localeCompare(b.host)),
    portfolios: rows.map((row) => ({ id: row.id, slug: row.slug, displayName: row.display_name, studioId: row.studio_id, host: row.custom_domain })),
  };
}

/** Maps `host` to the portfolio (replacing the portfolio's previous host, if any); 409 `host_taken` when another portfolio has it. */
export async function mapPortfolioDomain(deps: PortfolioDeps, audit: AuditContext, input: { host: string; portfolioId: string }): Promise<PortfolioDomain> {
  const host = normaliseHost(input.host);
  if (reserved(deps, host)) throw new AppError('host_reserved', 'This host is the app’s own, or under PORTFOLIO_DOMAIN, where portfolios are served by their slug.', 400);
  const portfolio = await findPortfolioById(deps.db, input.portfolioId);
  if (!portfolio) throw new NotFoundError('portfolio_not_found', 'No portfolio has this id.');
  const holder = await findPortfolioByDomain(deps.db, host);
  if (holder && holder.id !== portfolio.id) throw hostTaken();
  try {
    await setPortfolioDomain(deps.db, portfolio.studio_id, portfolio.id, host, deps.now());
  } catch (error) {
    if (isUniqueViolation(error)) throw hostTaken();
    throw error;
  }
  await recordAudit(deps.db, { ...audit, action: 'portfolio.domain_mapped', studioId: portfolio.studio_id, details: { host, portfolioId: portfolio.id, previous: portfolio.custom_domain } });
  return domainOf(deps, { ...portfolio, custom_domain: host });
}

function hostTaken(): AppError {
  return new AppError('host_taken', 'Another portfolio is mapped to this host.', 409);
}

/** Serving at `host` stops with the next request; 404 `domain_not_found` when nothing is mapped there. */
export async function unmapPortfolioDomain(deps: PortfolioDeps, audit: AuditContext, input: string): Promise<void> {
  const host = normaliseHost(input);
  const portfolio = await findPortfolioByDomain(deps.db, host);
  if (!portfolio) throw new NotFoundError('domain_not_found', 'No portfolio is mapped to this host.');
  await setPortfolioDomain(deps.db, portfolio.studio_id, portfolio.id, null, deps.now());
  await recordAudit(deps.db, { ...audit, action: 'portfolio.domain_unmapped', studioId: portfolio.studio_id, details: { host, portfolioId: portfolio.id } });
}
