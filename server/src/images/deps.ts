import type { Logger } from 'pino';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { type SecretBox, createSecretBox } from '../crypto/secret-fields.ts';
import type { Db } from '../db/database.ts';
import { type Quotas, createQuotas } from '../http/rate-limits.ts';
import type { ImagingInput } from '../imaging/pool.ts';
import type { TransformResult, TransformSpec } from '../imaging/transform-spec.ts';
import type { Runtime } from '../runtime.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { type StudioStanding, createStudioStandings } from '../studios/service.ts';
import type { VaultFiles } from '../vault/service.ts';
import { type KeyGrants, createKeyGrants } from './key-grants.ts';
import type { AddressLookup } from './remote-source.ts';
import { type ResultCache, createResultCache, reportCacheFailure } from './result-cache.ts';
import { type UsageRecorder, createUsageRecorder } from './usage-recorder.ts';

/** Everything the image service needs, built once per app (images/capability.ts). */
export interface ImagesDeps {
  db: Db;
  keys: MasterKeyProvider;
  /** Seals API key secrets and imgproxy keys (secrets.ts). */
  secrets: SecretBox;
  /** API keys with their projects and opened secrets, remembered briefly (key-grants.ts); every key or project change calls `forget`. */
  keyGrants: KeyGrants;
  /** The studio's files, only through the vault's interface. */
  vault: VaultFiles;
  blobs: BlobStore;
  usage: UsageRecorder;
  /** Per key (minute, day) and the pre-auth allowance of failed signatures per address. */
  quotas: Quotas<ImageQuota>;
  cache: ResultCache;
  /**
   * Runs a transform in the imaging pool (imaging/pool.ts): a child process holding no keys,
   * under its memory ceiling and time budget, at most IMAGING_POOL_SIZE at once with
   * IMAGING_QUEUE_LIMIT waiting; beyond, 503 `imaging_busy` with Retry-After.
   */
  transform(input: ImagingInput, spec: TransformSpec): Promise<TransformResult>;
  /** The studio checked (403 `studio_suspended`), with its data key, which cached results are encrypted under. */
  studio(studioId: string): Promise<StudioStanding>;
  limits: { maxPixels: number; maxDecodeBytes: number; remoteMaxBytes: number; remoteTimeoutMs: number };
  /** DNS for remote sources; the system resolver unless a test injects one. */
  remoteLookup?: AddressLookup;
  /** When each key's last use was last written, so a busy key is written once a minute. */
  lastUsedWrites: Map<string, number>;
  logger: Pick<Logger, 'error' | 'warn' | 'info'>;
  now(): number;
}

export const imageQuotaWindows = {
  perMinute: { durationSeconds: 60, maxPoints: 10_000 },
  perDay: { durationSeconds: 24 * 3600, maxPoints: 1_000_000 },
  failuresPerIp: { durationSeconds: 10 * 60, maxPoints: 10_000 },
} as const;

export type ImageQuota = keyof typeof imageQuotaWindows;

export async function createImagesDeps(runtime: Runtime, vault: VaultFiles, options: { remoteLookup?: AddressLookup } = {}): Promise<ImagesDeps> {
  const db = runtime.database.db;
  const { config, logger } = runtime;
  const namingKey = (await runtime.keys.deriveKey('images/result-cache-names')).key;
  const secrets = createSecretBox(runtime.keys);
  return {
    db,
    keys: runtime.keys,
    secrets,
    keyGrants: createKeyGrants(db, secrets, Date.now),
    vault,
    blobs: runtime.blobs,
    usage: createUsageRecorder(db, Date.now, (error) => logger.error({ err: error }, 'image usage could not be recorded')),
    quotas: createQuotas(imageQuotaWindows, {
      redisUrl: config.redisUrl,
      keyPrefix: 'sl:images',
      db,
      // SQLite is one instance's alone: counted in memory, written behind (http/rate-limits.ts).
      ...(runtime.database.kind === 'sqlite' ? { singleInstance: { onError: (error: unknown) => logger.error({ err: error }, 'image quota counts not written') } } : {}),
    }),
    cache: createResultCache(runtime.blobs, namingKey, reportCacheFailure(logger)),
    // Decoded in the imaging pool's children, never in this process (docs/security/decoding.md).
    transform: (input, spec) => runtime.imaging.run('transform', input, { spec, maxPixels: config.vault.maxPixels }),
    // Read from the database on every request (only the unwrapping is remembered): a suspension or a destroyed key stops service at once, on every instance.
    studio: createStudioStandings({ db, keys: runtime.keys }),
    limits: { maxPixels: config.vault.maxPixels, maxDecodeBytes: config.vault.maxDecodeBytes, remoteMaxBytes: config.images.remoteMaxBytes, remoteTimeoutMs: config.images.remoteTimeoutMs },
    ...(options.remoteLookup ? { remoteLookup: options.remoteLookup } : {}),
    lastUsedWrites: new Map(),
    logger,
    now: Date.now,
  };
}
