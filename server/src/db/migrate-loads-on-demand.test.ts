import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * A migration's module is imported when it runs, not when the migrator starts: a server started
 * on an up-to-date database loads none of them (modules stay loaded for the process's life).
 * Checked in fresh Node processes, recording every module each resolves.
 */

const migrate = fileURLToPath(new URL('./migrate.ts', import.meta.url));
const database = fileURLToPath(new URL('./database.ts', import.meta.url));

/** Migrates the SQLite file in a fresh process: what it applied and which migration modules it loaded. */
async function migrateInFreshProcess(file: string): Promise<{ applied: string[]; migrationModules: string[] }> {
  const script = `
    import { registerHooks } from 'node:module';
    const resolved = [];
    registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); resolved.push(result.url); return result; } });
    const { migrateToLatest } = await import(${JSON.stringify(migrate)});
    const { createDatabase } = await import(${JSON.stringify(database)});
    const database = createDatabase({ kind: 'sqlite', file: ${JSON.stringify(file)} });
    const applied = await migrateToLatest(database);
    await database.close();
    console.log(JSON.stringify({ applied, migrationModules: resolved.filter((url) => url.includes('/db/migrations/')) }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { timeout: 60_000, env: { PATH: process.env.PATH ?? '' } });
  return JSON.parse(stdout) as { applied: string[]; migrationModules: string[] };
}

describe('the migrations', () => {
  let directory: string | undefined;
  afterEach(async () => {
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it('are imported only when they run: none on an up-to-date database', async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'shutterlock-migrate-'));
    const file = path.join(directory, 'shutterlock.sqlite');
    const first = await migrateInFreshProcess(file);
    expect(first.applied.length).toBeGreaterThan(10);
    expect(first.migrationModules.length).toBeGreaterThanOrEqual(first.applied.length);

    const again = await migrateInFreshProcess(file);
    expect(again).toEqual({ applied: [], migrationModules: [] });
  });
});
