import type { Kysely } from 'kysely';
import { generateId } from '../crypto/tokens.ts';
import type { Tables } from '../db/tables.ts';

/**
 * The append-only audit log of security-relevant actions. This module only inserts and reads:
 * nothing in the product updates or deletes an audit event. Details are small JSON objects and
 * must never carry a code, token, password or file content — callers pass ids and outcomes.
 */

export interface AuditContext {
  actorUserId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditEvent extends AuditContext {
  action: string;
  subjectUserId?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

const maxUserAgentLength = 300;

export async function recordAudit(db: Kysely<Tables>, event: AuditEvent, now = Date.now()): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      id: generateId(),
      at: now,
      action: event.action,
      actor_user_id: event.actorUserId ?? null,
      subject_user_id: event.subjectUserId ?? null,
      ip: event.ip ?? null,
      user_agent: event.userAgent?.slice(0, maxUserAgentLength) ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute();
}

export interface StoredAuditEvent {
  id: string;
  at: number;
  action: string;
  actorUserId: string | null;
  subjectUserId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

export async function listAuditEvents(
  db: Kysely<Tables>,
  filter: { subjectUserId?: string; limit?: number } = {},
): Promise<StoredAuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll().orderBy('at', 'desc').orderBy('id').limit(filter.limit ?? 100);
  if (filter.subjectUserId) query = query.where('subject_user_id', '=', filter.subjectUserId);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    action: row.action,
    actorUserId: row.actor_user_id,
    subjectUserId: row.subject_user_id,
    ip: row.ip,
    details: JSON.parse(row.details) as Record<string, unknown>,
  }));
}
