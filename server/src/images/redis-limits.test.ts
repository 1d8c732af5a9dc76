import net from 'node:net';
import { buildOptStuffUrl } from '@shutterlock/url-signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { createKey, createProject, publish } from '../../test/image-service.ts';
import { photo } from '../../test/images.ts';
import { uploaded } from '../../test/vault.ts';

/** Per-key limits counted in Redis when REDIS_URL is set (failing closed without it: http/quotas.test.ts). */

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const reachable = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(redisUrl);
  const socket = net.connect({ host: hostname, port: Number(port || 6379) });
  socket.once('connect', () => {
    socket.destroy();
    resolve(true);
  });
  socket.once('error', () => resolve(false));
});

describe.skipIf(!reachable)('image key limits through Redis', () => {
  let first: TestServer;
  let owner: TestClient;
  beforeAll(async () => {
    first = await startTestServer({ env: { REDIS_URL: redisUrl } });
    owner = (await signedInClient(first, 'photographer')).client;
  });
  afterAll(async () => {
    await first?.close();
  });

  it('refuses past the limit, counted in Redis', async () => {
    const { project } = await createProject(owner);
    const { key, secretKey } = await createKey(owner, project.id, { perMinute: 2, perDay: 10 });
    const file = await uploaded(owner, await photo('jpeg', { width: 40, height: 40 }));
    const { source } = await publish(owner, file.id);
    const path = (await buildOptStuffUrl({ baseUrl: first.url, projectSlug: project.slug, publicKey: key.publicKey, secretKey, operations: 'w_20', source })).slice(first.url.length);
    expect((await owner.request('GET', path)).status).toBe(200);
    expect((await owner.request('GET', path)).status).toBe(200);
    const refused = await owner.request('GET', path);
    expect([refused.status, refused.headers.get('ratelimit-remaining')]).toEqual([429, '0']);
  });
});
