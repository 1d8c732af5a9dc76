import type { TestProject } from 'vitest/node';
import { startClamavForTests } from './clamav-service.ts';
import { dropPostgresTemplate, preparePostgresTemplate } from './postgres.ts';
import { startS3ForTests } from './s3-service.ts';

/**
 * Runs once before the `server` project: migrates the PostgreSQL template database and
 * starts the S3 test endpoint and clamd, all at once. Test files learn about PostgreSQL
 * through `inject`, about S3 through the SHUTTERLOCK_TEST_S3_* variables and about clamd
 * through SHUTTERLOCK_TEST_CLAMD_*, which workers inherit.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [postgresAvailable, s3, clamd] = await Promise.all([preparePostgresTemplate(), startS3ForTests(), startClamavForTests()]);
  project.provide('postgresAvailable', postgresAvailable);
  if (s3) Object.assign(process.env, s3.env);
  if (clamd) Object.assign(process.env, clamd.env);
  return async () => {
    await Promise.all([s3?.stop(), clamd?.stop(), postgresAvailable ? dropPostgresTemplate() : undefined]);
  };
}
