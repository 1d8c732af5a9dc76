import type { Command } from 'commander';
import { SEAL_HEARTBEAT_MS, pruneChain, sealChainHead, verifyChain } from '../audit/chain.ts';
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
    .description('check every entry, link and seal of the audit chain and the chain of seals; names the first bad entry (exit 1)')
    .option('--max-seal-age <minutes>', 'fail when the newest seal is older (removed seals); 0 = do not check. Default: twice the larger of an hour and AUDIT_SEAL_MINUTES, plus AUDIT_SEAL_MINUTES')
    .action((options: { maxSealAge?: string }) =>
      withRuntime(async ({ database, keys, config }) => {
        const sealPeriodMs = config.audit.sealMinutes * 60_000;
        let maxSealAgeMs: number | undefined = 2 * Math.max(SEAL_HEARTBEAT_MS, sealPeriodMs) + sealPeriodMs;
        if (options.maxSealAge !== undefined) {
          const minutes = Number(options.maxSealAge);
          if (!Number.isInteger(minutes) || minutes < 0) throw new AppError('max_seal_age_invalid', '--max-seal-age must be a whole number of minutes (0 = do not check).');
          maxSealAgeMs = minutes === 0 ? undefined : minutes * 60_000;
        }
        const result = await verifyChain(database.db, keys, { maxSealAgeMs });
        const range = result.entries > 0 ? `entries ${result.firstSeq}–${result.headSeq}` : 'no entries';
        if (!result.ok) throw new AppError('audit_chain_broken', `The audit chain does not verify after ${result.entries} good entries: ${result.problem?.reason}${result.problem?.id ? ` (id ${result.problem.id})` : ''}.`);
        process.stdout.write(`The audit chain verifies: ${range}, ${result.seals} seal(s), ${result.unsealed} entr${result.unsealed === 1 ? 'y' : 'ies'} after the newest seal.\n`);
      }),
    );

  audit
    .command('seal')
    .description('seal the chain head now, after checking the entries since the newest seal (the server also does it every AUDIT_SEAL_MINUTES)')
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
