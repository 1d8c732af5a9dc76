import { availableParallelism } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { ImagingPoolOptions } from './imaging/pool.ts';
import type { BlobStoreConfig } from './storage/blob-store.ts';

/**
 * The environment, read and validated once at start-up into a typed `Config` that is passed
 * down. Nothing else in the server reads `process.env`.
 *
 * Development (the embedded default) needs nothing: SQLite and blobs under `./data`, the mail
 * outbox instead of SMTP, a generated master key. Production refuses to start unless every
 * secret and externally visible setting is given explicitly: there is no default secret.
 */

const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const durationMinutes = z.coerce.number().int().positive();

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),

  SHUTTERLOCK_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),

  STORAGE_BACKEND: z.enum(['local', 's3']).default('local'),
  S3_BUCKET: z.string().min(1).optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: booleanFromEnv.default(false),
  S3_PREFIX: z.string().optional(),

  SHUTTERLOCK_MASTER_KEYS: z.string().min(1).optional(),

  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().min(3).default('Shutterlock <no-reply@localhost>'),

  SESSION_IDLE_MINUTES: durationMinutes.default(120),
  SESSION_ABSOLUTE_MINUTES: durationMinutes.default(23 * 60),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),

  VAULT_MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(500 * 1024 * 1024),
  VAULT_MAX_PIXELS: z.coerce.number().int().positive().default(200_000_000),
  VAULT_MAX_DECODE_BYTES: z.coerce.number().int().positive().default(256 * 1024 * 1024),
  VAULT_DOWNLOAD_URL_SECONDS: z.coerce.number().int().min(10).max(24 * 60 * 60).default(300),
  VAULT_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(2),
  VAULT_PURGE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(24 * 60 * 60).default(60 * 60),
  VAULT_STALE_UPLOAD_SECONDS: z.coerce.number().int().min(1).default(24 * 60 * 60),
  JOB_LEASE_SECONDS: z.coerce.number().int().min(3).max(24 * 60 * 60).default(15 * 60),
  SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(300).default(5),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().min(1).max(3_600).default(60),
  VAULT_RESUMABLE_EXPIRY_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  VAULT_RESUMABLE_MAX_AGE_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(24 * 7),
  CLAMD_SOCKET: z.string().min(1).optional(),
  CLAMD_HOST: z.string().min(1).optional(),
  CLAMD_PORT: z.coerce.number().int().min(1).max(65_535).default(3310),
  CLAMD_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),

  // Explicit, loud exceptions to production's rules (for a closed network, a test deployment).
  ALLOW_INSECURE_PUBLIC_URL: booleanFromEnv.default(false),
  ALLOW_UNSCANNED_UPLOADS: booleanFromEnv.default(false),

  DELIVERY_SESSION_MINUTES: z.coerce.number().int().min(5).max(24 * 60).default(60),
  DELIVERY_REMEMBER_DAYS: z.coerce.number().int().min(0).max(90).default(30),
  DELIVERY_REMINDER_DAYS: z.coerce.number().int().min(0).max(60).default(3),
  SMTP_CA_FILE: z.string().min(1).optional(),

  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  AUDIT_SEAL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(10),
  ALERT_SCAN_SECONDS: z.coerce.number().int().min(1).max(3_600).default(30),
  ALERT_WINDOW_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  ALERT_ACCOUNT_SIGN_IN_FAILURES: z.coerce.number().int().min(1).default(10),
  ALERT_NETWORK_SIGN_IN_FAILURES: z.coerce.number().int().min(1).default(30),
  ALERT_DELIVERY_DOWNLOADS: z.coerce.number().int().min(1).default(500),
  ALERT_MASS_DELETIONS: z.coerce.number().int().min(1).default(100),
  ALERT_EMAILS_PER_HOUR: z.coerce.number().int().min(0).default(20),

  METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  MAIL_STUDIO_EMAILS_PER_HOUR: z.coerce.number().int().min(1).default(200),
  MAIL_STUDIO_EMAILS_PER_DAY: z.coerce.number().int().min(1).default(1000),
  MAIL_STUDIO_NEW_RECIPIENTS_PER_DAY: z.coerce.number().int().min(1).default(100),
  MAIL_DELIVERY_RESENDS_PER_DAY: z.coerce.number().int().min(1).default(10),

  IMAGING_POOL_SIZE: z.coerce.number().int().min(1).max(64).default(2),
  IMAGING_QUEUE_LIMIT: z.coerce.number().int().min(0).max(10_000).default(16),
  IMAGING_TASK_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  IMAGING_TASKS_PER_CHILD: z.coerce.number().int().min(1).default(200),
  IMAGING_CHILD_MEMORY_MIB: z.coerce.number().int().min(128).default(1024),
  IMAGING_CHILD_IDLE_SECONDS: z.coerce.number().int().min(1).default(60),
  IMAGING_THREADS: z.coerce.number().int().min(1).max(64).optional(),

  IMAGES_REMOTE_MAX_BYTES: z.coerce.number().int().positive().default(32 * 1024 * 1024),
  IMAGES_REMOTE_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),

  // Host routing of public portfolios ({slug}.{PORTFOLIO_DOMAIN}): a bare host name, no scheme or port.
  PORTFOLIO_DOMAIN: z
    .string()
    .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lower-case host name such as portfolio.example.com')
    .optional(),
});

