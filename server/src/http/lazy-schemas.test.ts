import { Type } from './json-schema.ts';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { assertLowerCaseHeaders, createLazySchemaCompilers } from './lazy-schemas.ts';

/**
 * Schemas compiled on first use (lazy-schemas.ts) validate and serialize exactly as compiled at
 * start would: bad input is refused, responses carry only what their schema names, and every
 * route of the real app has schemas that compile (what starting the app used to prove).
 */
describe('schemas compiled on first use', () => {
  it('validate bodies, headers and parameters and serialize responses through their schemas', async () => {
    const compilers = createLazySchemaCompilers();
    const app = Fastify({ ajv: { customOptions: { removeAdditional: false, coerceTypes: false } }, schemaController: { compilersFactory: compilers.compilersFactory } });
    app.post(
      '/things/:id',
      {
        schema: {
          params: Type.Object({ id: Type.String({ pattern: '^[a-z]+$' }) }),
          headers: Type.Object({ 'x-name': Type.Optional(Type.String({ maxLength: 4 })) }),
          body: Type.Object({ size: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ id: Type.String(), size: Type.Integer() }) },
        },
      },
      async (request) => ({ ...(request.body as object), id: (request.params as { id: string }).id, secret: 'never sent' }),
    );
    await app.ready();
    try {
      const post = (url: string, payload: unknown, headers: Record<string, string> = {}) => app.inject({ method: 'POST', url, payload: payload as object, headers });
      const good = await post('/things/abc', { size: 2 });
      expect(good.statusCode).toBe(200);
      expect(good.json()).toEqual({ id: 'abc', size: 2 });
      // Compiled on the first request: nothing of that route is left to compile.
      expect(compilers.compileAll()).toBe(0);
      expect((await post('/things/abc', { size: 2, extra: true })).statusCode).toBe(400);
      expect((await post('/things/abc', { size: 0 })).json()).toMatchObject({ message: expect.stringContaining('body/size') });
      expect((await post('/things/ABC', { size: 2 })).statusCode).toBe(400);
      expect((await post('/things/abc', { size: 2 }, { 'x-name': 'too long' })).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('refuses a header schema with a key that is not lower case, when the route is registered', async () => {
    const compilers = createLazySchemaCompilers();
    const app = Fastify({ schemaController: { compilersFactory: compilers.compilersFactory } });
    app.get('/mixed', { schema: { headers: Type.Object({ 'Upload-Offset': Type.String() }) } }, async () => ({}));
    await expect(app.ready()).rejects.toThrow(/GET \/mixed: the header schema names "Upload-Offset".*"upload-offset"/);
    await app.close();
    expect(() => assertLowerCaseHeaders(Type.Object({ 'tus-resumable': Type.String() }, { required: ['tus-resumable'] }), 'GET /ok')).not.toThrow();
    expect(() => assertLowerCaseHeaders({ type: 'object', required: ['If-Match'] }, 'GET /required')).toThrow(/"If-Match"/);
  });

  describe('on the real app', () => {
    const compilers = createLazySchemaCompilers();
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ schemaCompilers: compilers });
    });
    afterAll(async () => server?.close());

    it('leaves every schema uncompiled at start, and every one compiles', async () => {
      // Hundreds of routes, each with a body, query or parameter schema and a response schema.
      expect(compilers.compileAll()).toBeGreaterThan(300);
      expect(compilers.compileAll()).toBe(0);
      const refused = await server.app.inject({ method: 'POST', url: '/api/auth/sign-in/code', payload: { email: 'a@b.co', extra: 1 }, headers: { 'sec-fetch-site': 'same-origin' } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: { code: 'validation_failed' } });
    });
  });
});
