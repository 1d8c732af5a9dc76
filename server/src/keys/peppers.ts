import { randomBytes } from 'node:crypto';
import type { PepperKeys } from '../crypto/hashing.ts';
import { type MasterKeyProvider, type WrappedKey, wrapFormats } from '../crypto/master-keys.ts';
import type { Db } from '../db/database.ts';
import { type CodeHashColumn, type RotationFailure, type WrappedKeys, rotationFailure } from '../db/key-protected.ts';
import { UnknownKeyVersionError } from '../errors.ts';
import { type StoredPepper, countPeppersByVersion, findPepper, insertPepperIfAbsent, listPeppers, replacePepperWrap } from './peppers-repo.ts';

/**
 * Code peppers: the HMAC keys of code hashes (crypto/hashing.ts), random 32-byte keys stored
 * only wrapped by a master key, like studio data keys. `keys rotate` rewraps them, so no hash
 * ever pins a master key version and old versions can be retired.
 *
 * Ids: new hashes use the random pepper `pepper.1`. Hashes made by releases that derived the
 * pepper from a master key version name that version (`v1`, `dev1`, …); `adoptLegacyPeppers`
 * wraps the value that version derived under the pepper id `v1`, so those hashes keep
 * verifying after the version itself is retired. (Master key ids never contain ".", so a
 * random pepper's id is never taken for a master version.)
 */

export const ACTIVE_PEPPER_ID = 'pepper.1';
/**
 * The audit chain's seal key (audit/chain.ts): a random key kept in the same table, wrapped the
 * same way and so rewrapped by `keys rotate` with the peppers. Its id keeps it apart from every
 * pepper (it is bound into the wrap's associated data), and no code hash can name it usefully.
 */
export const AUDIT_SEAL_KEY_ID = 'audit-seal.1';
const CREATED_ON_FIRST_USE = new Set([ACTIVE_PEPPER_ID, AUDIT_SEAL_KEY_ID]);
const PEPPER_BYTES = 32;
const LEGACY_PEPPER_PURPOSE = 'code-pepper';

function pepperAssociatedData(id: string): Buffer {
  return Buffer.from(`shutterlock/v2/code-pepper/${id}`, 'utf8');
}

function wrappedOf(stored: StoredPepper): WrappedKey {
  return { keyVersion: stored.keyVersion, format: stored.wrapFormat, ciphertext: stored.wrappedKey };
}

async function insertWrapped(db: Db, keys: MasterKeyProvider, id: string, origin: 'random' | 'derived-v1', pepper: Buffer, now: number): Promise<void> {
  const wrapped = await keys.wrap(pepper, pepperAssociatedData(id));
  await insertPepperIfAbsent(db, { id, origin, keyVersion: wrapped.keyVersion, wrapFormat: wrapped.format, wrappedKey: wrapped.ciphertext, createdAt: now });
}

/**
 * The server's peppers, unwrapped once and kept for the life of the process (they never change:
 * rotation rewraps the same value). The active pepper is made on first use; when two
 * instances race, the first insert wins and both read it back.
 */
export function createPepperKeys(db: Db, keys: MasterKeyProvider, now: () => number = Date.now): PepperKeys {
  const byId = wrappedSecrets(db, keys, now);
  return {
    byId,
    async active() {
      return { id: ACTIVE_PEPPER_ID, key: await byId(ACTIVE_PEPPER_ID) };
    },
  };
}

/**
 * The audit seal key, unwrapped (made on first use, like the active pepper). Not cached across
 * calls: sealing and verifying are rare, and a fresh read sees a key rewrapped by rotation.
 */
export async function auditSealKey(db: Db, keys: MasterKeyProvider, options: { create: boolean }, now: () => number = Date.now): Promise<Buffer | undefined> {
  try {
    return await wrappedSecrets(db, keys, now, options.create ? CREATED_ON_FIRST_USE : new Set())(AUDIT_SEAL_KEY_ID);
  } catch (error) {
    if (error instanceof UnknownKeyVersionError && !options.create) return undefined;
    throw error;
  }
}

/** Whether the audit seal key was ever made: if so, seals were made, and none left means they were removed. */
export async function auditSealKeyExists(db: Db): Promise<boolean> {
  return (await findPepper(db, AUDIT_SEAL_KEY_ID)) !== undefined;
}

