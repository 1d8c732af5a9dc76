import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { createSecretBox } from '../crypto/secret-fields.ts';
import type { Db } from '../db/database.ts';
import { type CodeHashColumn, type RotationFailure, type SealedColumn, type WrappedKeys, rotationFailure } from '../db/key-protected.ts';
import { AppError } from '../errors.ts';

/**
 * Master-key rotation. The operator puts a new version first in SHUTTERLOCK_MASTER_KEYS (the
 * old one stays listed), restarts, then runs `shutterlock keys rotate`: every wrapped studio key
 * is rewrapped and every sealed secret field re-sealed under the active version. Data keys do
 * not change, so files are untouched and the servers keep serving throughout: both versions
 * stay readable until nothing uses the old one, which `keyUsage` proves before it is retired.
 * What there is to rotate is what the capabilities declare (db/key-protected.ts), gathered by
 * keyProtectedData (capability.ts).
 */

export interface RotationDeps {
  db: Db;
  keys: MasterKeyProvider;
  wrappedKeys: readonly WrappedKeys[];
  sealedColumns: readonly SealedColumn[];
  codeColumns: readonly CodeHashColumn[];
}

export interface VersionUsage {
  version: string;
  configured: boolean;
  active: boolean;
  studioKeys: number;
  secretFields: number;
  /** Code hashes (sign-in, recovery, delivery codes, lab PINs and device codes) still usable under this version: rotation cannot move them. */
  codeHashes: number;
}

/** What keeps a version from being retired. */
export function versionInUse(entry: VersionUsage): boolean {
  return entry.studioKeys + entry.secretFields + entry.codeHashes > 0;
}

const batchSize = 200;

async function* sealedValues(db: Db, column: SealedColumn): AsyncGenerator<{ id: string; sealed: string }> {
  let after: string | undefined;
  for (;;) {
    const rows = await column.page(db, after, batchSize);
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
      found = { version, configured: deps.keys.versions.includes(version), active: version === deps.keys.activeVersion, studioKeys: 0, secretFields: 0, codeHashes: 0 };
      usage.set(version, found);
    }
    return found;
  };
  for (const version of deps.keys.versions) entry(version);
  for (const wrapped of deps.wrappedKeys) {
    for (const [version, count] of await wrapped.countByVersion(deps.db)) entry(version).studioKeys += count;
  }
  const box = createSecretBox(deps.keys);
  for (const column of deps.sealedColumns) {
    for await (const { sealed } of sealedValues(deps.db, column)) entry(box.keyVersionOf(sealed)).secretFields += 1;
  }
  for (const column of deps.codeColumns) {
    for (const { version, count } of await column.countUsable(deps.db, Date.now())) entry(version).codeHashes += count;
  }
  return [...usage.values()];
}

/**
 * Refuses to run with data that needs a master key version this server lacks: better not to
 * start than to fail on every request for those studios, and never to fall back to another key.
 */
export async function assertKeyVersionsConfigured(deps: RotationDeps): Promise<void> {
  const missing = (await keyUsage(deps)).filter((entry) => !entry.configured);
  if (missing.length > 0) {
    const described = missing
      .map((entry) => `"${entry.version}" (${entry.studioKeys} studio keys, ${entry.secretFields} secret fields, ${entry.codeHashes} usable code hashes)`)
      .join(', ');
    throw new AppError('unknown_key_version', `Stored data needs master key version(s) ${described}, which SHUTTERLOCK_MASTER_KEYS does not list. Add them back.`, 500);
  }
}

export interface RotationResult {
  activeVersion: string;
  studioKeysRewrapped: number;
  secretFieldsResealed: number;
  /** Items that could not be opened (tampered, or under a missing version): left exactly as they were. */
  failures: RotationFailure[];
}

async function resealSecretFields(deps: RotationDeps, failures: RotationFailure[]): Promise<number> {
  const box = createSecretBox(deps.keys);
  let resealed = 0;
  for (const column of deps.sealedColumns) {
    for await (const { id, sealed } of sealedValues(deps.db, column)) {
      let plaintext: Buffer | undefined;
      try {
        if (box.keyVersionOf(sealed) === deps.keys.activeVersion) continue;
        const associatedData = column.associatedData(id);
        plaintext = await box.open(sealed, column.purpose, associatedData);
        const next = await box.seal(plaintext, column.purpose, associatedData);
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
  let studioKeysRewrapped = 0;
  for (const wrapped of deps.wrappedKeys) studioKeysRewrapped += await wrapped.rewrapAll(deps, now, failures);
  const secretFieldsResealed = await resealSecretFields(deps, failures);
  return { activeVersion: deps.keys.activeVersion, studioKeysRewrapped, secretFieldsResealed, failures };
}
