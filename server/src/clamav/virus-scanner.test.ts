import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { createClamdScanner } from './virus-scanner.ts';

/** The clamd client against a fake clamd that gives up mid-stream; clamav.test.ts runs the real one. */

const TIMEOUT_MS = 10_000;
const servers: net.Server[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

/** Reads a little of the stream, stops reading, then does `giveUp` to the connection. */
async function fakeClamd(giveUp: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    let received = 0;
    socket.on('data', (data: Buffer) => {
      received += data.length;
      if (received < 64 * 1024) return;
      socket.pause();
      giveUp(socket);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('clamd client', () => {
  it.each([
    ['hangs up cleanly', (socket: net.Socket) => socket.end()],
    ['refuses the stream and stops reading', (socket: net.Socket) => socket.write('INSTREAM size limit exceeded. ERROR\0')],
  ])('refuses the upload at once, not after the timeout, when clamd %s mid-stream', async (_label, giveUp) => {
    const port = await fakeClamd(giveUp);
    const session = await createClamdScanner({ kind: 'tcp', host: '127.0.0.1', port, timeoutMs: TIMEOUT_MS }).start();
    const started = Date.now();
    let failure: unknown;
    try {
      for (let index = 0; index < 256; index++) await session.write(Buffer.alloc(1024 * 1024));
    } catch (error) {
      failure = error;
    }
    expect(failure instanceof AppError ? failure.code : failure).toBe('scanner_unavailable');
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS / 2);
  });
});
