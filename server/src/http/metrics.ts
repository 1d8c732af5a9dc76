import type { Registry } from 'prom-client';
import type { MetricsConfig } from '../config.ts';
import { constantTimeEqual } from '../crypto/hashing.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { queueDepth } from '../jobs/queue.ts';
import type { App } from './app-type.ts';

// Not an ES import, which would load Node's fetch implementation (images/remote-source.ts says why).
const http = process.getBuiltinModule('node:http');

/**
 * Prometheus metrics (prom-client), off by default. With METRICS_TOKEN, `GET /metrics` on the
 * main port answers a matching bearer token (compared in constant time); with METRICS_PORT they
 * are served on a listener of their own (bind it to a private address). prom-client is loaded
 * only when metrics are on, so a server without them does not carry it in memory.
 */

/** What a response tells the counters, keyed by operationId: the routes the operations dashboard watches. */
const countedOperations: Record<string, string> = { uploadFile: 'uploads', openDelivery: 'delivery_opens' };
const authOperations = new Set(['requestSignInCode', 'verifySignInCode', 'signInWithPassword', 'verifySecondFactor', 'resetPassword']);

export async function registerMetrics(app: App, config: MetricsConfig, db: Db): Promise<void> {
  if (config.token === undefined && config.port === undefined) return;
  const client = await import('prom-client');
  const registry: Registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'shutterlock_' });

  const duration = new client.Histogram({
    name: 'shutterlock_http_request_duration_seconds',
    help: 'HTTP request latency by route pattern',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const bytesIn = new client.Counter({ name: 'shutterlock_http_request_bytes_total', help: 'Request body bytes (Content-Length)', labelNames: ['route'] as const, registers: [registry] });
  const bytesOut = new client.Counter({ name: 'shutterlock_http_response_bytes_total', help: 'Response body bytes (Content-Length)', labelNames: ['route'] as const, registers: [registry] });
  const events = new client.Counter({ name: 'shutterlock_events_total', help: 'Uploads, delivery opens, auth failures and rate-limit refusals', labelNames: ['event'] as const, registers: [registry] });
  new client.Gauge({
    name: 'shutterlock_job_queue_depth',
    help: 'Background jobs by kind and status',
    labelNames: ['kind', 'status'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const depth of await queueDepth(db)) for (const status of ['pending', 'running', 'failed'] as const) this.set({ kind: depth.kind, status }, depth[status]);
    },
  });
  new client.Gauge({
    name: 'shutterlock_job_queue_oldest_pending_seconds',
    help: 'How long the oldest due pending job of each kind has waited',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const depth of await queueDepth(db)) this.set({ kind: depth.kind }, depth.oldestPendingAgeMs / 1000);
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, never the raw URL (ids and tokens stay out of the labels); unmatched requests share one label.
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    duration.observe({ method: request.method, route, status: String(status) }, reply.elapsedTime / 1000);
    const received = Number(request.headers['content-length'] ?? 0);
    if (received > 0) bytesIn.inc({ route }, received);
    const sent = Number(reply.getHeader('content-length') ?? 0);
    if (sent > 0) bytesOut.inc({ route }, sent);
    const operationId = (request.routeOptions.schema as { operationId?: string } | undefined)?.operationId ?? '';
    const counted = countedOperations[operationId];
    if (counted && status < 300) events.inc({ event: counted });
    if (authOperations.has(operationId) && (status === 401 || status === 403)) events.inc({ event: 'auth_failures' });
    if (status === 429) events.inc({ event: 'rate_limit_refusals' });
  });

  if (config.port !== undefined) {
    const listener = http.createServer((request, response) => {
      if (request.method !== 'GET' || request.url !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve) => listener.listen(config.port, config.host, resolve));
    app.addHook('onClose', () => new Promise<void>((resolve) => listener.close(() => resolve())));
    return;
  }

  const expected = `Bearer ${config.token}`;
  app.get(
    '/metrics',
    { config: { access: 'public' }, schema: { operationId: 'getMetrics', tags: ['system'], summary: 'Prometheus metrics (bearer METRICS_TOKEN).', hide: true } },
    async (request, reply) => {
      if (!constantTimeEqual(request.headers.authorization ?? '', expected)) throw new AppError('metrics_unauthorized', 'A valid metrics token is required.', 401);
      return reply.type(registry.contentType).header('cache-control', 'no-store').send(await registry.metrics());
    },
  );
}
