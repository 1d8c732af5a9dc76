import { availableParallelism } from 'node:os';
import path from 'node:path';
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

/**
 * How each variable's text becomes its value. A few small readers instead of a validation
 * library: zod's 95 modules stayed loaded for the server's whole life to read the environment
 * once (about 5 MiB of resident memory at rest, docs/performance.md).
 */
class InvalidValue extends Error {}

type Parse<T> = (text: string) => T;

interface Variable<T> {
  read(text: string | undefined): T;
}

function optional<T>(parse: Parse<T>): Variable<T | undefined> {
  return { read: (text) => (text === undefined ? undefined : parse(text)) };
}

function withDefault<T>(parse: Parse<T>, fallback: NoInfer<T>): Variable<T> {
  return { read: (text) => (text === undefined ? fallback : parse(text)) };
}

function oneOf<const Value extends string>(...values: Value[]): Parse<Value> {
  return (text) => {
    if (!(values as string[]).includes(text)) throw new InvalidValue(`must be one of ${values.join(', ')}`);
    return text as Value;
  };
}

const flagValues = oneOf('true', 'false', '1', '0', 'yes', 'no');
const flag: Parse<boolean> = (text) => ['true', '1', 'yes'].includes(flagValues(text));

function text(minimumLength = 0, problem = minimumLength === 1 ? 'must not be empty' : `must be at least ${minimumLength} characters`): Parse<string> {
  return (value) => {
    if (value.length < minimumLength) throw new InvalidValue(problem);
    return value;
  };
}

function matching(pattern: RegExp, problem: string): Parse<string> {
  return (value) => {
    if (!pattern.test(value)) throw new InvalidValue(problem);
    return value;
  };
}

