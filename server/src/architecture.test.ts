import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The architecture rules themselves: `npm run lint` runs dependency-cruiser with
 * .dependency-cruiser.cjs over server/src and ESLint with eslint.config.js. Here both run over
 * deliberate violations (server/test/fixtures/architecture/, laid out like server/src) and must
 * name each one, and over the real tree, which must keep every rule.
 */

const run = promisify(execFile);
const repository = path.resolve(import.meta.dirname, '..', '..');
const fixtures = path.join(repository, 'server', 'test', 'fixtures', 'architecture');
const depcruise = path.join(repository, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs');
const config = path.join(repository, '.dependency-cruiser.cjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: unknown[];
}

/** dependency-cruiser's violations over `server/src` below `root`, as `rule: from → to`. */
async function violations(root: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(process.execPath, [depcruise, '--config', config, '--output-type', 'json', 'server/src'], { cwd: root, maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    // It exits non-zero when it finds a violation; the report is still on stdout.
    stdout = (error as { stdout: string }).stdout;
  }
  const report = JSON.parse(stdout) as { summary: { violations: Violation[] } };
  return report.summary.violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to.replace(/^.*node_modules\/([^/]+).*$/, '$1')}`).sort();
}

describe('the dependency rules (npm run lint)', () => {
  it('run in npm run lint, over server/src, with this configuration', async () => {
    const manifest = JSON.parse(await fs.readFile(path.join(repository, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(manifest.scripts.lint).toContain('depcruise --config .dependency-cruiser.cjs server/src');
    expect(manifest.scripts.lint).toContain('eslint .');
  });

  it('fail on each deliberate violation, naming its rule, and pass the imports that keep them', async () => {
    expect(await violations(fixtures)).toEqual(
      [
        'capabilities-import-no-wiring: server/src/vault/capability.ts → server/src/app.ts',
        'every-module-in-a-layer: server/src/newsletter/routes.ts → server/src/vault/service.ts',
        'capability-contract-is-a-leaf: server/src/capability.ts → server/src/vault/service.ts',
        'fastify-only-in-routes-and-http: server/src/auth/sessions.ts → fastify',
        'kysely-only-in-repositories: server/src/auth/sign-in.ts → kysely',
        'no-cycles: server/src/storage/blob-store.ts → server/src/storage/local-store.ts',
        'no-other-capability-internals: server/src/deliveries/service.ts → server/src/vault/repo.ts',
        'shared-layers-import-no-capability: server/src/http/request-origin.ts → server/src/auth/context.ts',
        'vault-only-through-its-interface: server/src/deliveries/service.ts → server/src/vault/repo.ts',
      ].sort(),
    );
  });

  it('hold for the server as it is', async () => {
    expect(await violations(repository)).toEqual([]);
  });
});

describe('queries only in repositories (eslint.config.js)', () => {
  const eslint = new ESLint({ cwd: repository });
  const query = "export const probe = (db: { selectFrom(table: string): unknown }) => db.selectFrom('vault_files');\n";
  const errors = async (file: string) => (await eslint.lintText(query, { filePath: path.join(repository, file) })).flatMap((result) => result.messages.map((message) => message.ruleId));

  it('refuses a query built in a service or a route', async () => {
    expect(await errors('server/src/deliveries/service.ts')).toContain('no-restricted-syntax');
    expect(await errors('server/src/vault/file-routes.ts')).toContain('no-restricted-syntax');
  });

  it('takes it in a repository and in db/', async () => {
    expect(await errors('server/src/vault/repo.ts')).toEqual([]);
    expect(await errors('server/src/auth/users-repo.ts')).toEqual([]);
    expect(await errors('server/src/db/key-protected.ts')).toEqual([]);
  });
});
