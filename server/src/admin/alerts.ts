import { recordAudit, storedAuditEvent } from '../audit/audit-log.ts';
import { selectChainPage, selectRecentEvents } from '../audit/repo.ts';
import { activeAdminEmails, studioMembers } from '../auth/users.ts';
import type { AlertsConfig } from '../config.ts';
import { generateId } from '../crypto/tokens.ts';
import { type Db, inTransaction } from '../db/database.ts';
import type { AlertStatus } from '../db/tables.ts';
import { NotFoundError } from '../errors.ts';
import type { RequestOrigin } from '../http/request-origin.ts';
import type { Mailer } from '../mail/mailer.ts';
import { type AlertRule, alertRules, evaluateRules } from './alert-rules.ts';
import { type AlertRow, acknowledgeAlertRow, advanceScanCursor, countEmailedSince, findAlert, findRecentAlert, findScanCursor, insertAlert, markAlertEmailed, selectAlerts } from './alerts-repo.ts';

/**
 * Alerts over the audit log: a scan (scheduled, and before the console lists alerts) reads the
 * entries added since the last scan, applies the rules (alert-rules.ts), stores what they
 * raise and emails admins — and the studio owner where an alert concerns a studio — within an
 * hourly budget, so an attack that raises alerts by the thousand cannot flood anyone's inbox.
 * Alerts beyond the budget still show in the console.
 */

export interface AlertsDeps {
  db: Db;
  config: AlertsConfig;
  mailer: Mailer;
  publicUrl: string;
  logger: { warn(object: object, message: string): void };
  now(): number;
  rules?: readonly AlertRule[];
}

const batchSize = 500;
const hourMs = 60 * 60_000;

/** Scans new audit entries once; returns the alerts raised. Concurrent scans are harmless: only one moves the cursor. */
export async function scanForAlerts(deps: AlertsDeps): Promise<AlertRow[]> {
  const rules = deps.rules ?? alertRules;
  const raised = await inTransaction(deps.db, async (trx) => {
    const from = await findScanCursor(trx);
    const batch = (await selectChainPage(trx, from, batchSize)).map(storedAuditEvent);
    const last = batch.at(-1);
    if (!last) return [];
    const windowMs = deps.config.windowMinutes * 60_000;
    const actions = [...new Set(rules.flatMap((rule) => rule.actions))];
    const earliest = Math.min(...batch.map((event) => event.at));
    const history = (await selectRecentEvents(trx, actions, earliest - windowMs, last.seq)).map(storedAuditEvent);
    const alerts: AlertRow[] = [];
    for (const found of evaluateRules(rules, deps.config, batch, history)) {
      if (await findRecentAlert(trx, found.rule.name, found.subject, found.event.at - windowMs)) continue;
      const alert: AlertRow = {
        id: generateId(),
        rule: found.rule.name,
        subject: found.subject,
        studio_id: found.event.studioId,
        summary: found.rule.summary(found.subject, found.count),
        event_count: found.count,
        first_seq: found.event.seq,
        raised_at: found.event.at,
        status: 'open',
        acknowledged_at: null,
        acknowledged_by: null,
        emailed_at: null,
      };
      await insertAlert(trx, alert);
      alerts.push(alert);
    }
    // Another scan got here first: roll back, its alerts stand.
    if (!(await advanceScanCursor(trx, from, last.seq))) throw new ScanRaced();
    return alerts;
  }).catch((error: unknown) => {
    if (error instanceof ScanRaced) return [];
    throw error;
  });
  for (const alert of raised) await notify(deps, alert, rules);
  return raised;
}

class ScanRaced extends Error {}

async function recipients(deps: AlertsDeps, alert: AlertRow, rules: readonly AlertRule[]): Promise<string[]> {
  const addresses = new Set(await activeAdminEmails(deps));
  const rule = rules.find((candidate) => candidate.name === alert.rule);
  if (rule?.tellStudioOwner && alert.studio_id) {
    const members = (await studioMembers(deps, [alert.studio_id])).get(alert.studio_id) ?? [];
    for (const member of members) if (member.role === 'owner' && !member.disabled) addresses.add(member.email);
  }
  return [...addresses];
}

async function notify(deps: AlertsDeps, alert: AlertRow, rules: readonly AlertRule[]): Promise<void> {
  const now = deps.now();
  if ((await countEmailedSince(deps.db, now - hourMs)) >= deps.config.emailsPerHour) return;
  await markAlertEmailed(deps.db, alert.id, now);
  const text = `${alert.summary}.\n\nRaised at ${new Date(alert.raised_at).toISOString()} by the rule "${alert.rule}". See it, and acknowledge it, in the admin console: ${deps.publicUrl}/admin/alerts\n`;
  for (const to of await recipients(deps, alert, rules)) {
    await deps.mailer.send({ to, subject: `Shutterlock alert: ${alert.summary}`, text }).catch((error: unknown) => deps.logger.warn({ err: error, alertId: alert.id }, 'alert email failed'));
  }
}

export interface AlertView {
  id: string;
  rule: string;
  subject: string;
  studioId: string | null;
  summary: string;
  eventCount: number;
  firstSeq: number;
  raisedAt: string;
  status: AlertStatus;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  emailed: boolean;
}

function alertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    rule: row.rule,
    subject: row.subject,
    studioId: row.studio_id,
    summary: row.summary,
    eventCount: row.event_count,
    firstSeq: row.first_seq,
    raisedAt: new Date(row.raised_at).toISOString(),
    status: row.status,
    acknowledgedAt: row.acknowledged_at === null ? null : new Date(row.acknowledged_at).toISOString(),
    acknowledgedBy: row.acknowledged_by,
    emailed: row.emailed_at !== null,
  };
}

/** The console's list, after a scan so it shows what happened up to now. */
export async function listAlerts(deps: AlertsDeps, filter: { status?: AlertStatus; limit?: number }): Promise<AlertView[]> {
  await scanForAlerts(deps);
  const rows = await selectAlerts(deps.db, { status: filter.status, limit: filter.limit ?? 50 });
  return rows.map(alertView);
}

export async function acknowledgeAlert(deps: AlertsDeps, actor: { userId: string } & RequestOrigin, alertId: string): Promise<AlertView> {
  const existing = await findAlert(deps.db, alertId);
  if (!existing) throw new NotFoundError('alert_not_found', 'No such alert.');
  if (await acknowledgeAlertRow(deps.db, alertId, actor.userId, deps.now())) {
    await recordAudit(deps.db, { action: 'alert.acknowledged', actorUserId: actor.userId, ip: actor.ip, userAgent: actor.userAgent, studioId: existing.studio_id, details: { alertId, rule: existing.rule } });
  }
  return alertView((await findAlert(deps.db, alertId)) ?? existing);
}
