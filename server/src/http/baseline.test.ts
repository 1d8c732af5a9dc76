import http from 'node:http';
import net from 'node:net';
import { Writable } from 'node:stream';
import { Type } from './json-schema.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Capability } from '../capability.ts';
import { AppError } from '../errors.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';

/**
 * The HTTP baseline every route inherits, proven over real HTTP on a real server: security
 * headers, the error shape for every kind of bad request, CSRF, request ids, log redaction,
 * health and the OpenAPI document.
 */

const probeCapability: Capability = {
  name: 'baseline-probe',
  async routes(app) {
    app.post(
      '/api/test/echo',
      {
        config: { access: 'public' },
        schema: {
          operationId: 'testEcho',
          body: Type.Object({ name: Type.String({ maxLength: 100 }), count: Type.Optional(Type.Integer()) }, { additionalProperties: false }),
        },
      },
      async (request) => ({ name: request.body.name }),
    );
    app.get('/api/test/crash', { config: { access: 'public' }, schema: { operationId: 'testCrash' } }, async () => {
      throw new Error('database password is hunter2 at /srv/secret/path');
    });
    app.get('/api/test/server-fault', { config: { access: 'public' }, schema: { operationId: 'testServerFault' } }, async () => {
      throw new AppError('unknown_key_version', 'Key version "v-secret-7" is not configured on this server.', 500);
    });
    app.get('/api/test/busy', { config: { access: 'public' }, schema: { operationId: 'testBusy' } }, async () => {
      throw new AppError('scanner_unavailable', 'The virus scanner is not available. Try again later.', 503, { headers: { 'retry-after': '5' } });
    });
    app.get(
      '/api/test/items/:id',
      { config: { access: 'public' }, schema: { operationId: 'testItem', params: Type.Object({ id: Type.String() }, { additionalProperties: false }) } },
      async (request) => ({ id: request.params.id }),
    );
  },
};

class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(chunk.toString('utf8'));
    done();
  }
}

