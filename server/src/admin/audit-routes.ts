import { contentDisposition } from '../http/content-disposition.ts';
import { requirePrincipal } from '../http/access.ts';
import type { App } from '../http/app-type.ts';
import type { Db } from '../db/database.ts';
import { auditExportQuerySchema, auditPageSchema, auditQuerySchema } from './schemas.ts';
import { auditPage, exportAuditEvents, scopedAuditQuery } from './console.ts';

/** The audit trail: admins see every event, photographers their own studio's (console.ts). */

const tags = ['audit'];

export function auditRoutes(app: App, db: Db): void {
  app.get(
    '/api/audit/events',
    {
      config: { access: 'signed-in' },
      schema: {
        operationId: 'listAuditEvents',
        tags,
        summary: 'Audit events, newest first, filtered by actor, action, studio and time; page with `before`. Photographers see their studio’s only.',
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema },
      },
    },
    async (request) => auditPage(db, scopedAuditQuery(requirePrincipal(request), request.query)),
  );

  app.get(
    '/api/audit/events/export',
    {
      config: { access: 'signed-in' },
      schema: {
        operationId: 'exportAuditEvents',
        tags,
        summary: 'Every audit event the filters select, streamed as JSON Lines or CSV (same scoping as listAuditEvents).',
        querystring: auditExportQuerySchema,
        produces: ['application/x-ndjson', 'text/csv'],
      },
    },
    async (request, reply) => {
      const { format, ...filters } = request.query;
      const stream = exportAuditEvents(db, scopedAuditQuery(requirePrincipal(request), filters), format);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', `audit-events.${format === 'csv' ? 'csv' : 'jsonl'}`))
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );
}
