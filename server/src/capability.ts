import type { CodeHashColumn, KeyProtectedData, SealedColumn, StudioDataKeys, WrappedKeys } from './db/key-protected.ts';
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
  /** What each studio stores, by variant, over every capability that stores blobs (for the admin console and the studio's erasure). */
  storageUsage: StorageUsage;
}

/** What a studio's stored bytes are, as the admin console shows them. */
export type StorageVariant = 'originals' | 'previews' | 'cache' | 'other';
export type StorageByVariant = Record<StorageVariant, number>;
/** One capability's share of a studio's stored bytes: blob sizes as stored (encrypted, with their overhead). */
export type StorageUsageSource = (studioId: string) => Promise<Partial<StorageByVariant>>;
/** Deletes the blobs of a studio that a capability keeps outside the vault's files (the image cache), when the studio is erased. */
export type StudioBlobEraser = (studioId: string) => Promise<void>;

/**
 * Each capability that keeps blobs registers its share when its routes are registered; the
 * admin console adds them up per studio when asked. A registry, so that the console depends on
 * no capability's storage layout (the image cache is the image service's, previews the vault's).
 */
export interface StorageUsage {
  register(source: StorageUsageSource): void;
  of(studioId: string): Promise<StorageByVariant>;
  /** Blobs the vault's erase does not reach: their capability says how to delete them. */
  registerEraser(eraser: StudioBlobEraser): void;
  /** Runs every registered eraser for an erased studio (docs/security/crypto-erase.md). */
  erase(studioId: string): Promise<void>;
}

export function createStorageUsage(): StorageUsage {
  const sources: StorageUsageSource[] = [];
  const erasers: StudioBlobEraser[] = [];
  return {
    register(source) {
      sources.push(source);
    },
    registerEraser(eraser) {
      erasers.push(eraser);
    },
    async erase(studioId) {
      for (const eraser of erasers) await eraser(studioId);
    },
    async of(studioId) {
      const total: StorageByVariant = { originals: 0, previews: 0, cache: 0, other: 0 };
      for (const share of await Promise.all(sources.map((source) => source(studioId)))) {
        for (const [variant, bytes] of Object.entries(share) as Array<[StorageVariant, number]>) total[variant] += bytes;
      }
      return total;
    },
  };
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
  studioDataKeys: StudioDataKeys | undefined;
  sealedColumns: SealedColumn[];
  codeColumns: CodeHashColumn[];
} {
  const declared = capabilities.flatMap((capability) => (capability.keyProtected ? [capability.keyProtected] : []));
  return {
    wrappedKeys: declared.flatMap((data) => (data.wrappedKeys ? [data.wrappedKeys] : [])),
    studioDataKeys: declared.find((data) => data.studioDataKeys)?.studioDataKeys,
    sealedColumns: declared.flatMap((data) => data.sealedColumns ?? []),
    codeColumns: declared.flatMap((data) => data.codeHashColumns ?? []),
  };
}
