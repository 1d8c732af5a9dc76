import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { type SecretBox, type StudioSecretBox, createSecretBox, createStudioSecretBox, isStudioSealed } from '../crypto/secret-fields.ts';
import type { Db } from '../db/database.ts';
import { type CodeHashColumn, type RotationFailure, type SealedColumn, type StudioDataKeys, type WrappedKeys, rotationFailure } from '../db/key-protected.ts';
import { AppError } from '../errors.ts';
import { adoptLegacyPeppers, missingPeppers, wrappedPeppers } from './peppers.ts';
import { listVersionUsage, upsertVersionUsage } from './version-usage-repo.ts';

/**
 * Master-key rotation. The operator puts a new version first in SHUTTERLOCK_MASTER_KEYS (the
 * old one stays listed), restarts, then runs `shutterlock keys rotate`: every wrapped studio key
 * and code pepper is rewrapped and every sealed secret field re-sealed under the active version
 * (and in the current format). Data keys and peppers do not change, so files and code hashes
 * are untouched and the servers keep serving throughout: both versions
 * stay readable until nothing uses the old one, which `keyUsage` proves before it is retired.
 * What there is to rotate is what the capabilities declare (db/key-protected.ts), gathered by
 * keyProtectedData (capability.ts).
 */

export interface RotationDeps {
  db: Db;
  keys: MasterKeyProvider;
  wrappedKeys: readonly WrappedKeys[];
  /** Needed to move a studio's own values (SealedColumn.studioSealed) under its data key. */
  studioDataKeys?: StudioDataKeys | undefined;
  sealedColumns: readonly SealedColumn[];
  codeColumns: readonly CodeHashColumn[];
}

export interface VersionUsage {
  version: string;
  configured: boolean;
  active: boolean;
  studioKeys: number;
  /** Code peppers (keys/peppers.ts) wrapped under this version. */
  peppers: number;
  secretFields: number;
}

/** What keeps a version from being retired. */
export function versionInUse(entry: VersionUsage): boolean {
  return entry.studioKeys + entry.peppers + entry.secretFields > 0;
}

/** A version's state as `keys status` and the admin console show it. */
export function versionState(entry: VersionUsage): 'missing' | 'active' | 'in use' | 'retirable' {
  if (!entry.configured) return 'missing';
  if (entry.active) return 'active';
  return versionInUse(entry) ? 'in use' : 'retirable';
}

const batchSize = 200;

async function* sealedValues(db: Db, column: SealedColumn, options: { underMasterKey?: boolean } = {}): AsyncGenerator<{ id: string; sealed: string; studioId?: string }> {
  let after: string | undefined;
  for (;;) {
    const rows = await column.page(db, after, batchSize, options);
    for (const row of rows) yield row;
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]?.id;
  }
}

export async function keyUsage(deps: RotationDeps): Promise<VersionUsage[]> {
  const usage = new Map<string, VersionUsage>();
  const entry = (version: string): VersionUsage => {
    let found = usage.get(version);
    if (!found) {
      found = { version, configured: deps.keys.versions.includes(version), active: version === deps.keys.activeVersion, studioKeys: 0, peppers: 0, secretFields: 0 };
      usage.set(version, found);
    }
    return found;
  };
  for (const version of deps.keys.versions) entry(version);
  for (const wrapped of deps.wrappedKeys) {
    for (const [version, count] of await wrapped.countByVersion(deps.db)) entry(version).studioKeys += count;
  }
  for (const [version, count] of await wrappedPeppers.countByVersion(deps.db)) entry(version).peppers += count;
  const box = createSecretBox(deps.keys);
  for (const column of deps.sealedColumns) {
    for await (const { sealed } of sealedValues(deps.db, column)) {
      // A studio's value under its data key needs no master version but the studio key's.
      if (!(column.studioSealed && isStudioSealed(sealed))) entry(box.keyVersionOf(sealed)).secretFields += 1;
    }
  }
  return [...usage.values()];
}

/**
 * Counts what every version protects, exactly (every sealed value is read), and keeps the
 * answer per version in key_version_usage for the start-up check. `keys status`, `keys
 * rotate` and `keys retire` count this way.
 */
export async function countKeyUsage(deps: RotationDeps, now: number = Date.now()): Promise<VersionUsage[]> {
  const usage = await keyUsage(deps);
  const counted = new Set(usage.map((entry) => entry.version));
  for (const entry of usage) {
    // The active version is always in use: this server writes under it from now on.
    await upsertVersionUsage(deps.db, { version: entry.version, inUse: entry.active || versionInUse(entry), now });
  }
  for (const { version } of await listVersionUsage(deps.db)) {
    if (!counted.has(version)) await upsertVersionUsage(deps.db, { version, inUse: false, now });
  }
  return usage;
}

function describeMissing(missing: readonly VersionUsage[], unpeppered: ReadonlyMap<string, number>): string {
  return [
    ...missing.map((entry) => `"${entry.version}" (${entry.studioKeys} studio keys, ${entry.peppers} code peppers, ${entry.secretFields} secret fields)`),
    ...[...unpeppered].map(([version, count]) => `"${version}" (${count} usable code hashes made with the pepper it derived)`),
  ].join(', ');
}