function wrappedSecrets(db: Db, keys: MasterKeyProvider, now: () => number, creatable: ReadonlySet<string> = CREATED_ON_FIRST_USE): (id: string) => Promise<Buffer> {
  const unwrapped = new Map<string, Promise<Buffer>>();

  async function load(id: string): Promise<Buffer> {
    let stored = await findPepper(db, id);
    if (!stored && creatable.has(id)) {
      const fresh = randomBytes(PEPPER_BYTES);
      try {
        await insertWrapped(db, keys, id, 'random', fresh, now());
      } finally {
        fresh.fill(0);
      }
      stored = await findPepper(db, id);
    }
    if (!stored) throw new UnknownKeyVersionError(id);
    return keys.unwrap(wrappedOf(stored), pepperAssociatedData(id));
  }

  function byId(id: string): Promise<Buffer> {
    let pending = unwrapped.get(id);
    if (!pending) {
      pending = load(id);
      unwrapped.set(id, pending);
      // A failure (a missing pepper, a database error) is not remembered: the next call asks again.
      pending.catch(() => unwrapped.delete(id));
    }
    return pending;
  }

  return byId;
}

/**
 * For hashes made before peppers were wrapped: each usable hash names the master version its
 * pepper was derived from. Wraps that derived value as the pepper of the same id, once, so
 * the hashes verify unchanged and the version can later be retired. A version this server
 * does not hold is left for the start-up check to report. Returns the ids it adopted.
 */
export async function adoptLegacyPeppers(deps: { db: Db; keys: MasterKeyProvider; codeColumns: readonly CodeHashColumn[] }, now: number = Date.now()): Promise<string[]> {
  const existing = new Set((await listPeppers(deps.db)).map((pepper) => pepper.id));
  const referenced = new Set<string>();
  for (const column of deps.codeColumns) {
    for (const { version, count } of await column.countUsable(deps.db, now)) if (count > 0) referenced.add(version);
  }
  const adopted: string[] = [];
  for (const version of referenced) {
    if (existing.has(version) || !deps.keys.versions.includes(version)) continue;
    const derived = await deps.keys.deriveLegacyKey(LEGACY_PEPPER_PURPOSE, version);
    try {
      await insertWrapped(deps.db, deps.keys, version, 'derived-v1', derived, now);
    } finally {
      derived.fill(0);
    }
    adopted.push(version);
  }
  return adopted;
}

/** Pepper ids that usable hashes name but no pepper has: those hashes can never verify. */
export async function missingPeppers(deps: { db: Db; codeColumns: readonly CodeHashColumn[] }, now: number = Date.now()): Promise<Map<string, number>> {
  const existing = new Set((await listPeppers(deps.db)).map((pepper) => pepper.id));
  const missing = new Map<string, number>();
  for (const column of deps.codeColumns) {
    for (const { version, count } of await column.countUsable(deps.db, now)) {
      if (count > 0 && !existing.has(version)) missing.set(version, (missing.get(version) ?? 0) + count);
    }
  }
  return missing;
}

/** The peppers as rotation sees them: counted by master version, rewrapped under the active one. */
export const wrappedPeppers: WrappedKeys = {
  countByVersion: (db) => countPeppersByVersion(db),
  async rewrapAll(deps: { db: Db; keys: MasterKeyProvider }, now: () => number, failures: RotationFailure[]): Promise<number> {
    let rewrapped = 0;
    for (const stored of await listPeppers(deps.db)) {
      if (stored.keyVersion === deps.keys.activeVersion && stored.wrapFormat === wrapFormats.wrappingSubkey) continue;
      let pepper: Buffer | undefined;
      try {
        pepper = await deps.keys.unwrap(wrappedOf(stored), pepperAssociatedData(stored.id));
        const next = await deps.keys.wrap(pepper, pepperAssociatedData(stored.id));
        const replacement = { id: stored.id, keyVersion: next.keyVersion, wrapFormat: next.format, wrappedKey: next.ciphertext, rewrappedAt: now() };
        if (await replacePepperWrap(deps.db, stored, replacement)) rewrapped += 1;
      } catch (error) {
        failures.push(rotationFailure(`key_peppers/${stored.id}`, error));
      } finally {
        pepper?.fill(0);
      }
    }
    return rewrapped;
  },
};
