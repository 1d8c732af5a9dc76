import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { recordAudit } from '../audit/audit-log.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { makeTempDir } from '../../test/harness.ts';

const run = promisify(execFile);
const cliEntry = path.resolve(import.meta.dirname, '..', '..', 'bin', 'shutterlock.js');

async function cli(args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--experimental-strip-types', cliEntry, ...args], { env: { PATH: process.env.PATH ?? '', SHUTTERLOCK_DATA_DIR: dataDir }, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return error as { code: number; stdout: string; stderr: string };
  }
}

describe('shutterlock audit', () => {
  it('verifies, seals and prunes the chain, and names the first bad entry', async () => {
    const dataDir = await makeTempDir('audit-cli');
    const database = createDatabase({ kind: 'sqlite', file: path.join(dataDir, 'shutterlock.sqlite') });
    try {
      await migrateToLatest(database);
      const old = Date.now() - 40 * 24 * 60 * 60_000;
      for (let index = 0; index < 5; index += 1) await recordAudit(database.db, { action: 'test.event', details: { index } }, index < 2 ? old : Date.now());
      // The development key file is made by the first command that needs it.
      expect((await cli(['audit', 'seal'], dataDir)).stdout).toContain('Sealed the chain at entry 5');
      expect((await cli(['audit', 'prune', '--days', '30'], dataDir)).stdout).toContain('Removed 2 entries');
      const verified = await cli(['audit', 'verify'], dataDir);
      expect(verified).toMatchObject({ code: 0, stdout: expect.stringContaining('entries 3–5, 2 seal(s)') });

      await database.db.updateTable('audit_events').set({ action: 'test.edited' }).where('seq', '=', 4).execute();
      const broken = await cli(['audit', 'verify'], dataDir);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/after 1 good entries: entry 4: .*edited/);
      expect((await cli(['audit', 'prune', '--days', 'soon'], dataDir)).stderr).toContain('--days must be');
    } finally {
      await database.close();
    }
  });
});

describe('shutterlock backup', () => {
  it('creates, verifies and restores into a fresh data directory', async () => {
    const dataDir = await makeTempDir('backup-cli');
    const masterKeys = `cli1:${Buffer.alloc(32, 7).toString('base64')}`;
    const env = (dir: string) => ({ PATH: process.env.PATH ?? '', SHUTTERLOCK_DATA_DIR: dir, SHUTTERLOCK_MASTER_KEYS: masterKeys });
    const node = async (args: string[], dir: string) => {
      try {
        return { code: 0, ...(await run(process.execPath, ['--experimental-strip-types', cliEntry, ...args], { env: env(dir), timeout: 60_000 })) };
      } catch (error) {
        return error as { code: number; stdout: string; stderr: string };
      }
    };
    expect((await node(['migrate'], dataDir)).code).toBe(0);
    const to = await makeTempDir('backup-cli-target');
    const created = await node(['backup', 'create', '--to', to], dataDir);
    expect(created.code).toBe(0);
    const backupDir = created.stdout.trim().split('\n').at(-1)!;
    expect((await node(['backup', 'verify', backupDir], dataDir)).stdout).toContain('The backup verifies');
    const fresh = await makeTempDir('backup-cli-fresh');
    expect((await node(['backup', 'restore', '--from', backupDir], fresh)).stdout).toContain('Restored the database');
    expect((await node(['audit', 'verify'], fresh)).code).toBe(0);
    expect((await node(['backup', 'restore', '--from', backupDir], fresh)).stderr).toContain('restore into a fresh data directory');
    expect((await node(['backup', 'create', '--to', 'ftp://bucket/x'], dataDir)).stderr).toContain('a directory or s3://bucket/prefix');
    expect((await node(['backup', 'verify', to], dataDir)).stderr).toContain('Name a backup as');
  });
});
