import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../../test/harness.ts';

/**
 * The API document, byte for byte: a change of any route, schema, summary or operationId shows
 * here as a diff of `openapi.snapshot.json` to review (update it with `vitest -u`). Captured on a
 * fixed public URL, the only part of the document that depends on the configuration.
 */
describe('the OpenAPI document', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { PUBLIC_URL: 'https://photos.example.com' } });
  });
  afterAll(async () => server?.close());

  it('is exactly the committed one', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    await expect(response.body).toMatchFileSnapshot('./openapi.snapshot.json');
  });
});
