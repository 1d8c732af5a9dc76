import { adminCapabilityRoutes } from './admin/capability.ts';
import { accountRoutes } from './auth/account-routes.ts';
import { authKeyProtected } from './auth/key-protected.ts';
import { authRoutes } from './auth/routes.ts';
import { teamRoutes } from './auth/team-routes.ts';
import type { Capability } from './capability.ts';
import { deliveriesRoutes } from './deliveries/capability.ts';
import { deliveriesKeyProtected } from './deliveries/key-protected.ts';
import { labsRoutes } from './labs/capability.ts';
import { labsKeyProtected } from './labs/key-protected.ts';
import { imagesRoutes } from './images/capability.ts';
import { imagesKeyProtected } from './images/key-protected.ts';
import { studiosKeyProtected } from './studios/key-protected.ts';
import { studioRoutes } from './studios/routes.ts';
import { systemRoutes } from './system/routes.ts';
import { vaultRoutes } from './vault/capability.ts';
import { vaultKeyProtected } from './vault/key-protected.ts';

/**
 * The capabilities the server is made of, registered in this order by `buildApp` (which is
 * also the order of the OpenAPI document). Adding a capability means adding its folder and one
 * line here (docs/architecture.md).
 */
export const capabilities: readonly Capability[] = [
  { name: 'system', routes: systemRoutes },
  { name: 'auth', routes: authRoutes, keyProtected: authKeyProtected },
  { name: 'account', routes: accountRoutes },
  { name: 'admin', routes: adminCapabilityRoutes },
  { name: 'vault', routes: vaultRoutes, keyProtected: vaultKeyProtected },
  { name: 'studios', routes: studioRoutes, keyProtected: studiosKeyProtected },
  { name: 'teams', routes: teamRoutes },
  { name: 'deliveries', routes: deliveriesRoutes, keyProtected: deliveriesKeyProtected },
  { name: 'labs', routes: labsRoutes, keyProtected: labsKeyProtected },
  { name: 'images', routes: imagesRoutes, keyProtected: imagesKeyProtected },
];