/** An absolute URL, with one of `protocols` when any are given ('https', without the colon). */
function url(...protocols: string[]): Parse<string> {
  return (value) => {
    const parsed = URL.parse(value);
    if (!parsed) throw new InvalidValue('must be an absolute URL');
    if (protocols.length > 0 && !protocols.includes(parsed.protocol.slice(0, -1))) {
      throw new InvalidValue(`must be a URL starting with ${protocols.map((protocol) => `${protocol}://`).join(' or ')}`);
    }
    return value;
  };
}

/** A number `isKind` accepts, within the bounds. */
function numberWhere(isKind: (value: number) => boolean, kind: string, minimum: number, maximum: number): Parse<number> {
  const range = Number.isFinite(maximum) ? ` from ${minimum} to ${maximum}` : Number.isFinite(minimum) ? ` of at least ${minimum}` : '';
  return (text) => {
    // Number('') and Number(' ') are 0: an empty setting is a mistake, not zero.
    const value = text.trim() === '' ? Number.NaN : Number(text);
    if (!isKind(value) || value < minimum || value > maximum) throw new InvalidValue(`must be ${kind}${range}`);
    return value;
  };
}

function number(minimum = Number.NEGATIVE_INFINITY, maximum = Number.POSITIVE_INFINITY): Parse<number> {
  return numberWhere(Number.isFinite, 'a number', minimum, maximum);
}

function integer(minimum = Number.NEGATIVE_INFINITY, maximum = Number.POSITIVE_INFINITY): Parse<number> {
  return numberWhere(Number.isInteger, 'an integer', minimum, maximum);
}

const environmentVariables = {
  NODE_ENV: withDefault(oneOf('development', 'production', 'test'), 'development'),
  HOST: withDefault(text(1), '127.0.0.1'),
  PORT: withDefault(integer(0, 65_535), 8080),
  PUBLIC_URL: optional(url('http', 'https')),
  TRUST_PROXY: optional(text()),
  LOG_LEVEL: withDefault(oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'), 'info'),
  BODY_LIMIT_BYTES: withDefault(integer(1), 1_048_576),

  SHUTTERLOCK_DATA_DIR: withDefault(text(1), './data'),
  DATABASE_URL: optional(matching(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')),

  STORAGE_BACKEND: withDefault(oneOf('local', 's3'), 'local'),
  S3_BUCKET: optional(text(1)),
  S3_ENDPOINT: optional(url()),
  S3_REGION: withDefault(text(1), 'us-east-1'),
  S3_ACCESS_KEY_ID: optional(text(1)),
  S3_SECRET_ACCESS_KEY: optional(text(1)),
  S3_FORCE_PATH_STYLE: withDefault(flag, false),
  S3_PREFIX: optional(text()),

  SHUTTERLOCK_MASTER_KEYS: optional(text(1)),

  SMTP_URL: optional(matching(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')),
  MAIL_FROM: withDefault(text(3), 'Shutterlock <no-reply@localhost>'),

  SESSION_IDLE_MINUTES: withDefault(integer(1), 120),
  SESSION_ABSOLUTE_MINUTES: withDefault(integer(1), 23 * 60),
  REDIS_URL: optional(matching(/^rediss?:\/\//, 'must be a redis:// URL')),

  VAULT_MAX_UPLOAD_BYTES: withDefault(integer(1), 500 * 1024 * 1024),
  VAULT_MAX_PIXELS: withDefault(integer(1), 200_000_000),
  VAULT_MAX_DECODE_BYTES: withDefault(integer(1), 256 * 1024 * 1024),
  VAULT_DOWNLOAD_URL_SECONDS: withDefault(integer(10, 24 * 60 * 60), 300),
  VAULT_JOB_CONCURRENCY: withDefault(integer(1, 8), 2),
  VAULT_PURGE_INTERVAL_SECONDS: withDefault(integer(1, 24 * 60 * 60), 60 * 60),
  VAULT_STALE_UPLOAD_SECONDS: withDefault(integer(1), 24 * 60 * 60),
  JOB_LEASE_SECONDS: withDefault(integer(3, 24 * 60 * 60), 15 * 60),
  SHUTDOWN_DRAIN_SECONDS: withDefault(number(0, 300), 5),
  SHUTDOWN_TIMEOUT_SECONDS: withDefault(number(1, 3_600), 60),
  VAULT_RESUMABLE_EXPIRY_HOURS: withDefault(integer(1, 24 * 30), 24),
  VAULT_RESUMABLE_MAX_AGE_HOURS: withDefault(integer(1, 24 * 90), 24 * 7),
  CLAMD_SOCKET: optional(text(1)),
  CLAMD_HOST: optional(text(1)),
  CLAMD_PORT: withDefault(integer(1, 65_535), 3310),
  CLAMD_TIMEOUT_MS: withDefault(integer(1), 30_000),

  // Explicit, loud exceptions to production's rules (for a closed network, a test deployment).
  ALLOW_INSECURE_PUBLIC_URL: withDefault(flag, false),
  ALLOW_UNSCANNED_UPLOADS: withDefault(flag, false),

  DELIVERY_SESSION_MINUTES: withDefault(integer(5, 24 * 60), 60),
  DELIVERY_REMEMBER_DAYS: withDefault(integer(0, 90), 30),
  DELIVERY_REMINDER_DAYS: withDefault(integer(0, 60), 3),
  SMTP_CA_FILE: optional(text(1)),

  AUDIT_RETENTION_DAYS: optional(integer(1)),
  AUDIT_SEAL_MINUTES: withDefault(integer(1, 24 * 60), 10),
  ALERT_SCAN_SECONDS: withDefault(integer(1, 3_600), 30),
  ALERT_WINDOW_MINUTES: withDefault(integer(1, 24 * 60), 15),
  ALERT_ACCOUNT_SIGN_IN_FAILURES: withDefault(integer(1), 10),
  ALERT_NETWORK_SIGN_IN_FAILURES: withDefault(integer(1), 30),
  ALERT_DELIVERY_DOWNLOADS: withDefault(integer(1), 500),
  ALERT_MASS_DELETIONS: withDefault(integer(1), 100),
  ALERT_EMAILS_PER_HOUR: withDefault(integer(0), 20),

  METRICS_TOKEN: optional(text(32, 'must be at least 32 characters (openssl rand -hex 32)')),
  METRICS_PORT: optional(integer(1, 65_535)),
  METRICS_HOST: withDefault(text(1), '127.0.0.1'),
  MAIL_STUDIO_EMAILS_PER_HOUR: withDefault(integer(1), 200),
  MAIL_STUDIO_EMAILS_PER_DAY: withDefault(integer(1), 1000),
  MAIL_STUDIO_NEW_RECIPIENTS_PER_DAY: withDefault(integer(1), 100),
  MAIL_DELIVERY_RESENDS_PER_DAY: withDefault(integer(1), 10),

  IMAGING_POOL_SIZE: withDefault(integer(1, 64), 2),
  IMAGING_QUEUE_LIMIT: withDefault(integer(0, 10_000), 16),
  IMAGING_TASK_SECONDS: withDefault(integer(1, 3600), 60),
  IMAGING_TASKS_PER_CHILD: withDefault(integer(1), 200),
  IMAGING_CHILD_MEMORY_MIB: withDefault(integer(128), 1024),
  IMAGING_CHILD_IDLE_SECONDS: withDefault(integer(1), 60),
  IMAGING_THREADS: optional(integer(1, 64)),

  IMAGES_REMOTE_MAX_BYTES: withDefault(integer(1), 32 * 1024 * 1024),
  IMAGES_REMOTE_TIMEOUT_MS: withDefault(integer(100, 120_000), 10_000),

  // Host routing of public portfolios ({slug}.{PORTFOLIO_DOMAIN}): a bare host name, no scheme or port.
  PORTFOLIO_DOMAIN: optional(matching(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a lower-case host name such as portfolio.example.com')),
};

type Environment = { [Name in keyof typeof environmentVariables]: ReturnType<(typeof environmentVariables)[Name]['read']> };

/** Every variable read, or every problem found, each named. */
function readEnvironment(source: Record<string, string | undefined>): { env: Environment } | { problems: string[] } {
  const env: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, variable] of Object.entries(environmentVariables)) {
    try {
      env[name] = variable.read(source[name]);
    } catch (error) {
      if (!(error instanceof InvalidValue)) throw error;
      problems.push(`${name}: ${error.message}`);
    }
  }
  return problems.length > 0 ? { problems } : { env: env as Environment };
}

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
  const read = readEnvironment(source);
  if ('problems' in read) throw new ConfigError(read.problems);
  const { env } = read;
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
