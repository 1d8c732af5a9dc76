import { type UserListFilter, userEmails } from '../auth/users.ts';
import { Readable } from 'node:stream';
import { type AuditQuery, type StoredAuditEvent, listAuditEvents } from '../audit/audit-log.ts';
import { findChainHead, findLatestSeal } from '../audit/repo.ts';
import { studioMembers } from '../auth/users.ts';
import { describeConfig } from '../config.ts';
import type { StorageUsage } from '../capability.ts';
import type { Db } from '../db/database.ts';
import type { UserRole } from '../db/tables.ts';
import { AppError, NotFoundError } from '../errors.ts';
import type { Principal } from '../http/access.ts';
import { assertRoleAllows } from '../http/permissions.ts';
import { queueDepth } from '../jobs/queue.ts';
import { type RotationDeps, keyUsage, versionState } from '../keys/rotation.ts';
import type { Runtime } from '../runtime.ts';
import { listStudioSummaries } from '../studios/service.ts';
import { checkReadiness } from '../system/readiness.ts';

/** What the admin console reads: the audit trail (scoped for photographers), the system's status, the studios. */

/** A whole number from a query string (already matched to digits by the schema), within bounds, or a 400. */
export function queryInteger(name: string, text: string | undefined, bounds: { min: number; max: number }): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
    throw new AppError('validation_failed', `querystring.${name} must be a whole number from ${bounds.min} to ${bounds.max}.`, 400);
  }
  return value;
}

export interface AuditFilterInput {
  actor?: string;
  action?: string;
  studio?: string;
  from?: string;
  to?: string;
  before?: string;
  limit?: string;
}

/** The users list's query (validated by userQuerySchema) as auth's filter: times as epoch ms, the address part in lower case as addresses are stored. */
export function userListFilter(input: { role?: UserRole; status?: UserListFilter['status']; email?: string; lastSignInAfter?: string; lastSignInBefore?: string }): UserListFilter {
  return {
    role: input.role,
    status: input.status,
    emailContains: input.email?.normalize('NFKC').trim().toLowerCase() || undefined,
    lastSignInAfter: input.lastSignInAfter === undefined ? undefined : Date.parse(input.lastSignInAfter),
    lastSignInBefore: input.lastSignInBefore === undefined ? undefined : Date.parse(input.lastSignInBefore),
  };
}

/** An admin sees every event; anyone else only their own studio's, whatever they ask for. */
export function scopedAuditQuery(principal: Principal, input: AuditFilterInput): AuditQuery {
  const query: AuditQuery = {
    actorUserId: input.actor,
    action: input.action,
    studioId: input.studio,
    from: input.from === undefined ? undefined : Date.parse(input.from),
    to: input.to === undefined ? undefined : Date.parse(input.to),
    beforeSeq: queryInteger('before', input.before, { min: 1, max: Number.MAX_SAFE_INTEGER }),
    limit: queryInteger('limit', input.limit, { min: 1, max: 500 }),
  };
  if (principal.role === 'admin') return query;
  if (!principal.studioId) throw new AppError('studio_required', 'The audit trail you can see is your studio’s, and this account has none.', 403);
  assertRoleAllows(principal.studioRole, 'audit');
  return { ...query, studioId: principal.studioId };
}

export interface AuditEventView extends Omit<StoredAuditEvent, 'at'> {
  at: string;
  /** Who, as a person reads it: the accounts' email addresses (null when there is none, or the account was deleted). */
  actorEmail: string | null;
  subjectEmail: string | null;
}

function auditEventView(event: StoredAuditEvent, emails: ReadonlyMap<string, string>): AuditEventView {
  return {
    ...event,
    at: new Date(event.at).toISOString(),
    actorEmail: event.actorUserId === null ? null : (emails.get(event.actorUserId) ?? null),
    subjectEmail: event.subjectUserId === null ? null : (emails.get(event.subjectUserId) ?? null),
  };
}

export async function auditPage(db: Db, query: AuditQuery): Promise<{ events: AuditEventView[]; nextBefore: number | null }> {
  const limit = query.limit ?? 100;
  const events = await listAuditEvents(db, { ...query, limit });
  const emails = await userEmails({ db }, events.flatMap((event) => [event.actorUserId, event.subjectUserId].filter((id) => id !== null)));
  return { events: events.map((event) => auditEventView(event, emails)), nextBefore: events.length === limit ? (events.at(-1)?.seq ?? null) : null };
}

