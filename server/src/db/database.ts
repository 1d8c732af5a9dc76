import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, sql } from 'kysely';
import type { Pool } from 'pg';
import type { DatabaseConfig } from '../config.ts';
import type { Tables } from './tables.ts';

export type DatabaseKind = DatabaseConfig['kind'];

/**
 * The handle services carry and hand to repositories (or to a transaction's work). Only
 * repositories and db/ build queries on it; `npm run lint` holds that.
 */
export type Db = Kysely<Tables>;

/** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(work);
}

/** Runs `work` in the transaction `db` already is, or in a new one: for repository functions a service may call inside its own. */
export async function withinTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/** A unique-constraint violation, as SQLite (better-sqlite3) and PostgreSQL (pg) report it. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505';
}

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<Tables>;
  /** Throws when the database does not answer; used by `/readyz`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

function openSqlite(file: string): BetterSqlite3.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const connection = new BetterSqlite3(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  // WAL with synchronous=NORMAL is durable across application crashes; only a power loss
  // can lose the last transactions, never corrupt the database.
  connection.pragma('synchronous = NORMAL');
  return connection;
}

const CACHED_STATEMENTS = 512;

/**
 * The connection as Kysely's SQLite dialect sees it, with prepared statements kept for reuse:
 * Kysely prepares every query again, and compiling the SQL was some 5 % of a file listing's
 * server time (docs/performance.md). Queries are sync and one at a time; a statement left busy
 * (a streamed query not read to its end) is not handed out again: a fresh one is prepared. The least
 * recently used statements beyond the bound are dropped (queries with IN lists vary in shape).
 */
function withStatementCache(connection: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => connection.close(),
    prepare(text: string) {
      const cached = statements.get(text);
      if (cached !== undefined && !cached.busy) {
        statements.delete(text);
        statements.set(text, cached);
        return cached;
      }
      const statement = connection.prepare(text);
      if (cached === undefined) {
        statements.set(text, statement);
        if (statements.size > CACHED_STATEMENTS) statements.delete(statements.keys().next().value!);
      }
      return statement;
    },
  };
}

/** The PostgreSQL driver is loaded by the first query (Kysely calls this then), so a server on SQLite never holds it. */
async function createPool(url: string): Promise<Pool> {
  const { default: pg } = await import('pg');
  // PostgreSQL returns BIGINT as a string to avoid precision loss; our BIGINTs are epoch
  // milliseconds and counters, far below 2^53, so numbers are exact and SQLite agrees.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection that the server closes (restart, failover) must not crash the process;
  // the pool replaces it and the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

export function createDatabase(config: DatabaseConfig): Database {
  const db =
    config.kind === 'sqlite'
      ? new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(openSqlite(config.file)) }) })
      : new Kysely<Tables>({ dialect: new PostgresDialect({ pool: () => createPool(config.url) }) });
  return {
    kind: config.kind,
    db,
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}
