import { once } from 'node:events';
import net from 'node:net';
import type { ClamdConfig } from '../config.ts';
import { AppError } from '../errors.ts';

/**
 * Virus scanning of uploads with clamd's INSTREAM command, while the upload streams: each
 * chunk is framed as <length u32 BE><bytes>, a zero length ends the stream, and clamd answers
 * `stream: OK` or `stream: <signature> FOUND`. Fails closed: a scanner that can't be reached,
 * errs, or does not answer within the timeout refuses the upload (503 `scanner_unavailable`).
 */

export type ScanVerdict = { infected: false } | { infected: true; signature: string };

export interface ScanSession {
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the stream and waits for the verdict. */
  finish(): Promise<ScanVerdict>;
  /** Drops the connection; for uploads that failed for another reason. */
  abort(): void;
}

export interface VirusScanner {
  start(): Promise<ScanSession>;
}

function unavailable(cause: unknown): AppError {
  return new AppError('scanner_unavailable', 'The virus scanner is not available; the upload was not accepted. Try again later.', 503, { cause });
}

/** clamd's reply, e.g. "stream: OK" — its null terminator and the "stream: " label removed. */
function parseClamdReply(reply: string): ScanVerdict {
  const text = reply.replace(/\0/g, '').trim();
  if (text === 'stream: OK') return { infected: false };
  const found = /^stream: (.+) FOUND$/.exec(text);
  if (found?.[1]) return { infected: true, signature: found[1] };
  throw unavailable(new Error(`clamd answered: ${text.slice(0, 200)}`));
}

/** The largest frame we send; clamd accepts any length up to its StreamMaxLength. */
const MAX_FRAME = 1024 * 1024;

export function createClamdScanner(config: ClamdConfig): VirusScanner {
  return {
    async start() {
      const socket = config.kind === 'socket' ? net.createConnection({ path: config.path }) : net.createConnection({ host: config.host, port: config.port });
      // An idle connection in either direction — a hung clamd — ends with an error, not a wait.
      socket.setTimeout(config.timeoutMs, () => socket.destroy(new Error('clamd did not answer in time.')));
      const received: Buffer[] = [];
      const reply = new Promise<string>((resolve, reject) => {
        socket.on('data', (data: Buffer) => {
          received.push(data);
          if (data.includes(0)) resolve(Buffer.concat(received).toString('utf8'));
        });
        socket.on('end', () => resolve(Buffer.concat(received).toString('utf8')));
        socket.on('error', reject);
        socket.on('close', () => reject(new Error('clamd closed the connection.')));
      });
      // An answer before the zero-length frame is clamd refusing the stream (past its
      // StreamMaxLength, say); it then hangs up, maybe cleanly, with no 'error': a write waiting
      // for 'drain' would wait out the timeout. Also keeps `reply` handled when the upload fails
      // before the verdict is asked for.
      const answered = new AbortController();
      void reply.then(
        () => answered.abort(new Error('clamd answered before the stream ended.')),
        (error: unknown) => answered.abort(error),
      );
      try {
        await once(socket, 'connect');
        socket.write('zINSTREAM\0');
      } catch (error) {
        socket.destroy();
        throw unavailable(error);
      }
      const frameHeader = (length: number): Buffer => {
        const header = Buffer.alloc(4);
        header.writeUInt32BE(length);
        return header;
      };
      return {
        async write(chunk) {
          try {
            for (let offset = 0; offset < chunk.byteLength; offset += MAX_FRAME) {
              const frame = chunk.subarray(offset, offset + MAX_FRAME);
              socket.write(frameHeader(frame.byteLength));
              if (!socket.write(frame)) await once(socket, 'drain', { signal: answered.signal });
            }
          } catch (error) {
            socket.destroy();
            // clamd may have refused the stream (e.g. over its StreamMaxLength) and said why.
            throw unavailable(new Error(`clamd stopped reading: ${Buffer.concat(received).toString('utf8').slice(0, 200)}`, { cause: error }));
          }
        },
        async finish() {
          try {
            socket.write(frameHeader(0));
            return parseClamdReply(await reply);
          } catch (error) {
            throw error instanceof AppError ? error : unavailable(error);
          } finally {
            socket.destroy();
          }
        },
        abort() {
          socket.destroy();
        },
      };
    },
  };
}
