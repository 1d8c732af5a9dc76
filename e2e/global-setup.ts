import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Builds `web/dist` once, the way it ships, before the browser tests. Vitest sets
 * NODE_ENV=test, and Vite would honour it and bundle React's development build, so the build
 * gets NODE_ENV=production explicitly.
 */
export default async function setup(): Promise<void> {
  await promisify(execFile)('npm', ['run', 'build', '--workspace', 'web', '--silent'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
