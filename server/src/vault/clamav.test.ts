import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import { readClamdTestSettings } from '../../test/clamav-service.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { eicar, photo } from '../../test/images.ts';
import { previewJobsDone, upload } from '../../test/vault.ts';
import { listAuditEvents } from '../audit/audit-log.ts';

/** Virus scanning with a real clamd (test/clamav-service.ts), over its socket and over TCP, failing closed. */

const clamd = readClamdTestSettings();
if (!clamd) console.warn('\n  NOTICE: no clamd for tests; the ClamAV upload tests are SKIPPED.\n');

describe.skipIf(!clamd).each(databaseKinds())('virus scanning on %s', (database) => {
  const servers: TestServer[] = [];
  let jpeg: Buffer;
  beforeAll(async () => {
    jpeg = await photo('jpeg');
  });
  afterAll(async () => Promise.all(servers.map((server) => server.close())));

  async function scanningServer(env: Record<string, string>): Promise<{ server: TestServer; client: TestClient; studioId: string }> {
    const server = await startTestServer({ database, env: { TRUST_PROXY: 'true', ...env } });
    servers.push(server);
    const { client, user } = await signedInClient(server, 'photographer');
    return { server, client, studioId: user.studioId as string };
  }

  it.each([
    ['the socket', () => ({ CLAMD_SOCKET: clamd?.socket ?? '' })],
    ['TCP', () => ({ CLAMD_HOST: clamd?.host ?? '', CLAMD_PORT: clamd?.port ?? '' })],
  ])('scans every upload over %s: EICAR is refused with 422, kept nowhere and audited', async (_label, env) => {
    const { server, client, studioId } = await scanningServer(env());
    expect((await upload(client, jpeg, { name: 'clean.jpg' })).status).toBe(201);

    const infected = await upload(client, Buffer.concat([jpeg, eicar]), { name: 'infected.jpg' });
    expect([infected.status, infected.error?.code]).toEqual([422, 'file_infected']);
    const rows = await server.runtime.database.db.selectFrom('vault_files').select('id').where('studio_id', '=', studioId).execute();
    expect(rows).toHaveLength(1);
    await previewJobsDone(server);
    let blobs = 0;
    for await (const key of server.runtime.blobs.list(`studios/${studioId}/`)) blobs += key ? 1 : 0;
    expect(blobs, 'the clean file, its thumbnail and its preview').toBe(3);
    const event = (await listAuditEvents(server.runtime.database.db, { limit: 100 })).find((candidate) => candidate.action === 'vault.file_infected');
    expect(event?.details).toEqual({ studioId, signature: expect.stringContaining('Eicar') });
    expect((await upload(client, jpeg, { name: 'after.jpg' })).status).toBe(201);
  });

  it('fails closed with 503 when the scanner is configured but unreachable or silent', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    // A scanner that takes the connection and the bytes but never answers.
    const silent = net.createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const configurations: Array<Record<string, string>> = [
        { CLAMD_SOCKET: '/nonexistent/clamd.sock' },
        { CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String(closedPort) },
        { CLAMD_HOST: '127.0.0.1', CLAMD_PORT: String((silent.address() as net.AddressInfo).port), CLAMD_TIMEOUT_MS: '500' },
      ];
      for (const env of configurations) {
        const { server, client, studioId } = await scanningServer(env);
        const refused = await upload(client, jpeg, { name: 'unscanned.jpg' });
        expect([refused.status, refused.error?.code], JSON.stringify(env)).toEqual([503, 'scanner_unavailable']);
        expect(await server.runtime.database.db.selectFrom('vault_files').select('id').where('studio_id', '=', studioId).execute()).toEqual([]);
      }
    } finally {
      silent.close();
    }
  });
});
