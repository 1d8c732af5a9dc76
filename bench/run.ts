// Runs the benchmarks in a temporary directory on the local disk. BENCH_SIZE_MIB sets the file size (default 1024).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCryptoBench } from './crypto.ts';
import { runVaultBench } from './vault.ts';

const sizeMiB = Number(process.env.BENCH_SIZE_MIB ?? '1024');
if (!Number.isSafeInteger(sizeMiB) || sizeMiB <= 0) {
  throw new Error(`BENCH_SIZE_MIB must be a positive whole number of MiB, not "${process.env.BENCH_SIZE_MIB}".`);
}

const dir = await mkdtemp(join(tmpdir(), 'shutterlock-bench-'));
try {
  await runCryptoBench({ sizeMiB, dir });
  await runVaultBench({ dir });
} finally {
  await rm(dir, { recursive: true, force: true });
}
