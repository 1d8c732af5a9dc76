import { generateId } from '../crypto/tokens.ts';
import { type Db, inTransaction } from '../db/database.ts';
import type { StudioActor } from '../http/access.ts';
import { entryHash } from './chain-hash.ts';
import { type AuditEventFilter, type AuditEventRow, advanceChainHead, insertAuditEvent, selectAuditEvents, setChainHeadHash } from './repo.ts';

/**
 * The append-only audit log of security-relevant actions, written by every capability (a shared
 * service: capabilities call recordAudit). Entries form a hash chain (audit/chain-hash.ts,
 * docs/security/audit-chain.md): nothing in the product updates an entry, and the only delete
 * is pruning behind a sealed checkpoint (audit/retention.ts). Details are small JSON objects and
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
  /** The studio the action concerns; taken from `details.studioId` when not given. */
  studioId?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

const maxUserAgentLength = 300;

/** The audit fields of an action a studio's member took on the studio's data. */
export function auditContext(actor: StudioActor): { actorUserId: string; subjectUserId: string; studioId: string; ip: string; userAgent: string } {
  return { actorUserId: actor.userId, subjectUserId: actor.userId, studioId: actor.studioId, ip: actor.ip, userAgent: actor.userAgent };
}

function studioOf(event: AuditEvent): string | null {
  if (event.studioId) return event.studioId;
  const fromDetails = event.details?.studioId;
  return typeof fromDetails === 'string' ? fromDetails : null;
}

/**
 * Appends one entry. The chain head is advanced first in the same transaction (the caller's,
 * when it passes one), which serialises appends: concurrent writers queue on the head instead
 * of both chaining to the same predecessor.
 */
export async function recordAudit(db: Db, event: AuditEvent, now = Date.now()): Promise<void> {
  const append = async (trx: Db) => {
    const { seq, prevHash } = await advanceChainHead(trx);
    const entry = {
      seq,
      id: generateId(),
      at: now,
      action: event.action,
      actorUserId: event.actorUserId ?? null,
      subjectUserId: event.subjectUserId ?? null,
      studioId: studioOf(event),
      ip: event.ip ?? null,
      userAgent: event.userAgent?.slice(0, maxUserAgentLength) ?? null,
      details: JSON.stringify(event.details ?? {}),
      prevHash,
    };
    const hash = entryHash(entry);
    await insertAuditEvent(trx, {
      id: entry.id,
      seq,
      at: entry.at,
      action: entry.action,
      actor_user_id: entry.actorUserId,
      subject_user_id: entry.subjectUserId,
      studio_id: entry.studioId,
      ip: entry.ip,
      user_agent: entry.userAgent,
      details: entry.details,
      prev_hash: prevHash,
      entry_hash: hash,
    });
    await setChainHeadHash(trx, seq, hash);
  };
  await (db.isTransaction ? append(db) : inTransaction(db, append));
}

export interface StoredAuditEvent {
  id: string;
  seq: number;
  at: number;
  action: string;
  actorUserId: string | null;
  subjectUserId: string | null;
  studioId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: NonNullable<AuditEvent['details']>;
}

export function storedAuditEvent(row: AuditEventRow): StoredAuditEvent {
  return {
    id: row.id,
    seq: row.seq,
    at: row.at,
    action: row.action,
    actorUserId: row.actor_user_id,
    subjectUserId: row.subject_user_id,
    studioId: row.studio_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: JSON.parse(row.details) as StoredAuditEvent['details'],
  };
}

export type AuditQuery = Omit<AuditEventFilter, 'limit'> & { limit?: number };

export async function listAuditEvents(db: Db, filter: AuditQuery = {}): Promise<StoredAuditEvent[]> {
  const rows = await selectAuditEvents(db, { ...filter, limit: filter.limit ?? 100 });
  return rows.map(storedAuditEvent);
}
