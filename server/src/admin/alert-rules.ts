import type { StoredAuditEvent } from '../audit/audit-log.ts';
import type { AlertsConfig } from '../config.ts';
import { rateLimitNetwork } from '../http/request-origin.ts';

/**
 * The alert rules: each counts audit events of some actions per subject (an account, a
 * network, a delivery, a studio) within `ALERT_WINDOW_MINUTES`, and raises one alert when the
 * count reaches its threshold (1: every such event). To add a rule, add a row here; action
 * names are those capabilities record (grep `action:` in server/src). docs/operations.md lists them.
 */

export interface AlertRule {
  name: string;
  actions: readonly string[];
  /** What the rule counts by; null: the event does not count. */
  subjectOf(event: StoredAuditEvent): string | null;
  threshold(config: AlertsConfig): number;
  /** How much one event counts (emptying the trash deletes many files at once). */
  weight?(event: StoredAuditEvent): number;
  summary(subject: string, count: number): string;
  /** Also email the owner of the studio the events concern. */
  tellStudioOwner: boolean;
}

const signInFailures = ['sign_in.password_failed', 'sign_in.code_failed', 'sign_in.second_factor_failed', 'auth.sign_in_failed'];

const detail = (key: string) => (event: StoredAuditEvent) => {
  const value = event.details[key];
  return typeof value === 'string' ? value : null;
};
const always = () => 1;

export const alertRules: readonly AlertRule[] = [
  {
    name: 'sign_in_failures_account',
    actions: signInFailures,
    subjectOf: (event) => event.subjectUserId ?? detail('email')(event),
    threshold: (config) => config.accountSignInFailures,
    summary: (subject, count) => `${count} failed sign-ins for account ${subject}`,
    tellStudioOwner: false,
  },
  {
    name: 'sign_in_failures_network',
    actions: signInFailures,
    subjectOf: (event) => (event.ip ? rateLimitNetwork(event.ip) : null),
    threshold: (config) => config.networkSignInFailures,
    summary: (subject, count) => `${count} failed sign-ins from network ${subject}`,
    tellStudioOwner: false,
  },
  {
    name: 'sign_in_code_locked',
    actions: ['auth.sign_in_code_locked'],
    subjectOf: (event) => event.subjectUserId,
    threshold: always,
    summary: (subject) => `Sign-in codes locked for account ${subject} after repeated wrong codes`,
    tellStudioOwner: false,
  },
  {
    name: 'delivery_locked',
    actions: ['delivery.locked'],
    subjectOf: detail('deliveryId'),
    threshold: always,
    summary: (subject) => `Delivery ${subject} locked after repeated wrong codes`,
    tellStudioOwner: true,
  },
  {
    name: 'lab_locked',
    actions: ['lab.locked'],
    subjectOf: (event) => detail('labId')(event) ?? event.studioId,
    threshold: always,
    summary: (subject) => `Lab portal ${subject} locked after repeated wrong PINs`,
    tellStudioOwner: true,
  },
  {
    name: 'delivery_download_volume',
    actions: ['delivery.file_downloaded', 'delivery.zip_downloaded'],
    subjectOf: detail('deliveryId'),
    threshold: (config) => config.deliveryDownloads,
    summary: (subject, count) => `${count} downloads from delivery ${subject}`,
    tellStudioOwner: true,
  },
  {
    name: 'mass_deletion',
    actions: ['vault.file_trashed', 'vault.trash_emptied', 'vault.trash_purged', 'vault.album_deleted', 'user.deleted', 'studio.deleted'],
    subjectOf: (event) => event.studioId ?? event.actorUserId,
    weight: (event) => (typeof event.details.files === 'number' ? Math.max(1, event.details.files) : 1),
    threshold: (config) => config.massDeletions,
    summary: (subject, count) => `${count} deletions in studio ${subject}`,
    tellStudioOwner: true,
  },
  {
    name: 'key_rotation',
    actions: ['keys.rotated'],
    subjectOf: () => 'master-keys',
    threshold: always,
    summary: () => 'The master keys were rotated',
    tellStudioOwner: false,
  },
  {
    name: 'second_factor_reset',
    actions: ['auth.second_factor_reset'],
    subjectOf: (event) => event.subjectUserId,
    threshold: always,
    summary: (subject) => `The second factor of account ${subject} was reset`,
    tellStudioOwner: false,
  },
  {
    name: 'mail_limit_reached',
    actions: ['mail.studio_limit_reached'],
    subjectOf: (event) => event.studioId,
    threshold: always,
    summary: (subject) => `Studio ${subject} reached its mail ceiling`,
    tellStudioOwner: true,
  },
];

export interface RaisedAlert {
  rule: AlertRule;
  subject: string;
  count: number;
  event: StoredAuditEvent;
}

/**
 * The alerts `batch` (new events, oldest first) raises, given `history` (every event of the
 * rules' actions from one window before the batch up to its end). A rule fires for a subject
 * the first time its weighted count within the window reaching back from an event meets the
 * threshold; the caller drops alerts already raised within the window.
 */
export function evaluateRules(rules: readonly AlertRule[], config: AlertsConfig, batch: readonly StoredAuditEvent[], history: readonly StoredAuditEvent[]): RaisedAlert[] {
  const windowMs = config.windowMinutes * 60_000;
  const raised: RaisedAlert[] = [];
  for (const rule of rules) {
    const fired = new Set<string>();
    const threshold = rule.threshold(config);
    const weight = rule.weight ?? always;
    const relevant = history.filter((event) => rule.actions.includes(event.action));
    for (const event of batch) {
      if (!rule.actions.includes(event.action)) continue;
      const subject = rule.subjectOf(event);
      if (subject === null || fired.has(subject)) continue;
      const count = relevant
        .filter((other) => other.seq <= event.seq && other.at > event.at - windowMs && rule.subjectOf(other) === subject)
        .reduce((sum, other) => sum + weight(other), 0);
      if (count >= threshold) {
        fired.add(subject);
        raised.push({ rule, subject, count, event });
      }
    }
  }
  return raised;
}
