import { Type } from '../http/json-schema.ts';
import { requirePrincipal } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import { requestOrigin } from '../http/request-origin.ts';
import { closed, uuidField } from '../http/schemas.ts';
import { type AlertsDeps, acknowledgeAlert, listAlerts } from './alerts.ts';
import { queryInteger } from './console.ts';
import { alertQuerySchema, alertSchema } from './schemas.ts';

/** Alerts raised by the rules over the audit log (alert-rules.ts). */

const tags = ['admin'];

export function alertRoutes(app: App, deps: AlertsDeps): void {
  app.get(
    '/api/admin/alerts',
    {
      config: { access: 'admin' },
      schema: { operationId: 'listAlerts', tags, summary: 'Alerts, newest first (after scanning the audit log for new ones).', querystring: alertQuerySchema, response: { 200: Type.Object({ alerts: Type.Array(alertSchema) }, closed) } },
    },
    async (request) => ({ alerts: await listAlerts(deps, { status: request.query.status, limit: queryInteger('limit', request.query.limit, { min: 1, max: 200 }) }) }),
  );

  app.post(
    '/api/admin/alerts/:id/acknowledge',
    {
      config: { access: 'admin' },
      schema: { operationId: 'acknowledgeAlert', tags, summary: 'Mark an alert as seen and handled.', params: Type.Object({ id: uuidField }, closed), response: { 200: Type.Object({ alert: alertSchema }, closed) } },
    },
    async (request) => ({ alert: await acknowledgeAlert(deps, { userId: requirePrincipal(request).userId, ...requestOrigin(request) }, request.params.id) }),
  );
}
