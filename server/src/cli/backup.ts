import path from 'node:path';
import type { Command } from 'commander';
import { type BackupOptions, type BackupSource, createBackup, openBackupForChecking, restoreBackup, verifyBackup } from '../backup/backup.ts';
import { type Config, loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';
import { createBlobStore } from '../storage/create-blob-store.ts';
import { createVaultDeps } from '../vault/deps.ts';
import { scrubVault } from '../vault/scrub.ts';
import { configuredMasterKeys } from './keys.ts';

/** `shutterlock backup …`: create, verify and restore backups (docs/operations.md#backups). */

/** The configured database, blob store and master keys, without opening (or creating) the database: restore needs it absent. */
async function configuredSource(config: Config): Promise<BackupSource> {
  const keys = await configuredMasterKeys(config);
  return { database: config.database, blobs: await createBlobStore(config.storage), keys };
}

/**
 * S3 settings for an s3:// backup location: the storage's endpoint, region and credentials
 * when storage is S3; otherwise S3_REGION and the AWS SDK's default credential chain
 * (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile, an instance role).
 */
export function backupOptions(config: Config): BackupOptions {
  if (config.storage.kind === 's3') {
    const { endpoint, region, accessKeyId, secretAccessKey, forcePathStyle } = config.storage;
    return { s3: { endpoint, region, accessKeyId, secretAccessKey, forcePathStyle } };
  }
  return { s3: { region: process.env.S3_REGION ?? process.env.AWS_REGION ?? 'us-east-1' } };
}

/** A directory is resolved against the working directory; an s3:// location is taken as written. */
export function locationOf(target: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target : path.resolve(target);
}

/**
 * Every blob's key commitment and chunk tags, as scrub checks them, against the backup's own
 * database (its studios' data keys): the snapshot is decrypted to a private temporary file
 * (SQLite) or restored into the scratch database given (PostgreSQL).
 */
export async function verifyBlobChunks(config: Config, location: string, scratchUrl: string | undefined): Promise<string[]> {
  const { keys } = await configuredSource(config);
  const opened = await openBackupForChecking(location, keys, { ...backupOptions(config), scratchUrl });
  try {
    const runtime = await openRuntime({ ...config, database: opened.database }, createLogger('warn'));
    try {
      const report = await scrubVault(createVaultDeps({ ...runtime, blobs: opened.blobs }, () => undefined));
      return [...report.missing, ...report.corrupt].map((finding) => `blob ${finding.key} (file ${finding.fileId}, ${finding.variant}): ${finding.reason}`);
    } finally {
      await runtime.close();
    }
  } finally {
    await opened.close();
  }
}

export function addBackupCommands(program: Command): void {
  const backup = program.command('backup').description('backups: create, verify, restore');

  backup
    .command('create')
    .description('snapshot the database (encrypted) and copy new blobs into DIR or s3://bucket/prefix; prints the backup location')
    .requiredOption('--to <location>', 'the backup root, a directory or s3://bucket/prefix (blobs are shared by every backup in it)')
    .action(async (options: { to: string }) => {
      const config = loadConfig();
      const { dir, manifest, blobsCopied } = await createBackup(await configuredSource(config), locationOf(options.to), new Date(), backupOptions(config));
      process.stdout.write(`Backup ${manifest.id}: ${manifest.blobs.length} blobs (${blobsCopied} new), database snapshot encrypted.\n${dir}\n`);
    });

  backup
    .command('verify')
    .description('check a backup without restoring it: manifest HMAC, snapshot chunks, every blob’s SHA-256, then every blob’s key commitment and chunk tags')
    .argument('<backup>', 'the backup location printed by "backup create"')
    .option('--scratch-database <url>', 'PostgreSQL backups: an empty database to restore the snapshot into, for the data keys that check the blobs’ chunks')
    .action(async (location: string, options: { scratchDatabase?: string }) => {
      const config = loadConfig();
      const { keys } = await configuredSource(config);
      const result = await verifyBackup(locationOf(location), keys, backupOptions(config));
      const problems = result.ok ? await verifyBlobChunks(config, locationOf(location), options.scratchDatabase) : result.problems;
      if (problems.length > 0) {
        for (const problem of problems) process.stderr.write(`${problem}\n`);
        throw new AppError('backup_invalid', `The backup does not verify: ${problems.length} problem(s).`);
      }
      process.stdout.write(`The backup verifies: database snapshot and ${result.blobs} blobs, every chunk authenticated.\n`);
    });

  backup
    .command('restore')
    .description('restore a verified backup into an empty database (fresh data directory, or empty DATABASE_URL) and the configured blob store')
    .requiredOption('--from <backup>', 'the backup location printed by "backup create"')
    .action(async (options: { from: string }) => {
      const config = loadConfig();
      const { blobs } = await restoreBackup(locationOf(options.from), await configuredSource(config), backupOptions(config));
      process.stdout.write(`Restored the database and ${blobs} blobs. Start the server: destroyed studio keys are destroyed again at start-up.\n`);
    });
}
