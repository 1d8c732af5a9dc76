/**
 * Throughput and memory of the at-rest format (server/src/crypto/chunked.ts) against `cp` on the
 * same disk: a random file is copied with cp, stream-encrypted to disk, decrypted back and compared
 * by SHA-256. A plain Node stream copy (the same pipeline without encryption) separates the cost
 * of Node's file streams from the cost of the crypto. Each Node run happens in a child process of
 * its own, so its peak RSS belongs to that operation alone, not to the file generation or hashing
 * done here. Every operation runs several times and reports its median: shared disks and CPUs are noisy.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ciphertextLength, createDecryptStream, createEncryptStream } from '../server/src/crypto/chunked.ts';
import { writeRandomFile } from './random-file.ts';
import { record } from './summary.ts';

// Not imported from harness.ts, which would weigh on the RSS of the child processes measured here.
const run = promisify(execFile);
const MiB = 1024 * 1024;
const RUNS = 3;
/** Read piece size: 16 chunks per Transform call, without holding much in flight. */
const READ_PIECE_SIZE = 256 * 1024;
/** Room for several pieces while one write is in flight, so reading, crypto and writing overlap instead of taking turns. */
const WRITE_BUFFER_SIZE = 4 * 1024 * 1024;
const CONTEXT = Buffer.from('bench-file/original');

type Operation = 'copy' | 'encrypt' | 'decrypt';

interface Measurement {
  seconds: number;
  /** Child runs only: the process's RSS just before its first read, and its peak. */
  startRssMiB?: number;
  peakRssMiB?: number;
}

export async function runCryptoBench(opts: { sizeMiB: number; dir: string }): Promise<void> {
  const bytes = opts.sizeMiB * MiB;
  const paths = {
    plain: join(opts.dir, 'plain.bin'),
    copy: join(opts.dir, 'copy.bin'),
    encrypted: join(opts.dir, 'encrypted.bin'),
    decrypted: join(opts.dir, 'decrypted.bin'),
  };
  const key = randomBytes(32);
  try {
    const plainSha256 = await writeRandomFile(paths.plain, bytes);
    const cp = await median(() => freshRun(paths.copy, () => timeCp(paths.plain, paths.copy)));
    const nodeCopy = await median(() => freshRun(paths.copy, () => runChild('copy', paths.plain, paths.copy, key)));
    await rm(paths.copy);
    const encrypt = await median(() => freshRun(paths.encrypted, () => runChild('encrypt', paths.plain, paths.encrypted, key)));
    const encryptedSize = (await stat(paths.encrypted)).size;
    if (encryptedSize !== ciphertextLength(bytes)) throw new Error(`Ciphertext is ${encryptedSize} bytes, expected ${ciphertextLength(bytes)}.`);
    const decrypt = await median(() => freshRun(paths.decrypted, () => runChild('decrypt', paths.encrypted, paths.decrypted, key)));
    const roundTripOk = (await sha256OfFile(paths.decrypted)) === plainSha256;

    const row = (name: string, measurement: Measurement): string => {
      const columns = [
        name.padEnd(10),
        `${measurement.seconds.toFixed(2).padStart(7)} s`,
        `${(opts.sizeMiB / measurement.seconds).toFixed(0).padStart(6)} MiB/s`,
        `${(cp.seconds / measurement.seconds).toFixed(2).padStart(5)} × cp`,
      ];
      if (measurement.peakRssMiB !== undefined && measurement.startRssMiB !== undefined) {
        columns.push(`peak RSS ${measurement.peakRssMiB.toFixed(1)} MiB (${measurement.startRssMiB.toFixed(1)} MiB before the first byte)`);
      }
      return columns.join('  ');
    };
    console.log(`chunked encryption (Cobblestone-256): ${opts.sizeMiB} MiB, median of ${RUNS} runs, read pieces of ${READ_PIECE_SIZE / 1024} KiB`);
    console.log(row('cp', cp));
    console.log(row('node copy', nodeCopy));
    console.log(row('encrypt', encrypt));
    console.log(row('decrypt', decrypt));
    console.log(`round trip SHA-256: ${roundTripOk ? 'identical' : 'MISMATCH'}`);
    for (const [name, measurement] of [['encrypt', encrypt], ['decrypt', decrypt]] as const) {
      record({
        measure: `file ${name} / cp (${opts.sizeMiB} MiB)`,
        value: `${(opts.sizeMiB / measurement.seconds).toFixed(0)} MiB/s`,
        baseline: `cp ${(opts.sizeMiB / cp.seconds).toFixed(0)} MiB/s`,
        ratio: `${(cp.seconds / measurement.seconds).toFixed(2)} ×`,
        aim: '≥ 0.4 ×',
      });
    }
    if (!roundTripOk) throw new Error('The decrypted file differs from the original.');
  } finally {
    await Promise.all(Object.values(paths).map((path) => rm(path, { force: true })));
  }
}

