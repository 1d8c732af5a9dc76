import { generateId } from '../crypto/tokens.ts';
import type { Db } from '../db/database.ts';
import type { StudioActor } from '../http/access.ts';
import { insertAuditEvent, selectAuditEvents } from './repo.ts';

/**
 * The append-only audit log of security-relevant actions, written by every capability (a shared
 * service: capabilities call recordAudit). Its repository only inserts and reads: nothing in
 * the product updates or deletes an audit event. Details are small JSON objects and
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

/** The audit fields of an action a studio's member took on the studio's data. */
export function auditContext(actor: StudioActor): { actorUserId: string; subjectUserId: string; ip: string; userAgent: string } {
  return { actorUserId: actor.userId, subjectUserId: actor.userId, ip: actor.ip, userAgent: actor.userAgent };
}

export async function recordAudit(db: Db, event: AuditEvent, now = Date.now()): Promise<void> {
  await insertAuditEvent(db, {
    id: generateId(),
    at: now,
    action: event.action,
    actor_user_id: event.actorUserId ?? null,
    subject_user_id: event.subjectUserId ?? null,
    ip: event.ip ?? null,
    user_agent: event.userAgent?.slice(0, maxUserAgentLength) ?? null,
    details: JSON.stringify(event.details ?? {}),
  });
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

export async function listAuditEvents(db: Db, filter: { subjectUserId?: string; limit?: number } = {}): Promise<StoredAuditEvent[]> {
  const rows = await selectAuditEvents(db, { subjectUserId: filter.subjectUserId, limit: filter.limit ?? 100 });
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
