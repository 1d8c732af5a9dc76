import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { AppError } from '../errors.ts';
import { FRAME_HEADER_BYTES, type ChildSettings, type ReplyMessage, type RunMessage, type SerializedError, type TaskTable } from './protocol.ts';
import { PreviewUnavailable } from './previews.ts';

/**
 * A decoder child of the imaging pool (pool.ts): it holds no keys and no secrets (its
 * environment is empty, and it is a fresh program, not a copy of the server), reads each
 * task's bytes from stdin, runs the task and answers over IPC. Anything it cannot survive —
 * a libvips crash, an input over its limit, a hang — ends only this process; the parent fails
 * that one task and starts another child.
 */

const EXIT_INPUT_TOO_LARGE = 3;

const settings = JSON.parse(process.argv[2] ?? '{}') as ChildSettings;
// Every image is new: libvips' operation cache would only hold memory.
sharp.cache(false);
sharp.concurrency(settings.threads);
const { tasks } = (await import(pathToFileURL(settings.tasksModule).href)) as { tasks: TaskTable };

const send = (message: ReplyMessage) => process.send?.(message);

// ——— stdin frames into whole inputs, in order ———

const inputs: Buffer[] = [];
const waiting: Array<(input: Buffer) => void> = [];

function deliver(input: Buffer): void {
  const waiter = waiting.shift();
  if (waiter) waiter(input);
  else inputs.push(input);
}

function nextInput(): Promise<Buffer> {
  const ready = inputs.shift();
  return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
}

let header = Buffer.alloc(0);
let frameLeft = 0;
let parts: Buffer[] = [];
let received = 0;

process.stdin.on('data', (chunk: Buffer) => {
  let at = 0;
  while (at < chunk.length) {
    if (frameLeft === 0) {
      const taken = chunk.subarray(at, at + FRAME_HEADER_BYTES - header.length);
      header = Buffer.concat([header, taken]);
      at += taken.length;
      if (header.length < FRAME_HEADER_BYTES) return;
      frameLeft = header.readUInt32BE(0);
      header = Buffer.alloc(0);
      if (frameLeft === 0) {
        deliver(Buffer.concat(parts, received));
        parts = [];
        received = 0;
      } else if (received + frameLeft > settings.maxInputBytes) {
        process.exit(EXIT_INPUT_TOO_LARGE);
      }
      continue;
    }
    const piece = chunk.subarray(at, at + frameLeft);
    parts.push(piece);
    received += piece.length;
    frameLeft -= piece.length;
    at += piece.length;
  }
});

// ——— tasks, one at a time, as the parent sends them ———

function serialize(error: unknown): SerializedError {
  if (error instanceof PreviewUnavailable) return { kind: 'preview', reason: error.reason };
  if (error instanceof AppError && error.statusCode < 500) return { kind: 'app', code: error.code, message: error.message, statusCode: error.statusCode };
  return { kind: 'failed' };
}

let chain = Promise.resolve();
process.on('message', (message: RunMessage) => {
  chain = chain.then(async () => {
    const input = await nextInput();
    const task = Object.hasOwn(tasks, message.task) ? tasks[message.task] : undefined;
    try {
      if (!task) throw new Error(`no imaging task "${message.task}"`);
      send({ type: 'done', id: message.id, value: await task(input, message.params as never) });
    } catch (error) {
      send({ type: 'failed', id: message.id, error: serialize(error) });
    }
  });
});
// The parent went away: so does this child.
process.on('disconnect', () => process.exit(0));
