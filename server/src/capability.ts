import type { App } from './http/app-type.ts';
import type { Runtime } from './runtime.ts';

/**
 * What a capability is and what it is given. A leaf: it imports no capability, so every
 * capability can import it and capabilities.ts can list them all without an import cycle.
 */

/**
 * The services built once per app (app.ts) and handed to every capability's routes. A
 * capability that offers the others a service declares its entry beside that service, by
 * interface merging (as Fastify's own types are extended):
 *
 *   declare module '../capability.ts' {
 *     interface AppServices { vault: Vault }
 *   }
 */
export interface AppServices {
  runtime: Runtime;
}

export interface Capability {
  name: string;
  routes(app: App, services: AppServices): Promise<void>;
}
