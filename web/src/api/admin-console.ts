import { apiDelete, apiGet, apiPost } from './client';

/** The admin console beyond users: audit trail, alerts, system status, studios, jobs. Times are ISO 8601. */

export interface AuditEvent {
  id: string;
  seq: number;
  at: string;
  action: string;
  actorUserId: string | null;
  /** The account's email address; null when there is no account or it was deleted. */
  actorEmail: string | null;
  subjectEmail: string | null;
  subjectUserId: string | null;
  studioId: string | null;
  ip: string | null;
  userAgent: string | null;
  details: Record<string, string | number | boolean | null>;
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  studio?: string;
  from?: string;
  to?: string;
}

function query(values: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

export function listAuditEvents(filters: AuditFilters, before?: number): Promise<{ events: AuditEvent[]; nextBefore: number | null }> {
  return apiGet(`/api/audit/events${query({ ...filters, before, limit: 50 })}`);
}

/** Where the browser downloads the filtered trail from (a plain link: the response is a file). */
export function auditExportUrl(filters: AuditFilters, format: 'jsonl' | 'csv'): string {
  return `/api/audit/events/export${query({ ...filters, format })}`;
}

export interface Alert {
  id: string;
  rule: string;
  subject: string;
  studioId: string | null;
  summary: string;
  eventCount: number;
  raisedAt: string;
  status: 'open' | 'acknowledged';
  acknowledgedAt: string | null;
  emailed: boolean;
}

export async function listAlerts(): Promise<Alert[]> {
  return (await apiGet<{ alerts: Alert[] }>('/api/admin/alerts?limit=100')).alerts;
}

export async function acknowledgeAlert(id: string): Promise<Alert> {
  return (await apiPost<{ alert: Alert }>(`/api/admin/alerts/${encodeURIComponent(id)}/acknowledge`)).alert;
}

export interface QueueDepth {
  kind: string;
  pending: number;
  running: number;
  failed: number;
  oldestPendingAgeMs: number;
}

export interface SystemStatus {
  version: string;
  database: { kind: string; status: string };
  storage: { kind: string; status: string };
  mail: { kind: string };
  masterKeys: Array<{ version: string; state: string; studioKeys: number; peppers: number; secretFields: number }>;
  jobs: QueueDepth[];
  lastScrub: { at: string; checked: number; missing: number; corrupt: number; orphaned: number; repaired: number } | null;
  auditChain: { headSeq: number; lastSealedSeq: number | null; lastSealedAt: string | null };
  configuration: Array<{ name: string; value: string }>;
}

export function getSystemStatus(): Promise<SystemStatus> {
  return apiGet('/api/admin/system');
}

export interface Job {
  id: string;
  kind: string;
  status: 'pending' | 'running' | 'failed';
  attempts: number;
  runAfter: string;
  createdAt: string;
  lastError: string | null;
}

export async function listFailedJobs(): Promise<Job[]> {
  return (await apiGet<{ jobs: Job[] }>('/api/admin/jobs?status=failed')).jobs;
}

export function retryJob(id: string): Promise<void> {
  return apiPost(`/api/admin/jobs/${encodeURIComponent(id)}/retry`);
}

export interface StudioSummary {
  id: string;
  name: string;
  createdAt: string;
  encryptionEnabled: boolean;
  quotaBytes: number | null;
  keyVersion: string | null;
  usedBytes: number;
  members: number;
}

export async function listStudios(): Promise<StudioSummary[]> {
  return (await apiGet<{ studios: StudioSummary[] }>('/api/admin/studios')).studios;
}

export interface StudioMember {
  userId: string;
  email: string;
  role: string;
  disabled: boolean;
  lastSignInAt: string | null;
}

/** Bytes as stored (sealed, with the format's overhead), by what they are. */
export interface StudioStorage {
  originals: number;
  previews: number;
  cache: number;
  other: number;
}

export interface StudioDetail extends StudioSummary {
  memberList: StudioMember[];
  storage: StudioStorage;
}

export async function getStudio(id: string): Promise<StudioDetail> {
  return (await apiGet<{ studio: StudioDetail }>(`/api/admin/studios/${encodeURIComponent(id)}`)).studio;
}

/** Crypto-erases a studio: its name typed again and a current authentication code. */
export function deleteStudio(id: string, confirm: string, totpCode: string): Promise<void> {
  return apiDelete(`/api/admin/studios/${encodeURIComponent(id)}`, { confirm, totpCode });
}

/** Deletes an account for good: its email typed again and a current authentication code. */
export function deleteUser(id: string, confirm: string, totpCode: string): Promise<{ erasedStudioId: string | null }> {
  return apiDelete(`/api/admin/users/${encodeURIComponent(id)}`, { confirm, totpCode });
}