type Environment = z.infer<typeof environmentSchema>;

/** The blob store's own configuration type: config.ts only fills it in. */
export type StorageConfig = BlobStoreConfig;

/** Where clamd listens, and how long a scan may take before the upload fails closed. */
export type ClamdConfig =
  | { kind: 'socket'; path: string; timeoutMs: number }
  | { kind: 'tcp'; host: string; port: number; timeoutMs: number };

export interface VaultConfig {
  maxUploadBytes: number;
  /** A resumable upload left this long without a byte is gone and purged with its blobs (vault/resumable.ts). */
  resumableExpiryHours: number;
  /** However often it is appended to, a resumable upload expires this long after its creation, releasing its quota reservation. */
  resumableMaxAgeHours: number;
  maxPixels: number;
  maxDecodeBytes: number;
  downloadUrlSeconds: number;
  jobConcurrency: number;
  /** How often the purge job runs (trash past its retention, abandoned uploads and preview blobs). */
  purgeIntervalSeconds: number;
  /** An upload (or a preview blob) not finished after this long was cut off by a crash: the purge removes its blob. */
  staleUploadSeconds: number;
  /** null: uploads are not scanned. */
  clamd: ClamdConfig | null;
}

/** How much delivery mail a studio may send (deliveries/mail-limits.ts): emails are counted per recipient message. */
export interface MailLimitsConfig {
  emailsPerHour: number;
  emailsPerDay: number;
  /** Addresses the studio had not mailed before (in the last 30 days). */
  newRecipientsPerDay: number;
  /** Resends and new codes emailed, per delivery. */
  resendsPerDeliveryPerDay: number;
}
/** The decoder children (imaging/pool.ts); which tasks they run is the code's business, not the config's. */
export type ImagingConfig = Omit<ImagingPoolOptions, 'tasksModule'>;

/** The inspection of a file over VAULT_MAX_DECODE_BYTES reads this much of its head (vault/inspection.ts). */
export const INSPECTION_HEAD_BYTES = 16 * 1024 * 1024;
/** The image service's remote-source bounds (docs/imaging.md); its transforms run in the imaging pool. */
export interface ImagesConfig {
  remoteMaxBytes: number;
  remoteTimeoutMs: number;
}

export interface DeliveriesConfig {
  /** How long a client's session lasts after the right code (it ends sooner if the delivery does). */
  sessionMinutes: number;
  /** How long "remember this device" lasts after the right code (0: never offered). */
  rememberDays: number;
  /** Days before expiry the recipients are reminded, once (0: no reminders). */
  reminderDays: number;
  mailLimits: MailLimitsConfig;
}

export interface AuditConfig {
  /** Entries older than this are pruned behind a sealed checkpoint; undefined keeps them all. */
  retentionDays: number | undefined;
  sealMinutes: number;
}

