import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { dirname, extname, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.ts';
import { type PreviewFailure, PreviewUnavailable } from './refusals.ts';
import { type ChildSettings, type ReplyMessage, type RunMessage, type SerializedError, type TaskTable, frameHeader, reviveBuffers } from './protocol.ts';
import type { ImagingTasks } from './tasks.ts';

/**
 * The imaging pool: every decode of untrusted image bytes runs in a child process (child.ts)
 * that holds no keys, has an empty environment, gets its input streamed over a pipe, and runs
 * under a memory ceiling and a time budget. A child is replaced after `tasksPerChild` tasks, on
 * any crash, and on a timeout (it is killed); it exits after `idleSeconds` without work. Tasks
 * beyond `size` running wait in a queue of at most `queueLimit`; beyond that the pool refuses
 * at once (503 with Retry-After). A crash, a timeout or the ceiling fails one task with
 * `ImagingFailure` (422 `image_unreadable`), never the server.
 *
 *   const pool = createImagingPool(config.imaging, logger);
 *   const { photo, dimensions } = await pool.run('inspect', plaintextStream, { check: 'decode', maxPixels });
 *
 * The tasks are those of tasks.ts (add one there to run it here); a task's own refusals
 * (an AppError below 500, a PreviewUnavailable) come back as the same errors.
 */

export interface ImagingPoolOptions {
  /** Children at most, each running one task at a time. */
  size: number;
  /** Tasks waiting for a child at most; more are refused with 503. */
  queueLimit: number;
  /** A task's time budget, from being handed to a child to its answer; the child is killed past it. */
  taskSeconds: number;
  /** A child is replaced after this many tasks. */
  tasksPerChild: number;
  /** A child's resident memory ceiling (and V8 heap limit); it is killed above it. */
  childMemoryMiB: number;
  /** A child without work for this long exits. */
  idleSeconds: number;
  /** The largest input a task takes. */
  maxInputBytes: number;
  /** libvips threads in each child. */
  threads: number;
  /** The module whose `tasks` the children run; tasks.ts unless a test gives its own. */
  tasksModule?: URL;
}

type TaskName<Tasks extends TaskTable> = keyof Tasks & string;
/** A task's parameters as `run`'s rest: none for a task that takes none. */
type TaskParams<Tasks extends TaskTable, Name extends TaskName<Tasks>> = Parameters<Tasks[Name]> extends [Buffer, infer Params] ? [params: Params] : [];
type TaskResult<Tasks extends TaskTable, Name extends TaskName<Tasks>> = Awaited<ReturnType<Tasks[Name]>>;

/** A piece of an input as it is read: one buffer, or several sent as one frame. */
export type ImagingPiece = Uint8Array | readonly Uint8Array[];
/**
 * Whole bytes, or pieces as they are read — with their total length when it is known, so the
 * child reads them into one buffer instead of joining them at the end.
 */
export type ImagingInput = Uint8Array | AsyncIterable<ImagingPiece> | { length: number; pieces: AsyncIterable<ImagingPiece> };

export interface ImagingPool<Tasks extends TaskTable = ImagingTasks> {
  /** Runs a task on a child, streaming `input` to it once a child takes the task. */
  run<Name extends TaskName<Tasks>>(name: Name, input: ImagingInput, ...params: TaskParams<Tasks, Name>): Promise<TaskResult<Tasks, Name>>;
  /** True when a new task would be refused: every child busy and the queue full. */
  saturated(): boolean;
  /** Kills every child and refuses new tasks; tasks still running fail. */
  close(): Promise<void>;
}

export type ImagingFailureReason = 'crashed' | 'timed_out' | 'out_of_memory' | 'failed' | 'busy' | 'closed';

const RETRY_AFTER_SECONDS = 5;

/** A task the pool could not bring to an answer. */
export class ImagingFailure extends AppError {
  readonly reason: ImagingFailureReason;
  constructor(reason: ImagingFailureReason) {
    if (reason === 'busy' || reason === 'closed') {
      super('imaging_busy', 'The server is busy reading other images; please try again shortly.', 503, { headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });
    } else {
      super('image_unreadable', 'The image could not be read: its decoder failed or ran out of time or memory.', 422);
    }
    this.reason = reason;
  }
}

function rebuild(error: SerializedError): Error {
  if (error.kind === 'app') return new AppError(error.code, error.message, error.statusCode);
  if (error.kind === 'preview') return new PreviewUnavailable(error.reason as PreviewFailure);
  return new ImagingFailure('failed');
}

const MEMORY_CHECK_MS = 200;
const CHILD_STARTUP_SECONDS = 60;
const STDERR_TAIL_CHARS = 2_000;

interface Child {
  process: ChildProcess;
  /** Settles once the child has loaded its tasks, or fails if it exits or takes too long first. */
  ready: Promise<void>;
  tasksRun: number;
  busy: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  /** The task running, settled by the child's answer, its exit, or the pool. */
  current: { id: number; resolve(value: unknown): void; reject(error: Error): void } | undefined;
  stderrTail: string;
}

interface Queued {
  name: string;
  input: ImagingInput;
  params: unknown;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

type Logger = { warn(details: object, message: string): void };

/** The resident set of a process in MiB, from /proc (Linux); undefined where that is not readable. */
async function residentMiB(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kB = status && /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kB ? Number(kB) / 1024 : undefined;
}

function drainedOrClosed(stream: Writable): Promise<void> {
  // Plain listeners: an aborted `once` builds an AbortError (and its stack) on every drain.
  return new Promise((resolve) => {
    const settle = () => {
      stream.off('drain', settle);
      stream.off('close', settle);
      resolve();
    };
    stream.on('drain', settle);
    stream.on('close', settle);
  });
}

/**
 * Node's permission model for a child: it may read only the code it runs (the server's source
 * folder, the tasks' folder, the installed packages) — not the data directory, not a key file,
 * not /etc — and write nothing, start no process or thread. It binds JavaScript (exifr, sharp's
 * JS side), not native code: libvips, loaded as an addon, is held by the process boundary
 * alone. The network is not covered by this Node's model.
 */
function childPermissions(childModule: string, tasksModule: string): string[] {
  const sourceRoot = dirname(dirname(childModule));
  const sharpEntry = fileURLToPath(import.meta.resolve('sharp'));
  const packages = sharpEntry.slice(0, sharpEntry.lastIndexOf(`${sep}node_modules${sep}`) + `${sep}node_modules${sep}`.length);
  const readable = [...new Set([sourceRoot, dirname(tasksModule), packages])].map((path) => `--allow-fs-read=${path.endsWith(sep) ? path : path + sep}`);
  return ['--permission', '--allow-addons', ...readable];
}

export function createImagingPool<Tasks extends TaskTable = ImagingTasks>(options: ImagingPoolOptions, logger: Logger): ImagingPool<Tasks> {
  // The child runs as this module does: .ts under type stripping, .js once built.
  const childModule = fileURLToPath(new URL(`./child${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  const tasksModule = fileURLToPath(options.tasksModule ?? new URL(`./tasks${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  const settings: ChildSettings = { tasksModule, maxInputBytes: options.maxInputBytes, threads: options.threads };
  const execArgv = [...childPermissions(childModule, tasksModule), `--max-old-space-size=${options.childMemoryMiB}`];
  const children = new Set<Child>();
  const queue: Queued[] = [];
  let nextId = 0;
  let closed = false;

  function spawnChild(): Child {
    const proc = fork(childModule, [JSON.stringify(settings)], {
      // A fresh program with nothing of ours: no environment (no secrets, no NODE_OPTIONS), no inherited flags.
      env: { MALLOC_ARENA_MAX: '2' },
      execArgv,
      serialization: 'advanced',
      stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
    });
    let started: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (started = resolve));
    const child: Child = { process: proc, ready, tasksRun: 0, busy: false, idleTimer: undefined, current: undefined, stderrTail: '' };
    proc.stderr?.setEncoding('utf8').on('data', (text: string) => {
      child.stderrTail = (child.stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });
    // A write to a child that died mid-task: its exit settles the task.
    proc.stdin?.on('error', () => undefined);
    proc.on('message', (message: ReplyMessage) => {
      if (message.type === 'ready') return started();
      if (!child.current || message.id !== child.current.id) return;
      if (message.type === 'done') child.current.resolve(reviveBuffers(message.value));
      else child.current.reject(rebuild(message.error));
    });
    proc.on('exit', (code, signal) => {
      children.delete(child);
      clearTimeout(child.idleTimer);
      if (child.current && closed) child.current.reject(new ImagingFailure('closed'));
      else if (child.current) {
        logger.warn({ code, signal, stderr: child.stderrTail }, 'imaging child exited during a task');
        child.current.reject(new ImagingFailure('crashed'));
      }
      pump();
    });
    proc.on('error', (error) => {
      logger.warn({ err: error }, 'imaging child failed');
      child.current?.reject(new ImagingFailure('crashed'));
    });
    children.add(child);
    return child;
  }

  function retire(child: Child): void {
    children.delete(child);
    clearTimeout(child.idleTimer);
    child.process.kill('SIGKILL');
  }

  async function writeInput(child: Child, input: ImagingInput): Promise<void> {
    const stdin = child.process.stdin;
    if (!stdin) throw new ImagingFailure('crashed');
    // The next piece is read (and decrypted) while the one before drains to the child.
    let drained: Promise<void> | undefined;
    const write = async (pieces: readonly Uint8Array[]) => {
      let length = 0;
      for (const piece of pieces) length += piece.byteLength;
      if (length === 0) return;
      if (drained) await drained;
      drained = undefined;
      // One write (writev) for the header and its bytes.
      stdin.cork();
      stdin.write(frameHeader(length));
      let flowing = true;
      for (const piece of pieces) flowing = stdin.write(piece);
      stdin.uncork();
      if (!flowing) drained = drainedOrClosed(stdin);
    };
    if (input instanceof Uint8Array) await write([input]);
    else {
      for await (const chunk of Symbol.asyncIterator in input ? input : input.pieces) {
        // The child is gone (crashed, killed): stop reading the source.
        if (!children.has(child)) return;
        await write(chunk instanceof Uint8Array ? [chunk] : chunk);
      }
    }
    if (drained) await drained;
    if (children.has(child)) stdin.write(frameHeader(0));
  }

  async function execute(child: Child, task: Queued): Promise<unknown> {
    const id = ++nextId;
    const answer = new Promise<unknown>((resolve, reject) => {
      child.current = { id, resolve, reject };
    });
    const fail = (reason: ImagingFailureReason) => {
      logger.warn({ task: task.name, reason }, 'imaging child killed');
      child.current?.reject(new ImagingFailure(reason));
      retire(child);
    };
    // A child that does not come up (an exit rejects `answer` meanwhile) is a crash; its start-up is not the task's time.
    const startup = setTimeout(() => fail('crashed'), CHILD_STARTUP_SECONDS * 1000);
    let deadline: NodeJS.Timeout | undefined;
    let memoryCheck: NodeJS.Timeout | undefined;
    try {
      await Promise.race([child.ready, answer]);
      clearTimeout(startup);
      deadline = setTimeout(() => fail('timed_out'), options.taskSeconds * 1000);
      memoryCheck = setInterval(() => {
        const pid = child.process.pid;
        if (pid) void residentMiB(pid).then((mib) => mib !== undefined && mib > options.childMemoryMiB && child.current?.id === id && fail('out_of_memory'));
      }, MEMORY_CHECK_MS);
      const { input } = task;
      const inputBytes = input instanceof Uint8Array ? input.byteLength : Symbol.asyncIterator in input ? undefined : input.length;
      child.process.send({ type: 'run', id, task: task.name, params: task.params, ...(inputBytes === undefined ? {} : { inputBytes }) } satisfies RunMessage);
      // The source failing (a blob that does not authenticate) fails the task with its own error.
      writeInput(child, input).catch((error: unknown) => {
        child.current?.reject(error instanceof Error ? error : new ImagingFailure('failed'));
        retire(child);
      });
      return await answer;
    } finally {
      clearTimeout(startup);
      clearTimeout(deadline);
      clearInterval(memoryCheck);
      child.current = undefined;
    }
  }

  function idle(child: Child): void {
    child.busy = false;
    child.tasksRun += 1;
    if (child.tasksRun >= options.tasksPerChild) retire(child);
    else if (children.has(child)) child.idleTimer = setTimeout(() => retire(child), options.idleSeconds * 1000).unref();
  }

  function pump(): void {
    while (!closed && queue.length > 0) {
      let child = [...children].find((candidate) => !candidate.busy);
      if (!child && children.size < options.size) child = spawnChild();
      if (!child) return;
      const task = queue.shift() as Queued;
      const taken = child;
      taken.busy = true;
      clearTimeout(taken.idleTimer);
      execute(taken, task)
        .then(task.resolve, task.reject)
        .finally(() => {
          idle(taken);
          pump();
        });
    }
  }

  const freeChildren = () => [...children].filter((child) => !child.busy).length + (options.size - children.size);

  return {
    run(name, input, ...[params]) {
      if (closed) return Promise.reject(new ImagingFailure('closed'));
      if (freeChildren() === 0 && queue.length >= options.queueLimit) return Promise.reject(new ImagingFailure('busy'));
      return new Promise((resolve, reject) => {
        queue.push({ name, input, params, resolve: resolve as (value: unknown) => void, reject });
        pump();
      });
    },
    saturated: () => freeChildren() === 0 && queue.length >= options.queueLimit,
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new ImagingFailure('closed'));
      const exits = [...children].map((child) => (child.process.exitCode === null && child.process.signalCode === null ? once(child.process, 'exit') : undefined));
      for (const child of [...children]) retire(child);
      await Promise.all(exits);
    },
  };
}
