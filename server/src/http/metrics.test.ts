import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from '../../test/client.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';

const token = 'metrics-token-0123456789abcdef0123456789';

describe('GET /metrics', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.close());

  it('is off by default', async () => {
    server = await startTestServer();
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('answers the bearer token only, with latency by route pattern, bytes, events and job queue depth', async () => {
    server = await startTestServer({ env: { METRICS_TOKEN: token } });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    const anonymous = new TestClient(server);
    await anonymous.request('POST', '/api/auth/sign-in/password', { email: 'nobody@example.com', password: 'wrong password here' });
    await anonymous.request('GET', '/api/files/00000000-0000-4000-8000-000000000000/original');
    const answer = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    expect(text).toContain('shutterlock_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/api/auth/sign-in/password",status="401"}');
    // Route patterns, never raw URLs with ids.
    expect(text).toContain('route="/api/files/:fileId/:variant"');
    expect(text).not.toContain('00000000-0000-4000-8000-000000000000');
    expect(text).toContain('shutterlock_events_total{event="auth_failures"} 1');
    expect(text).toContain('shutterlock_http_request_bytes_total{route="/api/auth/sign-in/password"}');
    expect(text).toContain('shutterlock_job_queue_depth{kind="vault.purge",status="pending"}');
    expect(text).toMatch(/shutterlock_process_resident_memory_bytes \d+/);
    expect(text).toContain('shutterlock_nodejs_eventloop_lag_seconds');
  });

  it('can be served on a port of its own instead', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    server = await startTestServer({ env: { METRICS_PORT: String(port) } });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const answer = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('shutterlock_http_request_duration_seconds');
  });
});