/** Alert rule thresholds (admin/alert-rules.ts): counts of audit events within one window. */
export interface AlertsConfig {
  scanSeconds: number;
  windowMinutes: number;
  accountSignInFailures: number;
  networkSignInFailures: number;
  deliveryDownloads: number;
  massDeletions: number;
  /** The most alert emails sent in any hour, across all alerts and recipients. */
  emailsPerHour: number;
}

/** `GET /metrics`: off unless a bearer token or a separate port is configured. */
export interface MetricsConfig {
  token: string | undefined;
  /** Serve the metrics on their own listener (no token) instead of the main port. */
  port: number | undefined;
  host: string;
}

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface Config {
  production: boolean;
  host: string;
  port: number;
  /** The URL people open; links in emails are built from it. */
  publicUrl: string;
  /** Whether the public URL is https, which turns on HSTS and `Secure`/`__Host-` cookies. */
  secureTransport: boolean;
  /** Fastify's `trustProxy`: false, true, a hop count, or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  logLevel: Environment['LOG_LEVEL'];
  bodyLimitBytes: number;
  dataDir: string;
  database: DatabaseConfig;
  storage: StorageConfig;
  masterKeys: string | undefined;
  mail: { smtpUrl: string | undefined; smtpCaFile?: string; from: string; outboxDir: string };
  sessions: { idleMinutes: number; absoluteMinutes: number };
  redisUrl: string | undefined;
  /** How long a claimed job is held before another instance may take it over (its runner renews it while it runs). */
  jobs: { leaseSeconds: number };
  /** SIGTERM: readiness turns false for `drainSeconds` while serving on, then the listener closes and in-flight work gets until `timeoutSeconds`. */
  shutdown: { drainSeconds: number; timeoutSeconds: number };
  vault: VaultConfig;
  deliveries: DeliveriesConfig;
  audit: AuditConfig;
  alerts: AlertsConfig;
  metrics: MetricsConfig;
  imaging: ImagingConfig;
  images: ImagesConfig;
  /** Public portfolios (docs/portfolio.md): the domain whose subdomains are portfolio hosts, if any. */
  portfolio: { domain: string | undefined };
  /** Where the built web app lives. */
  webDistDir: string;
  /** Production rules overridden on purpose (ALLOW_*): logged as warnings at every start. */
  warnings: string[];
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const repositoryRoot = path.resolve(import.meta.dirname, '..', '..');

function parseTrustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((entry) => entry.trim()).filter(Boolean);
}

function clamdConfig(env: Environment): ClamdConfig | null {
  if (env.CLAMD_SOCKET) return { kind: 'socket', path: env.CLAMD_SOCKET, timeoutMs: env.CLAMD_TIMEOUT_MS };
  if (env.CLAMD_HOST) return { kind: 'tcp', host: env.CLAMD_HOST, port: env.CLAMD_PORT, timeoutMs: env.CLAMD_TIMEOUT_MS };
  return null;
}

function productionProblems(env: Environment): string[] {
  const problems: string[] = [];
  if (!env.SHUTTERLOCK_MASTER_KEYS) {
    problems.push('SHUTTERLOCK_MASTER_KEYS is required in production (see docs/operations.md).');
  }
  if (!env.PUBLIC_URL) problems.push('PUBLIC_URL is required in production (the address people open).');
  if (!env.SMTP_URL) problems.push('SMTP_URL is required in production (the outbox is for development).');
  if (env.STORAGE_BACKEND === 's3' && !(env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY)) {
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required for the s3 backend in production.');
  }
  for (const rule of productionRules(env)) if (rule.broken && !rule.overridden) problems.push(rule.problem);
  return problems;
}

