import { defineConfig } from 'vitest/config';

// Three projects: `server` (unit and integration against real SQLite, PostgreSQL and S3),
// `cluster` (two instances behind nginx: cluster/) and `e2e` (Playwright driving Debian's Chromium against a real server).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          include: ['server/**/*.test.ts', 'packages/**/*.test.ts'],
          globalSetup: ['server/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // The fleet (cluster/cluster.ts): separate processes, nginx, PostgreSQL, Redis, S3. Skips when they are absent.
          name: 'cluster',
          include: ['cluster/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          globalSetup: ['e2e/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