const exportPageSize = 1_000;
const csvColumns = ['seq', 'id', 'at', 'action', 'actorUserId', 'subjectUserId', 'studioId', 'ip', 'userAgent', 'details'] as const;

/** Every event the query selects, newest first, as JSON Lines or CSV, read page by page while the response streams. */
export function exportAuditEvents(db: Db, query: AuditQuery, format: 'jsonl' | 'csv'): Readable {
  async function* lines(): AsyncGenerator<string> {
    // Loaded by the first export, not at start.
    const { stringify } = await import('csv-stringify/sync');
    // Spreadsheet formula injection: a cell starting with = + - @ is opened as a formula; csv-stringify's `escape_formulas` defuses it.
    if (format === 'csv') yield stringify([csvColumns], { escape_formulas: true });
    for (let before = query.beforeSeq; ; ) {
      const page = await listAuditEvents(db, { ...query, beforeSeq: before, limit: exportPageSize });
      // The export keeps the ids only: an archive that names accounts as the audit log does.
      for (const event of page.map((stored) => ({ ...stored, at: new Date(stored.at).toISOString() }))) {
        yield format === 'jsonl'
          ? `${JSON.stringify(event)}\n`
          : stringify([csvColumns.map((column) => (column === 'details' ? JSON.stringify(event.details) : event[column]))], { escape_formulas: true });
      }
      if (page.length < exportPageSize) return;
      before = page.at(-1)?.seq;
    }
  }
  return Readable.from(lines());
}

export async function systemStatus(runtime: Runtime, keyProtected: Omit<RotationDeps, 'db' | 'keys'>, version: string) {
  const db = runtime.database.db;
  const [readiness, usage, jobs, head, seal, [scrub]] = await Promise.all([
    checkReadiness(runtime, runtime.logger),
    keyUsage({ db, keys: runtime.keys, ...keyProtected }),
    queueDepth(db),
    findChainHead(db),
    findLatestSeal(db, 'seal'),
    listAuditEvents(db, { action: 'vault.scrub_finished', limit: 1 }),
  ]);
  const count = (name: string) => Number(scrub?.details[name] ?? 0);
  return {
    version,
    database: { kind: runtime.database.kind, status: readiness.checks.database },
    storage: { kind: runtime.config.storage.kind, status: readiness.checks.storage },
    mail: { kind: runtime.mailer.kind },
    masterKeys: usage.map((entry) => ({
      version: entry.version,
      state: versionState(entry),
      studioKeys: entry.studioKeys,
      secretFields: entry.secretFields,
      peppers: entry.peppers,
    })),
    jobs,
    lastScrub: scrub
      ? { at: new Date(scrub.at).toISOString(), checked: count('checked'), missing: count('missing'), corrupt: count('corrupt'), orphaned: count('orphaned'), repaired: count('repaired') }
      : null,
    auditChain: { headSeq: head.seq, lastSealedSeq: seal?.seq ?? null, lastSealedAt: seal ? new Date(seal.sealed_at).toISOString() : null },
    configuration: describeConfig(runtime.config).map(([name, value]) => ({ name, value })),
  };
}

export interface StudioUsageSource {
  usedBytes(studioId: string): Promise<number>;
}

export async function studiosForAdmin(db: Db, usage: StudioUsageSource) {
  const studios = await listStudioSummaries({ db });
  const members = await studioMembers({ db }, studios.map((studio) => studio.id));
  return Promise.all(studios.map(async (studio) => ({ ...studio, usedBytes: await usage.usedBytes(studio.id), members: members.get(studio.id)?.length ?? 0 })));
}

export async function studioForAdmin(db: Db, usage: StudioUsageSource, studioId: string, storage: StorageUsage) {
  const [studio] = await listStudioSummaries({ db }, studioId);
  if (!studio) throw new NotFoundError('studio_not_found', 'This studio does not exist.');
  const memberList = (await studioMembers({ db }, [studio.id])).get(studio.id) ?? [];
  return { ...studio, usedBytes: await usage.usedBytes(studio.id), members: memberList.length, memberList, storage: await storage.of(studio.id) };
}
