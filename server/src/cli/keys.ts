import crypto from 'node:crypto';
import type { Command } from 'commander';
import { recordAudit } from '../audit/audit-log.ts';
import { type Config, loadConfig } from '../config.ts';
import { type MasterKeyProvider, addDevelopmentKeyVersion, loadMasterKeyProvider } from '../crypto/master-keys.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { AppError } from '../errors.ts';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { adoptLegacyPeppers } from '../keys/peppers.ts';
import { type RotationDeps, type VersionUsage, countKeyUsage, rotateToActiveVersion, versionInUse, versionState } from '../keys/rotation.ts';

/** `shutterlock keys …`: master-key status, rotation and retirement (docs/operations.md). */

/** The configured master keys, as a command sees them: warnings go to stderr. */
export function configuredMasterKeys(config: Config): Promise<MasterKeyProvider> {
  return loadMasterKeyProvider({
    masterKeys: config.masterKeys,
    dataDir: config.dataDir,
    production: config.production,
    warn: (message) => process.stderr.write(`WARNING: ${message}\n`),
  });
}

async function withKeysAndDatabase<T>(work: (deps: RotationDeps) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const keys = await configuredMasterKeys(config);
  const database = createDatabase(config.database);
  try {
    await migrateToLatest(database);
    const deps = { db: database.db, keys, ...keyProtectedData(capabilities) };
    // Before anything is counted: a hash an older release peppered under a master version
    // depends on that version until its pepper is wrapped (keys/peppers.ts).
    await adoptLegacyPeppers(deps);
    return await work(deps);
  } finally {
    await database.close();
  }
}

function printUsage(usage: VersionUsage[]): void {
  process.stdout.write('version      state         studio keys  code peppers  secret fields\n');
  for (const entry of usage) {
    const state = versionState(entry) === 'missing' ? 'MISSING' : versionState(entry);
    process.stdout.write(
      `${entry.version.padEnd(12)} ${state.padEnd(13)} ${String(entry.studioKeys).padStart(11)}  ${String(entry.peppers).padStart(12)}  ${String(entry.secretFields).padStart(13)}\n`,
    );
  }
}

export function addKeyCommands(program: Command): void {
  const keys = program.command('keys').description('master keys: status, rotation, retirement');

  keys
    .command('status')
    .description('show each master key version and how many items it still protects')
    .action(() => withKeysAndDatabase(async (deps) => printUsage(await countKeyUsage(deps))));

  keys
    .command('generate')
    .description('print a new random master key entry ("id:base64") to put first in SHUTTERLOCK_MASTER_KEYS')
    .argument('<id>', 'the new version id, e.g. 2027-01 (a-z, 0-9, _ or -)')
    .action((id: string) => {
      if (!/^[a-z0-9_-]{1,32}$/.test(id)) throw new AppError('master_key_invalid', 'A key id is 1-32 characters of a-z, 0-9, "_" or "-".');
      process.stdout.write(`${id}:${crypto.randomBytes(32).toString('base64')}\n`);
    });

  keys
    .command('rotate')
    .description('rewrap every studio key and code pepper and re-seal every secret field under the active master key (safe while servers run)')
    .action(async () => {
      const config = loadConfig();
      if (!config.masterKeys && !config.production) {
        const version = await addDevelopmentKeyVersion(config.dataDir);
        process.stdout.write(`Development key file: new version "${version}" is now active.\n`);
      }
      await withKeysAndDatabase(async (deps) => {
        const result = await rotateToActiveVersion(deps);
        await recordAudit(deps.db, {
          action: 'keys.rotated',
          ip: 'cli',
          userAgent: 'shutterlock-cli',
          details: { activeVersion: result.activeVersion, studioKeys: result.studioKeysRewrapped, secretFields: result.secretFieldsResealed, failures: result.failures.length },
        });
        process.stdout.write(
          `Active version "${result.activeVersion}": ${result.studioKeysRewrapped} studio keys and ${result.peppersRewrapped} code peppers rewrapped, ${result.secretFieldsResealed} secret fields re-sealed.\n`,
        );
        printUsage(await countKeyUsage(deps));
        if (result.failures.length > 0) {
          for (const failure of result.failures) process.stderr.write(`could not rotate ${failure.item}: ${failure.code}\n`);
          throw new AppError('rotation_incomplete', `${result.failures.length} item(s) could not be rotated and were left unchanged.`, 500);
        }
      });
    });

  keys
    .command('retire')
    .description('check that a version protects nothing, so it can be removed from SHUTTERLOCK_MASTER_KEYS')
    .argument('<version>', 'the master key version to retire')
    .action((version: string) =>
      withKeysAndDatabase(async (deps) => {
        const entry = (await countKeyUsage(deps)).find((candidate) => candidate.version === version);
        if (!entry) throw new AppError('unknown_key_version', `No master key version "${version}" is configured or in use.`);
        if (entry.active) throw new AppError('key_version_active', `"${version}" is the active version; make another version active first.`);
        if (versionInUse(entry)) {
          throw new AppError(
            'key_version_in_use',
            `"${version}" still protects ${entry.studioKeys} studio keys, ${entry.peppers} code peppers and ${entry.secretFields} secret fields: run "shutterlock keys rotate" first.`,
          );
        }
        process.stdout.write(`"${version}" protects nothing. Remove it from SHUTTERLOCK_MASTER_KEYS on every instance, then destroy it.\n`);
      }),
    );
}
