import type { Command } from 'commander';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { assertKeyVersionsConfigured } from '../keys/rotation.ts';
import { type LabView, listLabs, resetLabPin } from '../labs/admin.ts';
import { type LabsDeps, createLabsDeps } from '../labs/deps.ts';
import { canonicalLabCode } from '../labs/lab-ids.ts';
import { createLogger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';
import { createVaultDeps } from '../vault/deps.ts';
import { createVaultFiles } from '../vault/service.ts';

/** `shutterlock lab …`: the print labs from the console (docs/labs.md), over the admin's services. */

async function withLabs(work: (deps: LabsDeps) => Promise<void>): Promise<void> {
  const runtime = await openRuntime(loadConfig(), createLogger('warn'));
  const deps = createLabsDeps(runtime, createVaultFiles(createVaultDeps(runtime, () => undefined)));
  try {
    await assertKeyVersionsConfigured({ db: runtime.database.db, keys: runtime.keys, ...keyProtectedData(capabilities) });
    await work(deps);
  } finally {
    await deps.limits.close();
    await runtime.close();
  }
}

function stateOf(lab: LabView): string {
  if (lab.disabled) return 'disabled';
  if (lab.blocked) return 'blocked';
  return lab.lockedUntil === null ? 'active' : `locked until ${lab.lockedUntil}`;
}

export function addLabCommands(program: Command): void {
  const lab = program.command('lab').description('print labs');
  lab
    .command('list')
    .description('every lab: its lab ID, name, state and contacts')
    .action(() =>
      withLabs(async (deps) => {
        for (const entry of await listLabs(deps)) process.stdout.write(`${entry.labId}  ${entry.name}  ${stateOf(entry)}  ${entry.contactEmails.join(', ')}\n`);
      }),
    );
  lab
    .command('reset-pin')
    .description('draw a new PIN for a lab (printed once); its sessions end and its lockout is lifted')
    .argument('<lab-id>', 'the lab ID, e.g. LAB-7KQ3')
    .action((labId: string) =>
      withLabs(async (deps) => {
        const code = canonicalLabCode(labId);
        const found = code === undefined ? undefined : (await listLabs(deps)).find((entry) => entry.labId === code);
        if (!found) throw new AppError('lab_not_found', `No lab has the ID ${labId}.`);
        const { pin } = await resetLabPin(deps, { actorUserId: null, ip: 'cli', userAgent: 'shutterlock-cli' }, found.id, undefined);
        process.stdout.write(`New PIN for ${found.labId} (${found.name}): ${pin}\nIt is shown only this once.\n`);
      }),
    );
}
