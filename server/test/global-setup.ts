import type { TestProject } from 'vitest/node';
import { dropPostgresTemplate, preparePostgresTemplate } from './postgres.ts';
import { startS3ForTests } from './s3-service.ts';

/**
 * Runs once before the `server` project: migrates the PostgreSQL template database and
 * starts the S3 test endpoint. Test files learn about PostgreSQL through `inject`, and about
 * S3 through the SHUTTERLOCK_TEST_S3_* variables, which workers inherit.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [postgresAvailable, s3] = await Promise.all([preparePostgresTemplate(), startS3ForTests()]);
  project.provide('postgresAvailable', postgresAvailable);
  if (s3) Object.assign(process.env, s3.env);
  return async () => {
    await Promise.all([s3?.stop(), postgresAvailable ? dropPostgresTemplate() : undefined]);
  };
}