/**
 * Refuses to run with data that needs a master key version this server lacks: better not to
 * start than to fail on every request for those studios, and never to fall back to another key.
 * First wraps the peppers of hashes older releases made (keys/peppers.ts), while their master
 * version is still here to derive them.
 *
 * Cheap on every start after the first: it reads the per-version record (key_version_usage)
 * that the last exact count left, plus this server's active version, which every server marks
 * in use as it starts (it writes under it). Only when that record names a version this server
 * lacks, or there is no record yet, does it count exactly, reading every sealed value.
 */
export async function assertKeyVersionsConfigured(deps: RotationDeps, now: number = Date.now()): Promise<void> {
  await adoptLegacyPeppers(deps, now);
  const recorded = await listVersionUsage(deps.db);
  const suspect = recorded.length === 0 || recorded.some((entry) => entry.inUse && !deps.keys.versions.includes(entry.version));
  const missing = suspect ? (await countKeyUsage(deps, now)).filter((entry) => !entry.configured) : [];
  const unpeppered = await missingPeppers(deps, now);
  if (missing.length > 0 || unpeppered.size > 0) {
    throw new AppError(
      'unknown_key_version',
      `Stored data needs master key version(s) ${describeMissing(missing, unpeppered)}, which SHUTTERLOCK_MASTER_KEYS does not list. Add them back.`,
      500,
    );
  }
  await upsertVersionUsage(deps.db, { version: deps.keys.activeVersion, inUse: true, now });
}

export interface RotationResult {
  activeVersion: string;
  studioKeysRewrapped: number;
  peppersRewrapped: number;
  secretFieldsResealed: number;
  /** Items that could not be opened (tampered, or under a missing version): left exactly as they were. */
  failures: RotationFailure[];
}

/** One box per studio for the length of a rotation, each studio's data key unwrapped once. */
function studioBoxes(deps: RotationDeps, legacy: SecretBox): (studioId: string | undefined) => Promise<StudioSecretBox> {
  const boxes = new Map<string, Promise<StudioSecretBox>>();
  return async (studioId) => {
    if (studioId === undefined || !deps.studioDataKeys) throw new AppError('studio_key_unavailable', 'A studio value has no studio key to be sealed under.', 500);
    let box = boxes.get(studioId);
    if (!box) {
      box = deps.studioDataKeys.unwrap(deps, studioId).then((dataKey) => createStudioSecretBox(dataKey, legacy));
      boxes.set(studioId, box);
    }
    return box;
  };
}

/**
 * Every value sealed under the master key is re-sealed in the current format under the active
 * version, and a studio's own values move under its data key (they then never need rotating).
 * With `studioValuesOnly`, only the latter: a studio's values still under the master key.
 */
export async function resealSecretFields(
  deps: RotationDeps,
  failures: RotationFailure[],
  options: { studioValuesOnly?: boolean; signal?: AbortSignal | undefined } = {},
): Promise<number> {
  const box = createSecretBox(deps.keys);
  const studioBox = studioBoxes(deps, box);
  const { studioValuesOnly = false, signal } = options;
  let resealed = 0;
  for (const column of deps.sealedColumns) {
    if (studioValuesOnly && !column.studioSealed) continue;
    for await (const { id, sealed, studioId } of sealedValues(deps.db, column, { underMasterKey: studioValuesOnly })) {
      signal?.throwIfAborted();
      let plaintext: Buffer | undefined;
      try {
        if (column.studioSealed ? isStudioSealed(sealed) : box.isCurrent(sealed)) continue;
        const associatedData = column.associatedData(id);
        plaintext = await box.open(sealed, column.purpose, associatedData);
        const sealer = column.studioSealed ? await studioBox(studioId) : box;
        const next = await sealer.seal(plaintext, column.purpose, associatedData);
        // A lost compare-and-set means someone else changed the value meanwhile; theirs stands.
        if (await column.replace(deps.db, id, sealed, next)) resealed += 1;
      } catch (error) {
        failures.push(rotationFailure(`${column.name}/${id}`, error));
      } finally {
        plaintext?.fill(0);
      }
    }
  }
  return resealed;
}

/** Rewraps and re-seals everything under the active version; safe to run again and beside live servers. */
export async function rotateToActiveVersion(deps: RotationDeps, now: () => number = Date.now): Promise<RotationResult> {
  const failures: RotationFailure[] = [];
  await adoptLegacyPeppers(deps, now());
  let studioKeysRewrapped = 0;
  for (const wrapped of deps.wrappedKeys) studioKeysRewrapped += await wrapped.rewrapAll(deps, now, failures);
  const peppersRewrapped = await wrappedPeppers.rewrapAll(deps, now, failures);
  const secretFieldsResealed = await resealSecretFields(deps, failures);
  return { activeVersion: deps.keys.activeVersion, studioKeysRewrapped, peppersRewrapped, secretFieldsResealed, failures };
}
