import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from './config.ts';

describe('config', () => {
  it('runs on embedded defaults in development', () => {
    const config = loadConfig({});
    expect(config.production).toBe(false);
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.publicUrl).toBe('http://127.0.0.1:8080');
    expect(config.database.kind).toBe('sqlite');
    expect(config.storage.kind).toBe('local');
    expect(config.mail.smtpUrl).toBeUndefined();
  });

  it('honours SHUTTERLOCK_DATA_DIR, DATABASE_URL and the S3 backend', () => {
    const config = loadConfig({
      SHUTTERLOCK_DATA_DIR: '/var/lib/shutterlock',
      DATABASE_URL: 'postgres://db.internal/shutterlock',
      STORAGE_BACKEND: 's3',
      S3_BUCKET: 'photos',
    });
    expect(config.dataDir).toBe('/var/lib/shutterlock');
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://db.internal/shutterlock' });
    expect(config.storage).toMatchObject({ kind: 's3', bucket: 'photos', region: 'us-east-1' });
    expect(config.mail.outboxDir).toBe('/var/lib/shutterlock/outbox');
  });

  it('refuses production without its secrets and settings, naming each one', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('SHUTTERLOCK_MASTER_KEYS');
    expect(message).toContain('PUBLIC_URL');
    expect(message).toContain('SMTP_URL');
  });

  const production = {
    NODE_ENV: 'production',
    SHUTTERLOCK_MASTER_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
    PUBLIC_URL: 'https://photos.example.com/',
    SMTP_URL: 'smtp://mailer:pw@smtp.example.com:587',
    CLAMD_HOST: 'clamd.internal',
  };

  it('accepts a complete production configuration and turns on secure transport for https', () => {
    const config = loadConfig({ ...production, TRUST_PROXY: '1' });
    expect(config.production).toBe(true);
    expect(config.publicUrl).toBe('https://photos.example.com');
    expect(config.secureTransport).toBe(true);
    expect(config.trustProxy).toBe(1);
    expect(config.warnings).toEqual([]);
  });

  it('refuses an http:// public URL and no virus scanner in production, unless overridden, and then warns', () => {
    expect(() => loadConfig({ ...production, PUBLIC_URL: 'http://photos.example.com' })).toThrow(/PUBLIC_URL must be https:\/\/.*ALLOW_INSECURE_PUBLIC_URL/);
    expect(() => loadConfig({ ...production, CLAMD_HOST: undefined })).toThrow(/CLAMD_SOCKET or CLAMD_HOST is required.*ALLOW_UNSCANNED_UPLOADS/);
    const overridden = loadConfig({ ...production, PUBLIC_URL: 'http://photos.example.com', CLAMD_HOST: undefined, ALLOW_INSECURE_PUBLIC_URL: 'true', ALLOW_UNSCANNED_UPLOADS: 'true' });
    expect(overridden.secureTransport).toBe(false);
    expect(overridden.warnings).toEqual([expect.stringMatching(/^INSECURE: PUBLIC_URL is http/), expect.stringMatching(/^INSECURE: uploads are not scanned/)]);
    expect(describeConfig(overridden).filter(([name]) => name === 'WARNING')).toHaveLength(2);
    // Development needs neither.
    expect(loadConfig({ PUBLIC_URL: 'http://localhost:8080' }).warnings).toEqual([]);
  });

  it('rejects malformed values with the variable named', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ STORAGE_BACKEND: 's3' })).toThrow(/S3_BUCKET/);
    expect(() => loadConfig({ VAULT_RESUMABLE_EXPIRY_HOURS: '48', VAULT_RESUMABLE_MAX_AGE_HOURS: '24' })).toThrow(/VAULT_RESUMABLE_MAX_AGE_HOURS must be at least/);
  });

  it('names every malformed value at once, with what it must be', () => {
    const problems = (source: Record<string, string>) => {
      try {
        loadConfig(source);
      } catch (error) {
        return (error as ConfigError).problems;
      }
      throw new Error('expected a ConfigError');
    };
    expect(
      problems({ PORT: '65536', VAULT_JOB_CONCURRENCY: '1.5', SESSION_IDLE_MINUTES: '', LOG_LEVEL: 'loud', S3_FORCE_PATH_STYLE: 'maybe', PUBLIC_URL: 'ftp://photos.example.com', S3_ENDPOINT: 'not a url', HOST: '', METRICS_TOKEN: 'short' }),
    ).toEqual([
      'HOST: must not be empty',
      'PORT: must be an integer from 0 to 65535',
      'PUBLIC_URL: must be a URL starting with http:// or https://',
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'S3_ENDPOINT: must be an absolute URL',
      'S3_FORCE_PATH_STYLE: must be one of true, false, 1, 0, yes, no',
      'SESSION_IDLE_MINUTES: must be an integer of at least 1',
      'VAULT_JOB_CONCURRENCY: must be an integer from 1 to 8',
      'METRICS_TOKEN: must be at least 32 characters (openssl rand -hex 32)',
    ]);
  });

  it('reads numbers, flags and optional values as the environment spells them', () => {
    const config = loadConfig({ PORT: '0', SHUTDOWN_DRAIN_SECONDS: '2.5', S3_FORCE_PATH_STYLE: 'yes', STORAGE_BACKEND: 's3', S3_BUCKET: 'b', AUDIT_RETENTION_DAYS: '30', IMAGING_THREADS: '3' });
    expect(config.port).toBe(0);
    expect(config.shutdown.drainSeconds).toBe(2.5);
    expect(config.storage).toMatchObject({ kind: 's3', forcePathStyle: true });
    expect(config.audit.retentionDays).toBe(30);
    expect(config.imaging.threads).toBe(3);
    const defaults = loadConfig({});
    expect(defaults.audit.retentionDays).toBeUndefined();
    expect(defaults.sessions).toEqual({ idleMinutes: 120, absoluteMinutes: 23 * 60 });
  });

  it('never prints secret values in the description', () => {
    const secretKey = Buffer.alloc(32, 7).toString('base64');
    const config = loadConfig({
      SHUTTERLOCK_MASTER_KEYS: `k1:${secretKey}`,
      SMTP_URL: 'smtp://mailer:smtp-password@smtp.example.com?pass=query-password',
      DATABASE_URL: 'postgres://app:db-password@db.example.com/shutterlock?password=db-query-password&sslmode=require',
      STORAGE_BACKEND: 's3',
      S3_BUCKET: 'b',
      S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      S3_SECRET_ACCESS_KEY: 's3-secret-value',
    });
    const printed = describeConfig(config).map(([name, value]) => `${name} ${value}`).join('\n');
    for (const secret of [secretKey, 'smtp-password', 'db-password', 'query-password', 'db-query-password', 's3-secret-value', 'AKIAEXAMPLE']) {
      expect(printed).not.toContain(secret);
    }
    expect(printed).toContain('master keys');
    expect(printed).toContain('sslmode=require');
  });
});
