import { buildOptStuffUrl } from '@shutterlock/url-signer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { createKey, createProject, publish } from '../../test/image-service.ts';
import { photo } from '../../test/images.ts';
import { uploaded } from '../../test/vault.ts';

/**
 * With one decoder child and no queue: identical requests in flight are coalesced into one
 * transform (so all are served), while distinct ones beyond the pool are refused at once with
 * 503 and Retry-After, never piled up.
 */

describe('a saturated imaging pool', () => {
  let server: TestServer;
  let owner: TestClient;
  let sign: (operations: string) => Promise<string>;
  beforeAll(async () => {
    server = await startTestServer({ env: { IMAGING_POOL_SIZE: '1', IMAGING_QUEUE_LIMIT: '0' } });
    owner = (await signedInClient(server, 'photographer')).client;
    const { project } = await createProject(owner);
    const { key, secretKey } = await createKey(owner, project.id, { perMinute: 1000, perDay: 10_000 });
    const file = await uploaded(owner, await photo('jpeg', { width: 2400, height: 1600 }));
    const { source } = await publish(owner, file.id);
    // Let the vault's own previews of the upload leave the pool first.
    for (let waited = 0; waited < 300; waited += 1) {
      const current = await owner.json<{ file: { status: string } }>('GET', `/api/vault/files/${file.id}`);
      if (current.body.file.status !== 'processing') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    sign = async (operations) => (await buildOptStuffUrl({ baseUrl: server.url, projectSlug: project.slug, publicKey: key.publicKey, secretKey, operations, source })).slice(server.url.length);
  });
  afterAll(async () => server?.close());

  it('serves identical requests from one transform', async () => {
    const path = await sign('w_700,f_avif');
    const answers = await Promise.all(Array.from({ length: 6 }, () => owner.request('GET', path)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.map((answer) => answer.headers.get('etag'))).size).toBe(1);
  });

  it('refuses distinct transforms beyond the pool with 503 and Retry-After', async () => {
    const paths = await Promise.all(Array.from({ length: 6 }, (_, index) => sign(`w_${600 + index},f_avif`)));
    const answers = await Promise.all(paths.map((path) => owner.request('GET', path)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    const refused = answers.find((answer) => answer.status === 503)!;
    expect([refused.headers.get('retry-after'), refused.headers.get('cache-control')]).toEqual(['5', 'no-store']);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('imaging_busy');
  });
});
