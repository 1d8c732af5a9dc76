import crypto from 'node:crypto';
import pg from 'pg';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

/**
 * PostgreSQL for tests: global setup migrates one template database; each test file then
 * gets its own database cloned from it (fast, isolated, and every file starts migrated).
 */

export const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
// One template per test run (named after the run's process), so two runs on one machine
// never migrate or drop each other's template. Workers learn its name from the environment.
const templateVariable = 'SHUTTERLOCK_TEST_PG_TEMPLATE';
function templateName(): string {
  const name = process.env[templateVariable];
  if (!name) throw new Error('The PostgreSQL test template was not prepared by the global setup.');
  return name;
}

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function postgresReachable(): Promise<boolean> {
  try {
    await withAdmin((client) => client.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

/** Global setup: (re)create and migrate the template. Returns false when PostgreSQL is absent. */
export async function preparePostgresTemplate(): Promise<boolean> {
  if (!(await postgresReachable())) {
    if (process.env.CI) throw new Error(`PostgreSQL is not reachable at ${adminUrl}, and CI requires it.`);
    console.warn(`\n  NOTICE: PostgreSQL is not reachable at ${adminUrl}; PostgreSQL tests are SKIPPED.\n`);
    return false;
  }
  process.env[templateVariable] = `shutterlock_test_template_${process.pid}`;
  await withAdmin(async (client) => {
    await client.query(`drop database if exists ${templateName()} with (force)`);
    await client.query(`create database ${templateName()}`);
  });
  const database = createDatabase({ kind: 'postgres', url: databaseUrl(templateName()) });
  try {
    await migrateToLatest(database);
  } finally {
    await database.close();
  }
  return true;
}

/** Global teardown: the template goes with the run that made it. */
export async function dropPostgresTemplate(): Promise<void> {
  if (!process.env[templateVariable]) return;
  await withAdmin((client) => client.query(`drop database if exists ${templateName()} with (force)`));
}

export async function createPostgresTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `shutterlock_test_${crypto.randomBytes(6).toString('hex')}`;
  await withAdmin((client) => client.query(`create database ${name} template ${templateName()}`));
  return {
    url: databaseUrl(name),
    drop: () => withAdmin((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