/** Production rules that an operator may override, knowingly: each override is a warning. */
function productionRules(env: Environment): Array<{ broken: boolean; overridden: boolean; problem: string; warning: string }> {
  return [
    {
      broken: env.PUBLIC_URL?.startsWith('http://') ?? false,
      overridden: env.ALLOW_INSECURE_PUBLIC_URL,
      problem: 'PUBLIC_URL must be https:// in production (Secure cookies and HSTS need it); set ALLOW_INSECURE_PUBLIC_URL=true only if TLS truly ends elsewhere and you accept the risk.',
      warning: 'INSECURE: PUBLIC_URL is http:// in production (ALLOW_INSECURE_PUBLIC_URL=true): session cookies are not Secure and there is no HSTS.',
    },
    {
      broken: !env.CLAMD_SOCKET && !env.CLAMD_HOST,
      overridden: env.ALLOW_UNSCANNED_UPLOADS,
      problem: 'CLAMD_SOCKET or CLAMD_HOST is required in production (uploads are scanned); set ALLOW_UNSCANNED_UPLOADS=true to run without a virus scanner.',
      warning: 'INSECURE: uploads are not scanned for viruses in production (ALLOW_UNSCANNED_UPLOADS=true).',
    },
  ];
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  const problems = production ? productionProblems(env) : [];
  if (env.STORAGE_BACKEND === 's3' && !env.S3_BUCKET) problems.push('S3_BUCKET is required when STORAGE_BACKEND=s3.');
  if (env.VAULT_RESUMABLE_MAX_AGE_HOURS < env.VAULT_RESUMABLE_EXPIRY_HOURS) problems.push('VAULT_RESUMABLE_MAX_AGE_HOURS must be at least VAULT_RESUMABLE_EXPIRY_HOURS.');
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(env.SHUTTERLOCK_DATA_DIR);
  const publicUrl = (env.PUBLIC_URL ?? `http://${env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST}:${env.PORT}`).replace(/\/$/, '');

  return {
    production,
    host: env.HOST,
    port: env.PORT,
    publicUrl,
    secureTransport: publicUrl.startsWith('https://'),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    logLevel: env.LOG_LEVEL,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    dataDir,
    database: env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL }
      : { kind: 'sqlite', file: path.join(dataDir, 'shutterlock.sqlite') },
    storage:
      env.STORAGE_BACKEND === 's3'
        ? {
            kind: 's3',
            bucket: env.S3_BUCKET as string,
            endpoint: env.S3_ENDPOINT,
            region: env.S3_REGION,
            accessKeyId: env.S3_ACCESS_KEY_ID,
            secretAccessKey: env.S3_SECRET_ACCESS_KEY,
            forcePathStyle: env.S3_FORCE_PATH_STYLE,
            prefix: env.S3_PREFIX,
          }
        : { kind: 'local', root: path.join(dataDir, 'blobs') },
    masterKeys: env.SHUTTERLOCK_MASTER_KEYS,
    mail: { smtpUrl: env.SMTP_URL, smtpCaFile: env.SMTP_CA_FILE, from: env.MAIL_FROM, outboxDir: path.join(dataDir, 'outbox') },
    sessions: { idleMinutes: env.SESSION_IDLE_MINUTES, absoluteMinutes: env.SESSION_ABSOLUTE_MINUTES },
    redisUrl: env.REDIS_URL,
    jobs: { leaseSeconds: env.JOB_LEASE_SECONDS },
    shutdown: { drainSeconds: env.SHUTDOWN_DRAIN_SECONDS, timeoutSeconds: env.SHUTDOWN_TIMEOUT_SECONDS },
    vault: {
      maxUploadBytes: env.VAULT_MAX_UPLOAD_BYTES,
      resumableExpiryHours: env.VAULT_RESUMABLE_EXPIRY_HOURS,
      resumableMaxAgeHours: env.VAULT_RESUMABLE_MAX_AGE_HOURS,
      maxPixels: env.VAULT_MAX_PIXELS,
      maxDecodeBytes: env.VAULT_MAX_DECODE_BYTES,
      downloadUrlSeconds: env.VAULT_DOWNLOAD_URL_SECONDS,
      jobConcurrency: env.VAULT_JOB_CONCURRENCY,
      purgeIntervalSeconds: env.VAULT_PURGE_INTERVAL_SECONDS,
      staleUploadSeconds: env.VAULT_STALE_UPLOAD_SECONDS,
      clamd: clamdConfig(env),
    },
    audit: { retentionDays: env.AUDIT_RETENTION_DAYS, sealMinutes: env.AUDIT_SEAL_MINUTES },
    alerts: {
      scanSeconds: env.ALERT_SCAN_SECONDS,
      windowMinutes: env.ALERT_WINDOW_MINUTES,
      accountSignInFailures: env.ALERT_ACCOUNT_SIGN_IN_FAILURES,
      networkSignInFailures: env.ALERT_NETWORK_SIGN_IN_FAILURES,
      deliveryDownloads: env.ALERT_DELIVERY_DOWNLOADS,
      massDeletions: env.ALERT_MASS_DELETIONS,
      emailsPerHour: env.ALERT_EMAILS_PER_HOUR,
    },
    metrics: { token: env.METRICS_TOKEN, port: env.METRICS_PORT, host: env.METRICS_HOST },
    deliveries: {
      sessionMinutes: env.DELIVERY_SESSION_MINUTES,
      rememberDays: env.DELIVERY_REMEMBER_DAYS,
      reminderDays: env.DELIVERY_REMINDER_DAYS,
      mailLimits: {
        emailsPerHour: env.MAIL_STUDIO_EMAILS_PER_HOUR,
        emailsPerDay: env.MAIL_STUDIO_EMAILS_PER_DAY,
        newRecipientsPerDay: env.MAIL_STUDIO_NEW_RECIPIENTS_PER_DAY,
        resendsPerDeliveryPerDay: env.MAIL_DELIVERY_RESENDS_PER_DAY,
      },
    },
    imaging: {
      size: env.IMAGING_POOL_SIZE,
      queueLimit: env.IMAGING_QUEUE_LIMIT,
      taskSeconds: env.IMAGING_TASK_SECONDS,
      tasksPerChild: env.IMAGING_TASKS_PER_CHILD,
      childMemoryMiB: env.IMAGING_CHILD_MEMORY_MIB,
      idleSeconds: env.IMAGING_CHILD_IDLE_SECONDS,
      maxInputBytes: Math.max(env.VAULT_MAX_DECODE_BYTES, INSPECTION_HEAD_BYTES),
      // The children share the cores: libvips threads split between them.
      threads: env.IMAGING_THREADS ?? Math.max(1, Math.floor(availableParallelism() / env.IMAGING_POOL_SIZE)),
    },
    images: {
      remoteMaxBytes: env.IMAGES_REMOTE_MAX_BYTES,
      remoteTimeoutMs: env.IMAGES_REMOTE_TIMEOUT_MS,
    },
    portfolio: { domain: env.PORTFOLIO_DOMAIN },
    webDistDir: path.join(repositoryRoot, 'web', 'dist'),
    warnings: production ? productionRules(env).flatMap((rule) => (rule.broken && rule.overridden ? [rule.warning] : [])) : [],
  };
}

