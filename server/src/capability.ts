import type { CodeHashColumn, KeyProtectedData, SealedColumn, WrappedKeys } from './db/key-protected.ts';
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
  /** What every capability keeps under the master keys (for the admin console's key status). */
  keyProtected: ReturnType<typeof keyProtectedData>;
}

export interface Capability {
  name: string;
  routes(app: App, services: AppServices): Promise<void>;
  /** What it keeps under the master keys, for rotation, key status and the start-up check. */
  keyProtected?: KeyProtectedData;
}

/** Everything the capabilities keep under the master keys, as key rotation takes it (keys/rotation.ts). */
export function keyProtectedData(capabilities: readonly Capability[]): {
  wrappedKeys: WrappedKeys[];
  sealedColumns: SealedColumn[];
  codeColumns: CodeHashColumn[];
} {
  const declared = capabilities.flatMap((capability) => (capability.keyProtected ? [capability.keyProtected] : []));
  return {
    wrappedKeys: declared.flatMap((data) => (data.wrappedKeys ? [data.wrappedKeys] : [])),
    sealedColumns: declared.flatMap((data) => data.sealedColumns ?? []),
    codeColumns: declared.flatMap((data) => data.codeHashColumns ?? []),
  };
}
