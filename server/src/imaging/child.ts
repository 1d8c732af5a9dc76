import { readSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { AppError } from '../errors.ts';
import { FRAME_HEADER_BYTES, type ChildSettings, type ReplyMessage, type RunMessage, type SerializedError, type TaskTable } from './protocol.ts';
import { PreviewUnavailable } from './refusals.ts';

/**
 * A decoder child of the imaging pool (pool.ts): it holds no keys and no secrets (its
 * environment is empty, and it is a fresh program, not a copy of the server), reads each
 * task's bytes from stdin, runs the task and answers over IPC. Anything it cannot survive —
 * a libvips crash, an input over its limit, a hang — ends only this process; the parent fails
 * that one task and starts another child.
 */

const EXIT_INPUT_TOO_LARGE = 3;
const STDIN = 0;

const settings = JSON.parse(process.argv[2] ?? '{}') as ChildSettings;
// Every image is new: libvips' operation cache would only hold memory.
sharp.cache(false);
sharp.concurrency(settings.threads);
const { tasks } = (await import(pathToFileURL(settings.tasksModule).href)) as { tasks: TaskTable };

const send = (message: ReplyMessage) => process.send?.(message);

// ——— stdin frames into whole inputs, in order ———

/**
 * Fills `target` from stdin with blocking reads (libuv hands a child its stdio blocking): this
 * child does nothing else while a task's input arrives, and reading straight into the input's
 * buffer costs about half the CPU of stream events (docs/performance.md). A hang is the
 * parent's to end (the task's time budget), a parent gone ends the read.
 */
function readFully(target: Buffer): void {
  for (let at = 0; at < target.length; ) {
    const read = readSync(STDIN, target, at, target.length - at, null);
    if (read === 0) process.exit(0);
    at += read;
  }
}

const header = Buffer.alloc(FRAME_HEADER_BYTES);

/** One task's input: into one buffer of the length the parent stated, or joined from its frames. */
function nextInput(statedBytes: number | undefined): Buffer {
  if (statedBytes !== undefined && statedBytes > settings.maxInputBytes) process.exit(EXIT_INPUT_TOO_LARGE);
  const whole = statedBytes === undefined ? undefined : Buffer.allocUnsafe(statedBytes);
  const parts: Buffer[] = [];
  let received = 0;
  for (;;) {
    readFully(header);
    const length = header.readUInt32BE(0);
    if (length === 0) break;
    if (received + length > (whole?.length ?? settings.maxInputBytes)) process.exit(EXIT_INPUT_TOO_LARGE);
    if (whole) readFully(whole.subarray(received, received + length));
    else {
      const part = Buffer.allocUnsafe(length);
      readFully(part);
      parts.push(part);
    }
    received += length;
  }
  if (whole) return whole.subarray(0, received);
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, received);
}

// ——— tasks, one at a time, as the parent sends them ———

function serialize(error: unknown): SerializedError {
  if (error instanceof PreviewUnavailable) return { kind: 'preview', reason: error.reason };
  if (error instanceof AppError && error.statusCode < 500) return { kind: 'app', code: error.code, message: error.message, statusCode: error.statusCode };
  return { kind: 'failed' };
}

let chain = Promise.resolve();
process.on('message', (message: RunMessage) => {
  chain = chain.then(async () => {
    const input = nextInput(message.inputBytes);
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
send({ type: 'ready' });
