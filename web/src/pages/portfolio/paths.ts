/** The portfolio pages: management, and the analytics dashboard. */

export type PortfolioRoute = { kind: 'manage' } | { kind: 'analytics' };

export const PORTFOLIO_PATH = '/portfolio';
export const PORTFOLIO_ANALYTICS_PATH = '/portfolio/analytics';

export function parsePortfolioPath(pathname: string): PortfolioRoute | null {
  if (pathname === PORTFOLIO_PATH) return { kind: 'manage' };
  if (pathname === PORTFOLIO_ANALYTICS_PATH) return { kind: 'analytics' };
  return null;
}
