// Runs the benchmarks in a temporary directory on the local disk: all of them, or those named
// (`npm run bench -- deliveries`). BENCH_SIZE_MIB sets the crypto bench's file size (default 1024).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCryptoBench } from './crypto.ts';
import { runDeliveriesBench } from './deliveries.ts';
import { positiveInteger } from './harness.ts';
import { runImagingBench } from './imaging.ts';
import { runRequestsBench } from './requests.ts';
import { runScaleoutBench } from './scaleout.ts';
import { runResumableBench } from './resumable.ts';
import { printSummary } from './summary.ts';
import { runSealedNamesBench } from './sealed-names.ts';
import { runVaultBench } from './vault.ts';

const sizeMiB = positiveInteger('BENCH_SIZE_MIB', 1024);

const benches: Record<string, (opts: { dir: string }) => Promise<void>> = {
  crypto: ({ dir }) => runCryptoBench({ sizeMiB, dir }),
  vault: runVaultBench,
  resumable: runResumableBench,
  deliveries: runDeliveriesBench,
  imaging: runImagingBench,
  requests: runRequestsBench,
  'sealed-names': runSealedNamesBench,
  scaleout: runScaleoutBench,
};
const named = process.argv.slice(2);
const unknown = named.filter((name) => !(name in benches));
if (unknown.length > 0) throw new Error(`Unknown bench ${unknown.join(', ')}: choose among ${Object.keys(benches).join(', ')}.`);

const dir = await mkdtemp(join(tmpdir(), 'shutterlock-bench-'));
try {
  for (const [name, bench] of Object.entries(benches)) {
    if (named.length === 0 || named.includes(name)) await bench({ dir });
  }
} finally {
  // Also after a failure: the rows measured so far.
  printSummary();
  await rm(dir, { recursive: true, force: true });
}
