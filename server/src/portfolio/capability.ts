import type { AppServices } from '../capability.ts';
import type { App } from '../http/app-type.ts';
import { stopPageViews } from './analytics.ts';
import { createPortfolioDeps } from './deps.ts';
import { portfolioDomainRoutes } from './domain-routes.ts';
import { unpublishAfterMembershipChange } from './profiles.ts';
import { portfolioPublicRoutes } from './public-routes.ts';
import { portfolioManagementRoutes } from './routes.ts';
import { portfolioSiteRoutes } from './site-routes.ts';

/** Public portfolios, the website data API and analytics (docs/portfolio.md). */
export async function portfolioRoutes(app: App, { runtime, vault, auth }: AppServices): Promise<void> {
  const deps = createPortfolioDeps(runtime, vault.files);
  auth.membershipChanges.register(unpublishAfterMembershipChange);
  app.addHook('preClose', async () => {
    await stopPageViews(deps);
    await deps.limits.close();
  });
  portfolioManagementRoutes(app, deps);
  portfolioPublicRoutes(app, deps);
  portfolioSiteRoutes(app, deps);
  portfolioDomainRoutes(app, deps);
}
