import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';
import { createBlobStore } from '../storage/create-blob-store.ts';
import { createVault } from '../vault/service.ts';
import { signedInClient } from '../../test/accounts.ts';
import { type TestServer, databaseKinds, makeTempDir, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { adminUrl } from '../../test/postgres.ts';
import { readS3TestSettings } from '../../test/s3-service.ts';
import { settled, sha256, uploaded } from '../../test/vault.ts';
import { backupOptions, verifyBlobChunks } from '../cli/backup.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { createBackup, restoreBackup, verifyBackup } from './backup.ts';

async function readBlob(store: BlobStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const masterKeys = `bk1:${crypto.randomBytes(32).toString('base64')}`;
const s3 = readS3TestSettings();

function s3Env(prefix: string): Record<string, string> {
  if (!s3) return {};
  return {
    STORAGE_BACKEND: 's3',
    S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: String(s3.forcePathStyle),
    S3_PREFIX: prefix,
  };
}

/** An empty PostgreSQL database (not the migrated test template): what pg_restore restores into. */
async function emptyPostgresDatabase(): Promise<string> {
  const name = `shutterlock_restore_${crypto.randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name} template template0`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const setups = [
  { name: 'SQLite and a local directory', database: 'sqlite' as const, s3: false },
  ...(databaseKinds().includes('postgres') && s3 ? [{ name: 'PostgreSQL and S3', database: 'postgres' as const, s3: true }] : []),
];

describe.each(setups)('backup create → wipe → restore on $name', ({ database, s3: onS3 }) => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('restores every photo byte-exact, and verify catches a corrupt blob and a forged manifest', async () => {
    const server = await startTestServer({ database, env: { SHUTTERLOCK_MASTER_KEYS: masterKeys, ...(onS3 ? s3Env(`backup-source-${crypto.randomUUID()}`) : {}) } });
    servers.push(server);
    const { client, user } = await signedInClient(server, 'photographer');
    const bytes = await photo('jpeg');
    const file = await uploaded(client, bytes);
    // Previews are written in the background: let them land, so both backups see the same blobs.
    await settled(client, file.id);

    // On S3 the backup goes to a bucket location too (the same S3 settings as the storage).
    const to = onS3 ? `s3://${s3!.bucket}/backups-${crypto.randomUUID()}` : await makeTempDir('backup');
    const options = backupOptions(server.runtime.config);
    const backupStore = await createBlobStore(onS3 ? { kind: 's3', ...options.s3!, region: s3!.region, bucket: s3!.bucket, prefix: to.replace(/^s3:\/\/[^/]+\//, '') } : { kind: 'local', root: to });
    const source = { database: server.runtime.config.database, blobs: server.runtime.blobs, keys: server.runtime.keys };
    const first = await createBackup(source, to, new Date(), options);
    expect(first.blobsCopied).toBeGreaterThanOrEqual(1);
    expect(await verifyBackup(first.dir, server.runtime.keys, options)).toMatchObject({ ok: true, problems: [] });
    // Every blob's chunks authenticate against the backup's own data keys.
    const scratch = database === 'postgres' ? await emptyPostgresDatabase() : undefined;
    expect(await verifyBlobChunks(server.runtime.config, first.dir, scratch)).toEqual([]);
    // Incremental: a second backup copies no blob the first already holds.
    const second = await createBackup(source, to, new Date(Date.now() + 1_000), options);
    expect(second.blobsCopied).toBe(0);

    // Wipe: a fresh data directory (and a fresh database and bucket prefix), the same master keys.
    const freshDir = await makeTempDir('restored');
    const config = loadConfig({
      NODE_ENV: 'test',
      SHUTTERLOCK_DATA_DIR: freshDir,
      SHUTTERLOCK_MASTER_KEYS: masterKeys,
      ...(database === 'postgres' ? { DATABASE_URL: await emptyPostgresDatabase() } : {}),
      ...(onS3 ? s3Env(`backup-restored-${crypto.randomUUID()}`) : {}),
    });
    // Restore before anything opens (and so creates) the database.
    const target = { database: config.database, blobs: await createBlobStore(config.storage), keys: server.runtime.keys };
    expect(await restoreBackup(second.dir, target, options)).toMatchObject({ blobs: second.manifest.blobs.length });
    const restored = await openRuntime(config, createLogger('silent'));
    try {
      const vault = createVault(restored);
      const [found] = await vault.files.find(user.studioId!, [file.id]);
      const served = await found!.read('original', { range: undefined, ifRange: undefined });
      const chunks: Buffer[] = [];
      if (Buffer.isBuffer(served.body)) chunks.push(served.body);
      else for await (const chunk of served.body) chunks.push(Buffer.from(chunk as Uint8Array));
      expect(sha256(Buffer.concat(chunks))).toBe(sha256(bytes));
      await vault.jobs.stop();
    } finally {
      await restored.close();
    }

    // Tampering with the backup is caught without restoring.
    const blob = second.manifest.blobs.find((entry) => entry.key.includes(file.id)) ?? second.manifest.blobs[0]!;
    const original = await readBlob(backupStore, blob.path);
    const flipped = Buffer.from(original);
    flipped[flipped.length - 1] = (flipped.at(-1) ?? 0) ^ 0xff;
    await backupStore.put(blob.path, Readable.from([flipped]));
    expect((await verifyBackup(second.dir, server.runtime.keys, options)).problems).toEqual([`blob ${blob.key}: corrupt (SHA-256 differs from the manifest)`]);
    await backupStore.put(blob.path, Readable.from([original]));
    const manifestKey = `${second.manifest.id}/manifest.json`;
    const manifest = JSON.parse((await readBlob(backupStore, manifestKey)).toString('utf8')) as { manifest: string; mac: string };
    await backupStore.put(manifestKey, Readable.from([Buffer.from(JSON.stringify({ ...manifest, manifest: manifest.manifest.replace(blob.sha256, '0'.repeat(64)) }))]));
    await expect(verifyBackup(second.dir, server.runtime.keys, options)).rejects.toMatchObject({ code: 'backup_manifest_invalid' });

    // A blob already corrupt when it was backed up matches its manifest SHA-256, but its chunk tags do not authenticate.
    const sourceOriginal = await readBlob(server.runtime.blobs, blob.key);
    const damaged = Buffer.from(sourceOriginal);
    damaged[damaged.length - 1] = (damaged.at(-1) ?? 0) ^ 0xff;
    await server.runtime.blobs.put(blob.key, Readable.from([damaged]));
    const third = await createBackup(source, onS3 ? `s3://${s3!.bucket}/backups-${crypto.randomUUID()}` : await makeTempDir('backup-damaged'), new Date(), options);
    expect(await verifyBackup(third.dir, server.runtime.keys, options)).toMatchObject({ ok: true });
    const scratchAgain = database === 'postgres' ? await emptyPostgresDatabase() : undefined;
    expect(await verifyBlobChunks(server.runtime.config, third.dir, scratchAgain)).toEqual([expect.stringMatching(new RegExp(`^blob ${blob.key} .*(chunk tag|SHA-256)`))]);
    await server.runtime.blobs.put(blob.key, Readable.from([sourceOriginal]));
  });
});

describe('pg_dump and pg_restore invocations', () => {
  it('carry the password in PGPASSWORD, never on the command line', async () => {
    const { postgresClientInvocation } = await import('./backup.ts');
    const { dbname, env } = postgresClientInvocation('postgres://shutterlock:s%3Acret%40pw@db.internal:5432/photos?sslmode=require');
    expect(dbname).toBe('postgres://shutterlock@db.internal:5432/photos?sslmode=require');
    expect(dbname).not.toContain('cret');
    expect(env.PGPASSWORD).toBe('s:cret@pw');
    expect(postgresClientInvocation('postgres://localhost/photos').env.PGPASSWORD).toBeUndefined();
  });
});
