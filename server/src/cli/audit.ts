import type { Command } from 'commander';
import { pruneChain, sealChainHead, verifyChain } from '../audit/chain.ts';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { type Runtime, openRuntime } from '../runtime.ts';

/** `shutterlock audit …`: verify, seal and prune the hash-chained audit log (docs/security/audit-chain.md). */

async function withRuntime(work: (runtime: Runtime) => Promise<void>): Promise<void> {
  const runtime = await openRuntime(loadConfig(), createLogger('warn'));
  try {
    await work(runtime);
  } finally {
    await runtime.close();
  }
}

const dayMs = 24 * 60 * 60_000;

export function addAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit
    .command('verify')
    .description('check every entry, link and seal of the audit chain; names the first bad entry (exit 1)')
    .action(() =>
      withRuntime(async ({ database, keys }) => {
        const result = await verifyChain(database.db, keys);
        const range = result.entries > 0 ? `entries ${result.firstSeq}–${result.headSeq}` : 'no entries';
        if (!result.ok) throw new AppError('audit_chain_broken', `The audit chain does not verify after ${result.entries} good entries: ${result.problem?.reason}${result.problem?.id ? ` (id ${result.problem.id})` : ''}.`);
        process.stdout.write(`The audit chain verifies: ${range}, ${result.seals} seal(s).\n`);
      }),
    );

  audit
    .command('seal')
    .description('seal the chain head now (the server also does it every AUDIT_SEAL_MINUTES)')
    .action(() =>
      withRuntime(async ({ database, keys }) => {
        const sealed = await sealChainHead(database.db, keys);
        process.stdout.write(sealed === null ? 'The chain head is already sealed.\n' : `Sealed the chain at entry ${sealed}.\n`);
      }),
    );

  audit
    .command('prune')
    .description('remove entries older than --days behind a sealed checkpoint (the server does it daily with AUDIT_RETENTION_DAYS)')
    .requiredOption('--days <days>', 'keep this many days of entries')
    .action((options: { days: string }) =>
      withRuntime(async ({ database, keys }) => {
        const days = Number(options.days);
        if (!Number.isInteger(days) || days < 1) throw new AppError('days_invalid', '--days must be a whole number of days, at least 1.');
        const removed = await pruneChain(database.db, keys, Date.now() - days * dayMs);
        process.stdout.write(`Removed ${removed} entr${removed === 1 ? 'y' : 'ies'} older than ${days} days behind a sealed checkpoint.\n`);
      }),
    );
}
