import path from 'node:path';
import type { Command } from 'commander';
import { type BackupSource, createBackup, restoreBackup, verifyBackup } from '../backup/backup.ts';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { createBlobStore } from '../storage/create-blob-store.ts';
import { configuredMasterKeys } from './keys.ts';

/** `shutterlock backup …`: create, verify and restore backups (docs/operations.md#backups). */

/** The configured database, blob store and master keys, without opening (or creating) the database: restore needs it absent. */
async function configuredSource(): Promise<BackupSource> {
  const config = loadConfig();
  const keys = await configuredMasterKeys(config);
  return { database: config.database, blobs: await createBlobStore(config.storage), keys };
}

function directoryOf(target: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw new AppError('backup_target_unsupported', 'Backups are written to a directory; to keep them in S3, sync that directory (e.g. "aws s3 sync DIR s3://bucket/path").');
  }
  return path.resolve(target);
}

export function addBackupCommands(program: Command): void {
  const backup = program.command('backup').description('backups: create, verify, restore');

  backup
    .command('create')
    .description('snapshot the database (encrypted) and copy new blobs into DIR; prints the backup directory')
    .requiredOption('--to <dir>', 'the backup directory (blobs are shared by every backup in it)')
    .action(async (options: { to: string }) => {
      const { dir, manifest, blobsCopied } = await createBackup(await configuredSource(), directoryOf(options.to));
      process.stdout.write(`Backup ${manifest.id}: ${manifest.blobs.length} blobs (${blobsCopied} new), database snapshot encrypted.\n${dir}\n`);
    });

  backup
    .command('verify')
    .description('check a backup without restoring it: manifest HMAC, snapshot chunks, every blob’s SHA-256')
    .argument('<backup>', 'the backup directory printed by "backup create"')
    .action(async (dir: string) => {
      const { keys } = await configuredSource();
      const result = await verifyBackup(path.resolve(dir), keys);
      if (!result.ok) {
        for (const problem of result.problems) process.stderr.write(`${problem}\n`);
        throw new AppError('backup_invalid', `The backup does not verify: ${result.problems.length} problem(s).`);
      }
      process.stdout.write(`The backup verifies: database snapshot and ${result.blobs} blobs.\n`);
    });

  backup
    .command('restore')
    .description('restore a verified backup into an empty database (fresh data directory, or empty DATABASE_URL) and the configured blob store')
    .requiredOption('--from <backup>', 'the backup directory printed by "backup create"')
    .action(async (options: { from: string }) => {
      const { blobs } = await restoreBackup(path.resolve(options.from), await configuredSource());
      process.stdout.write(`Restored the database and ${blobs} blobs. Start the server: destroyed studio keys are destroyed again at start-up.\n`);
    });
}
