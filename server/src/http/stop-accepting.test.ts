import Fastify, { type FastifyInstance } from 'fastify';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RawConnection } from '../../test/raw-http.ts';
import { stopAccepting } from './stop-accepting.ts';

async function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

describe('stopAccepting (graceful shutdown, main.ts)', () => {
  let app: FastifyInstance;
  let url: string;
  afterEach(async () => {
    await app.close();
  });

  async function start(): Promise<void> {
    app = Fastify({ return503OnClosing: false });
    app.post('/api/vault/files/:id/download-url', async () => ({ url: '/api/dl/x' }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  }

  it('closes the listener right after the connection it accepts, and serves that connection’s request', async () => {
    await start();
    const stopping = stopAccepting(app.server);
    // The connection arriving while it waits is the one accepted before the close.
    const last = await RawConnection.open(url);
    await stopping;
    expect(app.server.listening).toBe(false);
    expect(await refused(url)).toBe(true);
    last.send('POST', '/api/vault/files/f/download-url', { 'content-type': 'application/json' }, Buffer.from('{}'));
    expect((await last.answer()).status).toBe(200);
    last.close();
  });

  it('closes an idle listener after a short wait, keeping an open keep-alive connection until the framework closes', async () => {
    await start();
    const kept = await RawConnection.open(url);
    kept.send('POST', '/api/vault/files/f/download-url', { 'content-type': 'application/json' }, Buffer.from('{}'));
    expect((await kept.answer()).status).toBe(200);
    await stopAccepting(app.server);
    expect(await refused(url)).toBe(true);
    expect(kept.ended).toBe(false);
    await app.close();
    await kept.closedByServer();
  });
});
