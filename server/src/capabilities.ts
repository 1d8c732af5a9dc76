import type { App } from './http/app-type.ts';
import type { Runtime } from './runtime.ts';
import { systemRoutes } from './system/routes.ts';

/**
 * The capabilities the server is made of, registered in this order by `buildApp`. Adding a
 * capability (auth, vault, deliveries, …) means adding its folder and one line here.
 */
export interface Capability {
  name: string;
  routes(app: App, runtime: Runtime): Promise<void>;
}

export const capabilities: readonly Capability[] = [{ name: 'system', routes: systemRoutes }];
