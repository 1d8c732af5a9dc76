import type { Command } from 'commander';
import { createAuthDeps } from '../auth/deps.ts';
import { createUser } from '../auth/users.ts';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { assertKeyVersionsConfigured } from '../keys/rotation.ts';
import { createLogger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';

/** `shutterlock user …`: account administration from the console. */
export function addUserCommands(program: Command): void {
  const user = program.command('user').description('accounts');
  user
    .command('create')
    .description('create an account and email an invitation (a photographer gets their own studio)')
    .requiredOption('--email <email>', 'the person’s email address')
    .option('--role <role>', 'admin or photographer', 'photographer')
    .option('--studio-name <name>', 'a photographer’s studio name, what their clients see (default "Photography studio")')
    .action(async (options: { email: string; role: string; studioName?: string }) => {
      if (options.role !== 'admin' && options.role !== 'photographer') {
        throw new AppError('role_invalid', 'The role must be "admin" or "photographer".');
      }
      const runtime = await openRuntime(loadConfig(), createLogger('warn'));
      const auth = createAuthDeps(runtime);
      try {
        await assertKeyVersionsConfigured({ db: runtime.database.db, keys: runtime.keys, ...keyProtectedData(capabilities) });
        const created = await createUser(auth, { email: options.email, role: options.role, studioName: options.studioName }, { actorUserId: null, ip: 'cli', userAgent: 'shutterlock-cli' });
        process.stdout.write(`Created ${created.role} ${created.email} (${created.id}); an invitation email was sent.\n`);
      } finally {
        await auth.limits.close();
        await runtime.close();
      }
    });
}
