// Turns dist/ into a publishable package (`npm publish packages/url-signer/dist`): the
// workspace's package.json points at the TypeScript sources, the published one at the build.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';

const packageDir = new URL('..', import.meta.url);
const source = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8')) as Record<string, unknown>;

const published = {
  name: source.name,
  version: source.version,
  description: source.description,
  type: 'module',
  license: source.license,
  sideEffects: false,
  engines: source.engines,
  exports: { '.': { types: './index.d.ts', default: './index.js' } },
  types: './index.d.ts',
};

writeFileSync(new URL('dist/package.json', packageDir), `${JSON.stringify(published, null, 2)}\n`);
copyFileSync(new URL('README.md', packageDir), new URL('dist/README.md', packageDir));
