import { type Kysely, sql } from 'kysely';
import { unwrapDataKey, wrapDataKey } from '../crypto/data-keys.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { createSecretBox } from '../crypto/secret-fields.ts';
import type { Tables } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { countStudioKeysByVersion, listStudioKeysNotAtVersion, replaceWrappedKey } from '../studios/repo.ts';
import { type PepperedCodeColumn, type SealedSecretColumn, pepperedCodeColumns, sealedSecretColumns } from './sealed-columns.ts';

/**
 * Master-key rotation. The operator puts a new version first in SHUTTERLOCK_MASTER_KEYS (the
 * old one stays listed), restarts, then runs `shutterlock keys rotate`: every wrapped studio key
 * is rewrapped and every sealed secret field re-sealed under the active version. Data keys do
 * not change, so files are untouched and the servers keep serving throughout: both versions
 * stay readable until nothing uses the old one, which `keyUsage` proves before it is retired.
 */

export interface RotationDeps {
  db: Kysely<Tables>;
  keys: MasterKeyProvider;
  /** Which sealed secret columns exist; the registry by default, a test table in tests. */
  sealedColumns?: readonly SealedSecretColumn[];
  /** Which code-hash columns exist; the registry by default. */
  codeColumns?: readonly PepperedCodeColumn[];
}

export interface VersionUsage {
  version: string;
  configured: boolean;
  active: boolean;
  studioKeys: number;
  secretFields: number;
  /** Code hashes (sign-in, recovery, delivery codes) still usable under this version: rotation cannot move them. */
  codeHashes: number;
}

/** What keeps a version from being retired. */
export function versionInUse(entry: VersionUsage): boolean {
  return entry.studioKeys + entry.secretFields + entry.codeHashes > 0;
}

const batchSize = 200;

// Sealed columns are named by the registry, never by user input; Kysely quotes them as identifiers.
type AnyDb = Kysely<Record<string, Record<string, string>>>;

async function countUsableCodeHashes(db: AnyDb, column: PepperedCodeColumn, now: number): Promise<Array<{ version: string; count: number }>> {
  let query = db
    .selectFrom(column.table)
    .select([sql.ref<string>(column.versionColumn).as('version'), sql<number>`count(*)`.as('count')])
    .groupBy(sql.ref(column.versionColumn));
  if (column.usedColumn) query = query.where(sql.ref(column.usedColumn), 'is', null);
  if (column.expiresColumn) query = query.where(sql.ref(column.expiresColumn), '>', now);
  const rows = (await query.execute()) as Array<{ version: string; count: number | string }>;
  return rows.map((row) => ({ version: row.version, count: Number(row.count) }));
}

async function* sealedValues(db: AnyDb, column: SealedSecretColumn): AsyncGenerator<{ id: string; sealed: string }> {
  let after: string | undefined;
  for (;;) {
    let query = db
      .selectFrom(column.table)
      .select([sql.ref<string>(column.idColumn).as('id'), sql.ref<string>(column.column).as('sealed')])
      .where(sql.ref(column.column), 'is not', null)
      .orderBy(sql.ref(column.idColumn))
      .limit(batchSize);
    if (after !== undefined) query = query.where(sql.ref(column.idColumn), '>', after);
    const rows = (await query.execute()) as Array<{ id: string; sealed: string }>;
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
  for (const [version, count] of await countStudioKeysByVersion(deps.db)) entry(version).studioKeys += count;
  const box = createSecretBox(deps.keys);
  for (const column of deps.sealedColumns ?? sealedSecretColumns) {
    for await (const { sealed } of sealedValues(deps.db as unknown as AnyDb, column)) entry(box.keyVersionOf(sealed)).secretFields += 1;
  }
  for (const column of deps.codeColumns ?? pepperedCodeColumns) {
    for (const { version, count } of await countUsableCodeHashes(deps.db as unknown as AnyDb, column, Date.now())) entry(version).codeHashes += count;
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
  failures: Array<{ item: string; code: string }>;
}

function failureCode(error: unknown): string {
  return error instanceof AppError ? error.code : 'unexpected_error';
}

async function rewrapStudioKeys(deps: RotationDeps, now: () => number, failures: RotationResult['failures']): Promise<number> {
  const active = deps.keys.activeVersion;
  let rewrapped = 0;
  let after = '';
  for (;;) {
    const page = await listStudioKeysNotAtVersion(deps.db, active, batchSize, after);
    if (page.length === 0) return rewrapped;
    for (const stored of page) {
      after = stored.studioId;
      let dataKey: Buffer | undefined;
      try {
        dataKey = await unwrapDataKey(deps.keys, stored.studioId, { keyVersion: stored.keyVersion, ciphertext: stored.wrappedKey });
        const next = await wrapDataKey(deps.keys, stored.studioId, dataKey);
        // A lost compare-and-set means someone else changed the row meanwhile; theirs stands.
        if (await replaceWrappedKey(deps.db, stored, { keyVersion: next.keyVersion, wrappedKey: next.ciphertext, rewrappedAt: now() })) rewrapped += 1;
      } catch (error) {
        failures.push({ item: `studio_keys/${stored.studioId}`, code: failureCode(error) });
      } finally {
        dataKey?.fill(0);
      }
    }
  }
}

async function resealSecretFields(deps: RotationDeps, failures: RotationResult['failures']): Promise<number> {
  const box = createSecretBox(deps.keys);
  const db = deps.db as unknown as AnyDb;
  let resealed = 0;
  for (const column of deps.sealedColumns ?? sealedSecretColumns) {
    for await (const { id, sealed } of sealedValues(db, column)) {
      let plaintext: Buffer | undefined;
      try {
        if (box.keyVersionOf(sealed) === deps.keys.activeVersion) continue;
        const associatedData = column.associatedData(id);
        plaintext = await box.open(sealed, column.purpose, associatedData);
        const next = await box.seal(plaintext, column.purpose, associatedData);
        const result = await db
          .updateTable(column.table)
          .set({ [column.column]: next })
          .where(sql.ref(column.idColumn), '=', id)
          .where(sql.ref(column.column), '=', sealed)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 1) resealed += 1;
      } catch (error) {
        failures.push({ item: `${column.table}.${column.column}/${id}`, code: failureCode(error) });
      } finally {
        plaintext?.fill(0);
      }
    }
  }
  return resealed;
}

/** Rewraps and re-seals everything under the active version; safe to run again and beside live servers. */
export async function rotateToActiveVersion(deps: RotationDeps, now: () => number = Date.now): Promise<RotationResult> {
  const failures: RotationResult['failures'] = [];
  const studioKeysRewrapped = await rewrapStudioKeys(deps, now, failures);
  const secretFieldsResealed = await resealSecretFields(deps, failures);
  return { activeVersion: deps.keys.activeVersion, studioKeysRewrapped, secretFieldsResealed, failures };
}