function describeClamd(clamd: ClamdConfig | null): string {
  if (!clamd) return '(not set: uploads are not scanned)';
  return clamd.kind === 'socket' ? `clamd socket ${clamd.path}` : `clamd ${clamd.host}:${clamd.port}`;
}

/**
 * What `shutterlock config check` prints: every setting with its value, except that secrets
 * show only whether they are set, and URLs lose their credentials.
 */
export function describeConfig(config: Config): Array<[string, string]> {
  const redactUrl = (url: string): string => {
    try {
      const parsed = new URL(url);
      if (parsed.username || parsed.password) {
        parsed.username = parsed.username ? '***' : '';
        parsed.password = parsed.password ? '***' : '';
      }
      // Drivers also take credentials as query parameters (?password=, ?pass=, ?sslkey=…).
      for (const name of [...parsed.searchParams.keys()]) {
        if (/pass|secret|token|key|auth/i.test(name)) parsed.searchParams.set(name, '***');
      }
      return parsed.toString();
    } catch {
      return '(set, unparseable)';
    }
  };
  const isSet = (value: string | undefined): string => (value ? '(set)' : '(not set)');
  const rows: Array<[string, string]> = [
    ['mode', config.production ? 'production' : 'development'],
    ['listen', `${config.host}:${config.port}`],
    ['public URL', config.publicUrl],
    ['trust proxy', JSON.stringify(config.trustProxy)],
    ['data directory', config.dataDir],
    ['database', config.database.kind === 'sqlite' ? `sqlite ${config.database.file}` : `postgres ${redactUrl(config.database.url)}`],
    ['storage', config.storage.kind === 'local' ? `local ${config.storage.root}` : `s3 bucket=${config.storage.bucket} endpoint=${config.storage.endpoint ?? '(AWS)'} region=${config.storage.region}`],
  ];
  if (config.storage.kind === 's3') {
    rows.push(['S3 access key id', isSet(config.storage.accessKeyId)], ['S3 secret access key', isSet(config.storage.secretAccessKey)]);
  }
  rows.push(
    ['master keys', config.masterKeys ? `(set, ${config.masterKeys.split(',').length} version(s))` : config.production ? '(not set)' : '(not set: development key file in the data directory)'],
    ['mail', config.mail.smtpUrl ? `smtp ${redactUrl(config.mail.smtpUrl)}` : `development outbox ${config.mail.outboxDir}`],
    ['mail from', config.mail.from],
    ...(config.mail.smtpCaFile ? ([['smtp CA file', config.mail.smtpCaFile]] as Array<[string, string]>) : []),
    ['session idle / absolute', `${config.sessions.idleMinutes} min / ${config.sessions.absoluteMinutes} min`],
    ['redis', config.redisUrl ? redactUrl(config.redisUrl) : '(not set: limits in the database)'],
    ['vault upload / decode limit', `${config.vault.maxUploadBytes} bytes / ${config.vault.maxDecodeBytes} bytes`],
    ['vault pixel limit', `${config.vault.maxPixels} pixels`],
    ['vault resumable upload expiry / max age', `${config.vault.resumableExpiryHours} h / ${config.vault.resumableMaxAgeHours} h`],
    ['vault download URL lifetime', `${config.vault.downloadUrlSeconds} s`],
    ['vault job concurrency', String(config.vault.jobConcurrency)],
    ['vault purge interval / stale upload', `${config.vault.purgeIntervalSeconds} s / ${config.vault.staleUploadSeconds} s`],
    ['job lease', `${config.jobs.leaseSeconds} s`],
    ['shutdown drain / deadline', `${config.shutdown.drainSeconds} s / ${config.shutdown.timeoutSeconds} s`],
    ['ClamAV', describeClamd(config.vault.clamd)],
    ['delivery client session', `${config.deliveries.sessionMinutes} min`],
    ['delivery remembered device', config.deliveries.rememberDays === 0 ? 'off' : `${config.deliveries.rememberDays} days`],
    ['delivery expiry reminder', config.deliveries.reminderDays === 0 ? 'off' : `${config.deliveries.reminderDays} days before`],
    ['audit retention / seal interval', `${config.audit.retentionDays === undefined ? 'kept forever' : `${config.audit.retentionDays} days`} / ${config.audit.sealMinutes} min`],
    [
      'alert thresholds',
      `per ${config.alerts.windowMinutes} min: ${config.alerts.accountSignInFailures} failed sign-ins per account, ${config.alerts.networkSignInFailures} per network, ${config.alerts.deliveryDownloads} downloads per delivery, ${config.alerts.massDeletions} deletions; ${config.alerts.emailsPerHour} emails/hour`,
    ],
    ['metrics', config.metrics.port !== undefined ? `separate listener ${config.metrics.host}:${config.metrics.port}` : config.metrics.token ? 'GET /metrics with the bearer token (set)' : '(off)'],
    ...config.warnings.map((warning): [string, string] => ['WARNING', warning]),
    [
      'delivery mail per studio',
      `${config.deliveries.mailLimits.emailsPerHour}/hour, ${config.deliveries.mailLimits.emailsPerDay}/day, ${config.deliveries.mailLimits.newRecipientsPerDay} new recipients/day, ${config.deliveries.mailLimits.resendsPerDeliveryPerDay} resends per delivery/day`,
    ],
    [
      'imaging children',
      `${config.imaging.size} (queue ${config.imaging.queueLimit}, ${config.imaging.taskSeconds} s a task, ${config.imaging.childMemoryMiB} MiB each, ${config.imaging.threads} thread(s), recycled after ${config.imaging.tasksPerChild} tasks)`,
    ],
    ['image remote sources', `${config.images.remoteMaxBytes} bytes, ${config.images.remoteTimeoutMs} ms`],
    ['portfolio hosts', config.portfolio.domain ? `{slug}.${config.portfolio.domain}` : '(paths only: /p/{slug})'],
  );
  return rows;
}
