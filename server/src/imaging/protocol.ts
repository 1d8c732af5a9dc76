/**
 * What the imaging pool (pool.ts) and its children (child.ts) say to each other. Control
 * messages go over Node's IPC channel (structured clone: Buffers arrive as Uint8Arrays); a
 * task's input bytes go over the child's stdin as frames — a 4-byte big-endian length and that
 * many bytes — ended by a frame of length 0, so the parent never holds a whole file. The child
 * reads them (blocking) once it has the task's run message.
 */

/** A task module's table: each task takes the input's bytes and JSON-like parameters. */
export type TaskTable = Record<string, (input: Buffer, params: never) => Promise<unknown>>;

export interface RunMessage {
  type: 'run';
  id: number;
  task: string;
  params: unknown;
  /** The input's length when the parent knows it: the child reads the frames straight into one buffer of that size. */
  inputBytes?: number;
}

/** How a task's error crosses the process boundary: codes and the client-safe message, never a stack. */
export type SerializedError =
  | { kind: 'app'; code: string; message: string; statusCode: number }
  | { kind: 'preview'; reason: string }
  | { kind: 'failed' };

/** `ready` once the child has loaded its tasks (a task's time budget starts then); then one answer per task. */
export type ReplyMessage = { type: 'ready' } | { type: 'done'; id: number; value: unknown } | { type: 'failed'; id: number; error: SerializedError };

/** Settings the parent hands its children on their command line (their environment stays empty). */
export interface ChildSettings {
  tasksModule: string;
  maxInputBytes: number;
  /** libvips threads per child. */
  threads: number;
}

export const FRAME_HEADER_BYTES = 4;

export function frameHeader(length: number): Buffer {
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  header.writeUInt32BE(length);
  return header;
}

/** Structured clone turns Buffers into Uint8Arrays: turn them back, in a task's result. */
export function reviveBuffers(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (Array.isArray(value)) return value.map(reviveBuffers);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, reviveBuffers(inner)]));
  }
  return value;
}