describe.each(databaseKinds())('HTTP baseline on %s', (database) => {
  let server: TestServer;
  const logs = new LogCapture();

  beforeAll(async () => {
    server = await startTestServer({ database, extraCapabilities: [probeCapability], logDestination: logs, env: { BODY_LIMIT_BYTES: '4096' } });
  });
  afterAll(async () => server?.close());

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

  async function expectError(response: Response, status: number, code: string): Promise<void> {
    expect(response.status).toBe(status);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
  }

  it('sends the security headers on every response, errors included', async () => {
    for (const response of [await fetch(`${server.url}/healthz`), await fetch(`${server.url}/api/nope`)]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('permissions-policy')).toContain('camera=()');
      // Plain HTTP here: HSTS would be ignored by browsers and is not sent.
      expect(response.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('answers every kind of bad request with a 4xx in the error shape', async () => {
    await expectError(await post('/api/test/echo', '{"name": '), 400, 'malformed_json');
    await expectError(await post('/api/test/echo', '{"name":"a","admin":true}'), 400, 'validation_failed');
    await expectError(await post('/api/test/echo', '{"name":5}'), 400, 'validation_failed');
    await expectError(await post('/api/test/echo', '[]'), 400, 'validation_failed');
    await expectError(await post('/api/test/echo', JSON.stringify({ name: 'x'.repeat(5000) })), 413, 'body_too_large');
    await expectError(await post('/api/test/echo', 'name=a', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    await expectError(await post('/api/test/echo', 'hello', { 'content-type': 'text/plain' }), 415, 'unsupported_media_type');
    await expectError(await fetch(`${server.url}/api/unknown`), 404, 'route_not_found');
    await expectError(await fetch(`${server.url}/healthz`, { method: 'DELETE' }), 404, 'route_not_found');
    const ok = await post('/api/test/echo', '{"name":"Ada"}');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ name: 'Ada' });
  });

  it('hides internals of unexpected errors and gives the request id instead', async () => {
    const response = await fetch(`${server.url}/api/test/crash`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('/srv/secret');
    expect(text).not.toContain('at ');
    const body = JSON.parse(text) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('internal_error');
    expect(body.error.requestId).toBe(response.headers.get('x-request-id'));
  });

  it('sends 5xx AppErrors as internal_error with the request id, never their own message', async () => {
    const response = await fetch(`${server.url}/api/test/server-fault`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('v-secret-7');
    expect(text).not.toContain('unknown_key_version');
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal_error', message: expect.any(String), requestId: response.headers.get('x-request-id') } });
    // "Unavailable, try again" is meant for the client.
    const busy = await fetch(`${server.url}/api/test/busy`);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('scanner_unavailable');
  });

  it('marks every API answer no-store unless its route says otherwise', async () => {
    const answers = [
      await fetch(`${server.url}/healthz`),
      await fetch(`${server.url}/api/nope`),
      await post('/api/test/echo', '{"name":"Ada"}'),
      await post('/api/test/echo', '{"name": '),
      await fetch(`${server.url}/api/test/crash`),
      await fetch(`${server.url}/api/test/items/one`),
    ];
    for (const response of answers) expect(response.headers.get('cache-control'), response.url).toBe('no-store');
  });

  /** One request written byte for byte, as no HTTP client library would send it; the whole answer. */
  async function rawRequest(head: string): Promise<{ status: number; headers: Map<string, string>; body: string }> {
    const { port } = new URL(server.url);
    const socket = net.connect(Number(port), '127.0.0.1');
    socket.write(head);
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('latin1');
    const split = text.indexOf('\r\n\r\n');
    const [statusLine = '', ...headerLines] = text.slice(0, split).split('\r\n');
    const headers = new Map(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    return { status: Number(statusLine.split(' ')[1]), headers, body: text.slice(split + 4) };
  }

  it('answers Fastify’s own refusals in the error shape, with the headers and a log line, never echoing the path', async () => {
    const token = `tok${'s3cr3t'.repeat(30)}`;
    const cases: Array<{ head: string; status: number; code: string }> = [
      // A path parameter longer than Fastify's maxParamLength.
      { head: `GET /api/test/items/${token} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, status: 414, code: 'url_too_long' },
      // A parameter that is not valid percent-encoding.
      { head: `GET /api/test/items/${token.slice(0, 40)}%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, status: 400, code: 'bad_url' },
      // Headers past Node's limit (16 KiB).
      { head: `GET /api/test/items/${token.slice(0, 40)} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, status: 431, code: 'headers_too_large' },
      // Not HTTP at all.
      { head: `BLAH /api/test/items/${token.slice(0, 40)} NOPE\r\n\r\n`, status: 400, code: 'malformed_request' },
    ];
    for (const { head, status, code } of cases) {
      logs.lines.length = 0;
      const answer = await rawRequest(head);
      expect(answer.status, code).toBe(status);
      expect(JSON.parse(answer.body), code).toEqual({ error: { code, message: expect.any(String) } });
      expect(answer.body).not.toContain('s3cr3t');
      expect(answer.headers.get('content-security-policy'), code).toContain("default-src 'self'");
      expect(answer.headers.get('x-content-type-options'), code).toBe('nosniff');
      expect(answer.headers.get('permissions-policy'), code).toContain('camera=()');
      expect(answer.headers.get('cache-control'), code).toBe('no-store');
      expect(answer.headers.get('x-request-id'), code).toMatch(/^[0-9a-f-]{36}$/);
      const logText = logs.lines.join('');
      expect(logText, code).toContain(code);
      expect(logText, code).toContain(answer.headers.get('x-request-id'));
      expect(logText, code).not.toContain('s3cr3t');
    }
  });

  it('refuses cookie-authenticated state changes that do not come from our origin (CSRF)', async () => {
    const withCookie = { cookie: 'session=abc' };
    await expectError(await post('/api/test/echo', '{"name":"a"}', { ...withCookie, origin: 'https://evil.example' }), 403, 'csrf_rejected');
    await expectError(await post('/api/test/echo', '{"name":"a"}', { ...withCookie, 'sec-fetch-site': 'cross-site' }), 403, 'csrf_rejected');
    await expectError(await post('/api/test/echo', '{"name":"a"}', { ...withCookie, 'sec-fetch-site': 'same-site' }), 403, 'csrf_rejected');
    await expectError(await post('/api/test/echo', '{"name":"a"}', withCookie), 403, 'csrf_rejected');
    expect((await post('/api/test/echo', '{"name":"a"}', { ...withCookie, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await post('/api/test/echo', '{"name":"a"}', { ...withCookie, origin: new URL(server.url).origin })).status).toBe(200);
    // Without ambient credentials there is nothing to forge.
    expect((await post('/api/test/echo', '{"name":"a"}', { origin: 'https://evil.example' })).status).toBe(200);
  });

  it('says which variable to set when its own page is open at another address than PUBLIC_URL (plain http, no Fetch Metadata)', async () => {
    const { port } = new URL(server.url);
    const publicOrigin = new URL(server.url).origin;
    const openedAt = `http://192.168.1.20:${port}`;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port: Number(port), path: '/api/test/echo', method: 'POST', headers: { host: `192.168.1.20:${port}`, origin: openedAt, cookie: 'session=abc', 'content-type': 'application/json' } },
        (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      request.end('{"name":"a"}');
    });
    expect(answer.status).toBe(403);
    const { error } = JSON.parse(answer.body) as { error: { code: string; message: string } };
    expect(error.code).toBe('origin_not_public_url');
    expect(error.message).toContain(`set PUBLIC_URL=${openedAt}`);
    expect(error.message).toContain(publicOrigin);
    // Another site's page is still simply refused.
    await expectError(await post('/api/test/echo', '{"name":"a"}', { cookie: 'session=abc', origin: 'http://192.168.1.20:1' }), 403, 'csrf_rejected');
    const site = await fetch(`${server.url}/api/site`);
    expect(await site.json()).toEqual({ publicUrl: publicOrigin });
  });

  it('issues its own request ids and ignores the client’s', async () => {
    const response = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'forged-id' } });
    const id = response.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe('forged-id');
  });

  it('never logs cookies, authorization headers, tokens or codes', async () => {
    logs.lines.length = 0;
    await fetch(`${server.url}/api/test/crash?token=url-secret-123`, { headers: { cookie: 'session=cookie-secret-456', authorization: 'Bearer bearer-secret-789' } });
    await post('/api/test/echo', '{"name":"a","code":"123456"}', { cookie: 'session=cookie-secret-456', 'sec-fetch-site': 'same-origin' });
    const logText = logs.lines.join('');
    expect(logText.length).toBeGreaterThan(0);
    for (const secret of ['url-secret-123', 'cookie-secret-456', 'bearer-secret-789', '123456']) expect(logText).not.toContain(secret);
    expect(logText).toContain('/api/test/crash');
  });

  it('reports liveness and readiness', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', storage: 'ok' } });
  });

  it('reports not ready, without details, when storage fails', async () => {
    const blobs = server.runtime.blobs as { ping(): Promise<void> };
    const original = blobs.ping.bind(blobs);
    blobs.ping = async () => {
      throw new Error('disk at /secret/path is gone');
    };
    try {
      const response = await fetch(`${server.url}/readyz`);
      expect(response.status).toBe(503);
      const text = await response.text();
      expect(JSON.parse(text)).toEqual({ status: 'unavailable', checks: { database: 'ok', storage: 'failed' } });
    } finally {
      blobs.ping = original;
    }
  });

  it('publishes an OpenAPI 3 document with an operationId on every operation', async () => {
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { operationId?: string }>>;
    };
    expect(document.openapi).toMatch(/^3\./);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operationId: operation.operationId })),
    );
    expect(operations.map((operation) => operation.operationId)).toEqual(
      expect.arrayContaining(['getLiveness', 'getReadiness', 'getOpenApiDocument', 'testEcho']),
    );
    for (const operation of operations) expect(operation, `${operation.method} ${operation.path}`).toHaveProperty('operationId', expect.any(String));
  });
});