/** Median time over RUNS; the worst peak RSS, since a limit must hold on every run. */
async function median(measure: () => Promise<Measurement>): Promise<Measurement> {
  const runs: Measurement[] = [];
  for (let index = 0; index < RUNS; index++) runs.push(await measure());
  const seconds = runs.map((measurement) => measurement.seconds).sort((a, b) => a - b)[Math.floor(RUNS / 2)] ?? Number.NaN;
  const peaks = runs.flatMap((measurement) => (measurement.peakRssMiB === undefined ? [] : [measurement.peakRssMiB]));
  const starts = runs.flatMap((measurement) => (measurement.startRssMiB === undefined ? [] : [measurement.startRssMiB]));
  return peaks.length === 0 ? { seconds } : { seconds, peakRssMiB: Math.max(...peaks), startRssMiB: Math.max(...starts) };
}

/** Every run writes a new file after the previous run's dirty pages are flushed, so no run pays for another's writeback. */
async function freshRun(output: string, measure: () => Promise<Measurement>): Promise<Measurement> {
  await rm(output, { force: true });
  await run('sync');
  return measure();
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: READ_PIECE_SIZE }), hash);
  return hash.digest('hex');
}

async function timeCp(from: string, to: string): Promise<Measurement> {
  const started = performance.now();
  await run('cp', ['--', from, to]);
  return { seconds: (performance.now() - started) / 1000 };
}

async function runChild(operation: Operation, input: string, output: string, key: Buffer): Promise<Measurement> {
  const { stdout } = await run(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), operation, input, output], {
    env: { ...process.env, BENCH_KEY_HEX: key.toString('hex') },
  });
  return JSON.parse(stdout) as Measurement;
}

/** Child side: one pipeline, timed from opening the input to the last write. */
async function runOperation(operation: Operation, input: string, output: string, key: Buffer): Promise<Measurement> {
  const startRssMiB = process.memoryUsage.rss() / MiB;
  const started = performance.now();
  const source = createReadStream(input, { highWaterMark: READ_PIECE_SIZE });
  const sink = createWriteStream(output, { highWaterMark: WRITE_BUFFER_SIZE });
  if (operation === 'copy') await pipeline(source, sink);
  else await pipeline(source, operation === 'encrypt' ? createEncryptStream(key, CONTEXT) : createDecryptStream(key, CONTEXT), sink);
  const seconds = (performance.now() - started) / 1000;
  return { seconds, startRssMiB, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
}

// import.meta.main would do, but only from Node 24.2; package.json allows Node 22.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [operation, input, output] = process.argv.slice(2);
  if ((operation !== 'copy' && operation !== 'encrypt' && operation !== 'decrypt') || input === undefined || output === undefined) {
    throw new Error('usage: crypto.ts copy|encrypt|decrypt <input> <output>');
  }
  const measurement = await runOperation(operation, input, output, Buffer.from(process.env.BENCH_KEY_HEX ?? '', 'hex'));
  process.stdout.write(JSON.stringify(measurement));
}
