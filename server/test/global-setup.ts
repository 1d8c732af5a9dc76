import type { TestProject } from 'vitest/node';
import { preparePostgresTemplate } from './postgres.ts';

/**
 * Runs once before the `server` project: migrates the PostgreSQL template database and
 * starts the S3 test endpoint, then tells the test files what is available.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('postgresAvailable', await preparePostgresTemplate());
  project.provide('s3Env', null);
  return async () => {};
}
