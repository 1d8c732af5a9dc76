/**
 * Runs chunk batches (chunk-aead.ts) on one worker thread shared by every stream of the
 * process, so that sealing and opening large messages takes the cipher, its buffers and
 * their garbage off the main thread, which meanwhile reads sockets, hashes and writes. The
 * worker starts on the first batch, keeps the process alive only while a batch is out, and
 * exits after a while without work (its memory goes with it). Should it die, the batches it
 * held fail and the next batch starts a new one.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { IntegrityError } from '../errors.ts';
import type { ChunkBatch } from './chunk-aead.ts';
import type { BatchReply, BatchRequest } from './chunk-worker.ts';

const IDLE_EXIT_MS = 30_000;

interface Pending {
  resolve(output: Buffer): void;
  reject(error: Error): void;
}

let worker: Worker | undefined;
const pending = new Map<number, Pending>();
let nextId = 0;
let idleTimer: NodeJS.Timeout | undefined;

function startWorker(): Worker {
  // The worker runs as this module does: .ts under type stripping, .js once built.
  const started = new Worker(new URL(`./chunk-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url), {
    // A small young generation, as `npm start` gives the main thread: the cipher's 16 KiB
    // outputs are then reclaimed by scavenges, not by full collections forced by external memory.
    resourceLimits: { maxYoungGenerationSizeMb: 3 },
    stdout: false,
    stderr: false,
  });
  started.unref();
  started.on('message', (reply: BatchReply) => {
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if (pending.size === 0) becameIdle(started);
    if ('output' in reply) waiting.resolve(Buffer.from(reply.output.buffer, reply.output.byteOffset, reply.output.byteLength));
    else if ('integrity' in reply) waiting.reject(new IntegrityError(reply.integrity));
    else waiting.reject(new Error(`The chunk worker failed: ${reply.failure}`));
  });
  const lost = (error: Error) => {
    if (worker === started) worker = undefined;
    clearTimeout(idleTimer);
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  started.on('error', lost);
  started.on('exit', (code) => lost(new Error(`The chunk worker exited (code ${code}).`)));
  return started;
}

function becameIdle(idle: Worker): void {
  idle.unref();
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (worker === idle && pending.size === 0) {
      worker = undefined;
      void idle.terminate();
    }
  }, IDLE_EXIT_MS);
  idleTimer.unref();
}

/** Seals or opens the batch on the worker. `batch.data` must be a whole ArrayBuffer of its own: it is transferred, and unusable here afterwards. */
export function offloadBatch(batch: ChunkBatch): Promise<Buffer> {
  const current = (worker ??= startWorker());
  clearTimeout(idleTimer);
  if (pending.size === 0) current.ref();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const request: BatchRequest = { ...batch, id };
    current.postMessage(request, [batch.data.buffer as ArrayBuffer]);
  });
}
