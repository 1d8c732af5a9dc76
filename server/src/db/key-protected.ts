import { type Kysely, sql } from 'kysely';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { studioSealedPrefix } from '../crypto/secret-fields.ts';
import { AppError } from '../errors.ts';
import type { Db } from './database.ts';
import type { Tables } from './tables.ts';

/**
 * What a capability keeps under the master keys, declared by the capability that owns the
 * tables (`Capability.keyProtected`, capabilities.ts): master-key rotation, `shutterlock keys
 * status` and the start-up check (keys/rotation.ts) go through these declarations and never
 * name another capability's tables themselves. A capability that adds a sealed column, a
 * peppered code or a wrapped key declares it here, with the purpose and associated data it
 * seals with, taken from the same constants its sealing code uses.
 */

export interface RotationFailure {
  /** `table.column/id` or `table/id`: what was left as it was. */
  item: string;
  code: string;
}

/** What is reported of an item that could not be rotated: a stable code, never content. */
export function rotationFailure(item: string, error: unknown): RotationFailure {
  return { item, code: error instanceof AppError ? error.code : 'unexpected_error' };
}

/** Data keys stored wrapped by a master key version (crypto/data-keys.ts). */
export interface WrappedKeys {
  countByVersion(db: Db): Promise<Map<string, number>>;
  /** Rewraps every key not under the active version; returns how many it rewrapped, pushing what it could not. */
  rewrapAll(deps: { db: Db; keys: MasterKeyProvider }, now: () => number, failures: RotationFailure[]): Promise<number>;
}

/** The studios' data keys, unwrapped: for re-sealing a studio's values under its own key. */
export interface StudioDataKeys {
  unwrap(deps: { db: Db; keys: MasterKeyProvider }, studioId: string): Promise<Buffer>;
}

/** A text column of sealed values (crypto/secret-fields.ts), keyed by a text id. */
export interface SealedColumn {
  /** `table.column`. */
  readonly name: string;
  readonly purpose: string;
  /**
   * A studio's own values, sealed under its data key (`ss1`, createStudioSecretBox) so that
   * crypto-erase erases them; rotation re-seals what an older release sealed under the master key.
   */
  readonly studioSealed: boolean;
  associatedData(id: string): string;
  /**
   * Up to `limit` values that are set, in id order, after `afterId`, with the studio of each when
   * `studioSealed`; with `underMasterKey`, only a studio's values still sealed under the master key.
   */
  page(db: Db, afterId: string | undefined, limit: number, options?: { underMasterKey?: boolean }): Promise<Array<{ id: string; sealed: string; studioId?: string }>>;
  /** Compare-and-set: writes `next` only while the stored value is still `previous`. */
  replace(db: Db, id: string, previous: string, next: string): Promise<boolean>;
}

/**
 * A column naming the pepper a code hash was made with (crypto/hashing.ts, keys/peppers.ts).
 * Hashes made by older releases name the master key version their pepper was derived from;
 * the start-up step wraps that pepper while the version is still configured, for the hashes
 * that can still be used.
 */
export interface CodeHashColumn {
  /** `table.column`. */
  readonly name: string;
  countUsable(db: Db, now: number): Promise<Array<{ version: string; count: number }>>;
}

export interface KeyProtectedData {
  wrappedKeys?: WrappedKeys;
  studioDataKeys?: StudioDataKeys;
  sealedColumns?: readonly SealedColumn[];
  codeHashColumns?: readonly CodeHashColumn[];
}

type ColumnOf<T extends keyof Tables> = keyof Tables[T] & string;

// The queries below are the same for every declared column, so they are written once over
// names the declarations give (checked against Tables); Kysely quotes them as identifiers.
type AnyDb = Kysely<Record<string, Record<string, string>>>;

/**
 * Where a row's studio is, for a studio's own values: a column of the row itself, or of the row
 * it belongs to (`parent`: that table's `id` is the row's `via` column), for a child table that
 * keeps no studio id of its own.
 */
export type StudioOf<T extends keyof Tables> =
  | ColumnOf<T>
  | { [P in keyof Tables]: { parent: P; via: ColumnOf<T>; column: ColumnOf<P> } }[keyof Tables];

/** `studioColumn` makes it a studio's own values, sealed under the studio's data key. */
export function sealedColumn<T extends keyof Tables>(spec: {
  table: T;
  idColumn: ColumnOf<T>;
  column: ColumnOf<T>;
  studioColumn?: StudioOf<T>;
  purpose: string;
  associatedData(id: string): string;
}): SealedColumn {
  const { idColumn, column, studioColumn } = spec;
  const table: string = spec.table;
  const studioSealed = studioColumn !== undefined;
  return {
    name: `${table}.${column}`,
    purpose: spec.purpose,
    studioSealed,
    associatedData: spec.associatedData,
    async page(db, afterId, limit, options = {}) {
      const anyDb = db as unknown as AnyDb;
      let query = anyDb
        .selectFrom(table)
        .select([sql.ref<string>(idColumn).as('id'), sql.ref<string>(column).as('sealed')])
        .where(sql.ref(column), 'is not', null)
        .orderBy(sql.ref(idColumn))
        .limit(limit);
      if (typeof studioColumn === 'string') {
        query = query.select(sql.ref<string>(studioColumn).as('studioId'));
      } else if (studioColumn !== undefined) {
        const parent: string = studioColumn.parent;
        query = query.select(
          anyDb
            .selectFrom(parent)
            .select(sql.ref<string>(`${parent}.${studioColumn.column}`).as('studio_id'))
            .where(sql.ref(`${parent}.id`), '=', sql.ref(`${table}.${studioColumn.via}`))
            .as('studioId'),
        );
      }
      if (afterId !== undefined) query = query.where(sql.ref(idColumn), '>', afterId);
      // What re-sealing under the studio key still has to do: a prefix test, done by the database.
      if (options.underMasterKey && studioSealed) query = query.where(sql.ref(column), 'not like', `${studioSealedPrefix}%`);
      return (await query.execute()) as Array<{ id: string; sealed: string; studioId?: string }>;
    },
    async replace(db, id, previous, next) {
      const result = await (db as unknown as AnyDb)
        .updateTable(table)
        .set({ [column]: next })
        .where(sql.ref(idColumn), '=', id)
        .where(sql.ref(column), '=', previous)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

/** `usedColumn` (when given) is null and `expiresColumn` (when given) in the future while a code can still be used. */
export function codeHashColumn<T extends keyof Tables>(spec: { table: T; versionColumn: ColumnOf<T>; usedColumn?: ColumnOf<T>; expiresColumn?: ColumnOf<T> }): CodeHashColumn {
  const { versionColumn, usedColumn, expiresColumn } = spec;
  const table: string = spec.table;
  return {
    name: `${table}.${versionColumn}`,
    async countUsable(db, now) {
      let query = (db as unknown as AnyDb)
        .selectFrom(table)
        .select([sql.ref<string>(versionColumn).as('version'), sql<number>`count(*)`.as('count')])
        .groupBy(sql.ref(versionColumn));
      if (usedColumn) query = query.where(sql.ref(usedColumn), 'is', null);
      if (expiresColumn) query = query.where(sql.ref(expiresColumn), '>', now);
      const rows = (await query.execute()) as Array<{ version: string; count: number | string }>;
      return rows.map((row) => ({ version: row.version, count: Number(row.count) }));
    },
  };
}
