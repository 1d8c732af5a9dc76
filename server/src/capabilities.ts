import { adminRoutes } from './admin/routes.ts';
import { deliveriesRoutes } from './deliveries/capability.ts';
import { accountRoutes } from './auth/account-routes.ts';
import { authRoutes } from './auth/routes.ts';
import type { Capability } from './capability.ts';
import { studioRoutes } from './studios/routes.ts';
import { systemRoutes } from './system/routes.ts';
import { vaultRoutes } from './vault/capability.ts';

/**
 * The capabilities the server is made of, registered in this order by `buildApp`. Adding a
 * capability means adding its folder and one line here.
 */
export const capabilities: readonly Capability[] = [
  { name: 'system', routes: systemRoutes },
  { name: 'auth', routes: authRoutes },
  { name: 'account', routes: accountRoutes },
  { name: 'admin', routes: adminRoutes },
  { name: 'vault', routes: vaultRoutes },
  { name: 'studios', routes: studioRoutes },
  { name: 'deliveries', routes: deliveriesRoutes },
];
