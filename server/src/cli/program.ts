import { Command, CommanderError } from 'commander';
import { ConfigError, describeConfig, loadConfig } from '../config.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { AppError } from '../errors.ts';
import { addAuditCommands } from './audit.ts';
import { addKeyCommands } from './keys.ts';
import { addSignCommand } from './sign.ts';
import { addUserCommands } from './users.ts';

/**
 * The `shutterlock` operator command. Thin: each subcommand loads the config and calls the
 * same services the server uses. Errors print a message and set a non-zero exit code, never
 * a stack trace with internals.
 */
export function buildCli(): Command {
  const program = new Command('shutterlock')
    .description('Shutterlock operator commands (reads the same environment as the server).')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const config = loadConfig();
      const database = createDatabase(config.database);
      try {
        const applied = await migrateToLatest(database);
        process.stdout.write(applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n');
      } finally {
        await database.close();
      }
    });

  const configCommand = program.command('config').description('inspect the configuration');
  configCommand
    .command('check')
    .description('validate the environment and print the settings (secret values are never shown)')
    .action(() => {
      const rows = describeConfig(loadConfig());
      const width = Math.max(...rows.map(([name]) => name.length));
      for (const [name, value] of rows) process.stdout.write(`${name.padEnd(width)}  ${value}\n`);
      process.stdout.write('Configuration is valid.\n');
    });

  addAuditCommands(program);
  addKeyCommands(program);
  addUserCommands(program);
  addSignCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 78;
    }
    process.stderr.write(`Error: ${error instanceof AppError || error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
