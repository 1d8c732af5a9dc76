import type { Command } from 'commander';
import { backupRepairSource } from '../backup/backup.ts';
import { backupOptions, locationOf } from './backup.ts';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';
import { createVaultDeps } from '../vault/deps.ts';
import { scrubAndRecord } from '../vault/scrub.ts';

/** `shutterlock scrub`: prove every stored blob, list orphans, optionally repair from a backup. */
export function addScrubCommand(program: Command): void {
  program
    .command('scrub')
    .description('read every blob: key commitment, every chunk tag, the SHA-256 recorded at upload; report missing, corrupt and orphaned blobs (exit 1 if any is missing or corrupt)')
    .option('--repair-from <backup>', 'put missing or corrupt blobs back from this backup (a directory or s3:// location)')
    .action(async (options: { repairFrom?: string }) => {
      const runtime = await openRuntime(loadConfig(), createLogger('warn'));
      try {
        const deps = createVaultDeps(runtime, () => undefined);
        const repair = options.repairFrom ? await backupRepairSource(locationOf(options.repairFrom), runtime.keys, runtime.blobs, backupOptions(runtime.config)) : undefined;
        const report = await scrubAndRecord(deps, repair);
        for (const finding of [...report.missing, ...report.corrupt]) process.stdout.write(`${finding.key} (file ${finding.fileId}, ${finding.variant}): ${finding.reason}\n`);
        for (const key of report.orphaned) process.stdout.write(`${key}: orphaned (no file references it)\n`);
        for (const key of report.repaired) process.stdout.write(`${key}: repaired from the backup\n`);
        process.stdout.write(
          `Checked ${report.checked} blobs: ${report.missing.length} missing, ${report.corrupt.length} corrupt, ${report.orphaned.length} orphaned, ${report.repaired.length} repaired.\n`,
        );
        if (report.missing.length + report.corrupt.length > 0) throw new AppError('scrub_found_damage', 'Some blobs are missing or corrupt.');
      } finally {
        await runtime.close();
      }
    });
}
