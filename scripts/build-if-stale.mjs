// Run by `npm start`: builds the web app and the server only when a source is newer than the
// build. Building both took minutes on a busy machine at every start, though `npm install`
// (prepare) had just built them. Each build rewrites its marker file (web/dist/index.html,
// server/dist/main.js), so a marker older than any input means the build is stale; a missing
// marker, or an input that cannot be read, means build; an absent input counts for nothing.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shared = ['package-lock.json'];
const targets = [
  { workspace: 'web', marker: 'web/dist/index.html', inputs: [...shared, 'web/src', 'web/public', 'web/index.html', 'web/vite.config.ts', 'web/package.json', 'web/tsconfig.json'] },
  {
    workspace: 'server',
    marker: 'server/dist/main.js',
    inputs: [...shared, 'server/src', 'server/package.json', 'server/tsconfig.json', 'server/tsconfig.build.json', 'packages/url-signer/src', 'packages/url-signer/tsconfig.build.json'],
  },
];

/** The newest modification time under `path` (a file or a folder): -Infinity when absent, Infinity when unreadable. */
function newestMtime(path) {
  try {
    const info = statSync(path);
    if (!info.isDirectory()) return info.mtimeMs;
    return readdirSync(path).reduce((newest, name) => Math.max(newest, newestMtime(join(path, name))), info.mtimeMs);
  } catch (error) {
    return error.code === 'ENOENT' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
}

function markerMtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
}

for (const { workspace, marker, inputs } of targets) {
  const newestInput = Math.max(...inputs.map((input) => newestMtime(join(root, input))));
  if (newestInput < markerMtime(join(root, marker))) {
    console.log(`${workspace}: build up to date`);
    continue;
  }
  console.log(`${workspace}: building…`);
  const built = spawnSync('npm', ['run', 'build', '--workspace', workspace, '--silent'], { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
