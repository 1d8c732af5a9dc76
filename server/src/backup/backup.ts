import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { DatabaseConfig } from '../config.ts';
import { createDecryptStream, createEncryptStream } from '../crypto/chunked.ts';
import { constantTimeEqual, hmacSha256Hex } from '../crypto/hashing.ts';
import type { MasterKeyProvider } from '../crypto/master-keys.ts';
import { AppError } from '../errors.ts';
import { type BlobStore, type BlobStoreConfig, isValidBlobPrefix } from '../storage/blob-store.ts';
import { createBlobStore } from '../storage/create-blob-store.ts';

/**
 * Backups (docs/operations.md#backups): a consistent database snapshot (SQLite's online backup
 * API, or pg_dump's custom format), encrypted with the chunked format under a key derived from
 * the master key; the blobs, already encrypted, copied by key into a store shared by every
 * backup in the directory (a key is written once and never changes, so a blob already there
 * is not copied again); and a manifest with the SHA-256 and size of every part, itself
 * authenticated with an HMAC under the backup key. Tombstones of destroyed studio keys are
 * blobs too, so a restore brings them back and the start-up check re-destroys those keys.
 */

export interface BackupSource {
  database: DatabaseConfig;
  blobs: BlobStore;
  keys: MasterKeyProvider;
}

/** S3 settings for an `s3://bucket/prefix` location: endpoint, region and credentials (the storage ones when storage is S3). */
export type BackupS3Settings = Omit<Extract<BlobStoreConfig, { kind: 's3' }>, 'kind' | 'bucket' | 'prefix'>;

export interface BackupOptions {
  s3?: BackupS3Settings;
}

/**
 * Where backups live: a directory, or `s3://bucket/prefix`. Either way a blob store rooted at
 * the backup root: `<id>/manifest.json`, `<id>/database.enc`, and `blobs/<key>` shared by every
 * backup under that root.
 */
interface Location {
  store: BlobStore;
  /** How the root is written, to print a backup's location under it. */
  root: string;
}

const s3Location = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/;

async function openLocation(root: string, options: BackupOptions): Promise<Location> {
  const s3 = s3Location.exec(root);
  if (s3) {
    const prefix = (s3[2] ?? '').replace(/\/+$/, '');
    if (prefix !== '' && !isValidBlobPrefix(prefix)) throw new AppError('backup_target_invalid', 'The S3 prefix must be shaped like a blob key ("backups/shutterlock").', 400);
    const store = await createBlobStore({ kind: 's3', region: 'us-east-1', ...options.s3, bucket: s3[1]!, prefix });
    return { store, root: `s3://${s3[1]}${prefix ? `/${prefix}` : ''}` };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(root)) throw new AppError('backup_target_unsupported', 'A backup location is a directory or s3://bucket/prefix.', 400);
  const dir = path.resolve(root);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  return { store: await createBlobStore({ kind: 'local', root: dir }), root: dir };
}

/** A backup's location (what `backup create` prints) split into its root and id. */
async function openBackup(location: string, options: BackupOptions): Promise<Location & { id: string }> {
  const trimmed = location.replace(/\/+$/, '');
  const cut = trimmed.lastIndexOf('/');
  const id = trimmed.slice(cut + 1);
  if (cut < 0 || !backupIdPattern.test(id)) throw new AppError('backup_location_invalid', 'Name a backup as "backup create" printed it: the root, then its id.', 400);
  return { ...(await openLocation(trimmed.slice(0, cut), options)), id };
}

const backupIdPattern = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-[0-9a-f]{8}$/;

function joinLocation(root: string, id: string): string {
  return root.startsWith('s3://') ? `${root}/${id}` : path.join(root, id);
}

interface Part {
  path: string;
  size: number;
  sha256: string;
}

export interface Manifest {
  format: 'shutterlock-backup-v1';
  id: string;
  createdAt: string;
  database: { kind: DatabaseConfig['kind']; file: string; keyVersion: string; size: number; sha256: string };
  blobs: Array<Part & { key: string }>;
}

const BACKUP_KEY_PURPOSE = 'backup v1';
const manifestFile = 'manifest.json';
const databaseFile = 'database.enc';
const blobDirectory = 'blobs';
const run = promisify(execFile);

async function backupKey(keys: MasterKeyProvider, version?: string): Promise<{ keyVersion: string; key: Buffer }> {
  return keys.deriveKey(BACKUP_KEY_PURPOSE, version);
}

const snapshotContext = (id: string) => Buffer.from(`shutterlock backup database v1\n${id}`);

/** Passes bytes through while counting and hashing them. */
function measuring(): { tap: Transform; result(): { size: number; sha256: string } } {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { tap, result: () => ({ size, sha256: hash.digest('hex') }) };
}

async function blobDigest(store: BlobStore, key: string): Promise<{ size: number; sha256: string }> {
  const measured = measuring();
  await pipeline(await store.get(key), measured.tap, new PassThrough().resume());
  return measured.result();
}

/**
 * A PostgreSQL URL without its password, and the environment that carries the password
 * instead (PGPASSWORD): a password in an argument is visible to every local user (ps, /proc).
 */
export function postgresClientInvocation(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.PGPASSWORD;
  if (password) env.PGPASSWORD = password;
  return { dbname: parsed.toString(), env };
}

/** The database as one consistent file: SQLite's online backup (readers and writers carry on), or pg_dump (argument array, no shell, password in the environment). */
async function snapshotDatabase(database: DatabaseConfig, target: string): Promise<void> {
  if (database.kind === 'sqlite') {
    const connection = new BetterSqlite3(database.file, { readonly: true, fileMustExist: true });
    try {
      await connection.backup(target);
    } finally {
      connection.close();
    }
    return;
  }
  const { dbname, env } = postgresClientInvocation(database.url);
  await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${target}`, `--dbname=${dbname}`], { env });
}

function manifestMac(key: Buffer, body: string): string {
  return hmacSha256Hex(key, `shutterlock backup manifest v1\n${body}`);
}

async function writeManifest(store: BlobStore, id: string, manifest: Manifest, key: Buffer): Promise<void> {
  const body = JSON.stringify(manifest);
  await store.put(`${id}/${manifestFile}`, Readable.from([Buffer.from(JSON.stringify({ manifest: body, mac: manifestMac(key, body) }, null, 2))]));
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Reads a backup's manifest and checks its HMAC: nothing in it is trusted before that. */
async function readManifestAt(store: BlobStore, id: string, keys: MasterKeyProvider): Promise<Manifest> {
  const text = await readAll(await store.get(`${id}/${manifestFile}`)).catch(() => {
    throw new AppError('backup_not_found', 'No backup manifest at that location.', 400);
  });
  const wrapped = JSON.parse(text.toString('utf8')) as { manifest: string; mac: string };
  const manifest = JSON.parse(wrapped.manifest) as Manifest;
  const { key } = await backupKey(keys, manifest.database.keyVersion);
  if (!constantTimeEqual(manifestMac(key, wrapped.manifest), wrapped.mac)) throw new AppError(
      'backup_manifest_invalid',
      `The backup manifest is not authentic: it was edited, or made under other master keys than the ones given here (key version "${manifest.database.keyVersion}"). Set SHUTTERLOCK_MASTER_KEYS to the keys of the server that made it; a development server keeps its key in <data directory>/secrets/dev-master-key.`,
      400,
    );
  return manifest;
}

export async function readManifest(location: string, keys: MasterKeyProvider, options: BackupOptions = {}): Promise<Manifest> {
  const backup = await openBackup(location, options);
  return readManifestAt(backup.store, backup.id, keys);
}

async function privateTempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'shutterlock-backup-'));
}

/**
 * Creates `<to>/<id>/` with the encrypted snapshot and manifest; blobs go to `<to>/blobs/`
 * (`to` a directory or `s3://bucket/prefix`). Returns the backup's location (`dir`).
 */
export async function createBackup(source: BackupSource, to: string, now = new Date(), options: BackupOptions = {}): Promise<{ dir: string; manifest: Manifest; blobsCopied: number }> {
  const id = `${now.toISOString().replaceAll(':', '-').replace(/\..*/, '')}-${randomUUID().slice(0, 8)}`;
  const target = await openLocation(to, options);
  const { keyVersion, key } = await backupKey(source.keys);

  const temp = await privateTempDir();
  let snapshot: { size: number; sha256: string };
  try {
    const plainSnapshot = path.join(temp, 'snapshot');
    await snapshotDatabase(source.database, plainSnapshot);
    const measured = measuring();
    const encrypted = createReadStream(plainSnapshot).pipe(createEncryptStream(key, snapshotContext(id))).pipe(measured.tap);
    await target.store.put(`${id}/${databaseFile}`, encrypted);
    snapshot = measured.result();
  } finally {
    await fs.rm(temp, { recursive: true, force: true });
  }

  const blobs: Manifest['blobs'] = [];
  let blobsCopied = 0;
  for await (const blobKey of source.blobs.list('')) {
    const copyKey = `${blobDirectory}/${blobKey}`;
    const existing = await target.store.head(copyKey);
    const info = await source.blobs.head(blobKey);
    let digest: { size: number; sha256: string };
    if (!existing || !info || existing.size !== info.size) {
      const measured = measuring();
      await target.store.put(copyKey, (await source.blobs.get(blobKey)).pipe(measured.tap));
      digest = measured.result();
      blobsCopied += 1;
    } else {
      // Keys are written once and never change: the copy is read back to hash what the backup holds.
      digest = await blobDigest(target.store, copyKey);
    }
    blobs.push({ key: blobKey, path: copyKey, ...digest });
  }
  const manifest: Manifest = {
    format: 'shutterlock-backup-v1',
    id,
    createdAt: now.toISOString(),
    database: { kind: source.database.kind, file: databaseFile, keyVersion, ...snapshot },
    blobs,
  };
  await writeManifest(target.store, id, manifest, key);
  return { dir: joinLocation(target.root, id), manifest, blobsCopied };
}

export interface VerifyResult {
  ok: boolean;
  blobs: number;
  problems: string[];
}

/**
 * Checks a backup without restoring it: the manifest's HMAC, the snapshot's SHA-256 and every
 * chunk's authentication tag (decrypted to nowhere), and every blob's size and SHA-256 against
 * the authenticated manifest. The blobs' own chunk tags need their studios' data keys, which
 * are in the snapshot: `verifyBackupBlobChunks` (the CLI's `backup verify`) checks those.
 */
export async function verifyBackup(location: string, keys: MasterKeyProvider, options: BackupOptions = {}): Promise<VerifyResult> {
  const backup = await openBackup(location, options);
  const manifest = await readManifestAt(backup.store, backup.id, keys);
  const problems: string[] = [];
  const snapshotKey = `${backup.id}/${manifest.database.file}`;
  const snapshot = await blobDigest(backup.store, snapshotKey).catch(() => null);
  if (!snapshot || snapshot.sha256 !== manifest.database.sha256) problems.push('database snapshot: missing or its SHA-256 differs');
  else {
    const { key } = await backupKey(keys, manifest.database.keyVersion);
    await pipeline(await backup.store.get(snapshotKey), createDecryptStream(key, snapshotContext(manifest.id)), new PassThrough().resume()).catch(() => problems.push('database snapshot: a chunk does not authenticate'));
  }
  for (const blob of manifest.blobs) {
    const found = await blobDigest(backup.store, blob.path).catch(() => null);
    if (!found) problems.push(`blob ${blob.key}: missing`);
    else if (found.size !== blob.size || found.sha256 !== blob.sha256) problems.push(`blob ${blob.key}: corrupt (SHA-256 differs from the manifest)`);
  }
  return { ok: problems.length === 0, blobs: manifest.blobs.length, problems };
}

/**
 * The backup's database decrypted into a scratch place, and its blobs as a read-only store, for
 * checking every blob's key commitment and chunk tags with the vault's scrub (cli/backup.ts):
 * SQLite is decrypted to a private temporary file; PostgreSQL is restored into `scratchUrl`, an
 * empty database the caller provides. `close` removes the temporary file.
 */
export async function openBackupForChecking(
  location: string,
  keys: MasterKeyProvider,
  options: BackupOptions & { scratchUrl?: string },
): Promise<{ database: DatabaseConfig; blobs: BlobStore; close(): Promise<void> }> {
  const backup = await openBackup(location, options);
  const manifest = await readManifestAt(backup.store, backup.id, keys);
  const temp = await privateTempDir();
  try {
    const { key } = await backupKey(keys, manifest.database.keyVersion);
    const plain = path.join(temp, manifest.database.kind === 'sqlite' ? 'database.sqlite' : 'database.dump');
    await pipeline(await backup.store.get(`${backup.id}/${manifest.database.file}`), createDecryptStream(key, snapshotContext(manifest.id)), createWriteStream(plain, { mode: 0o600, flags: 'wx' }));
    let database: DatabaseConfig;
    if (manifest.database.kind === 'sqlite') database = { kind: 'sqlite', file: plain };
    else {
      if (!options.scratchUrl) throw new AppError('scratch_database_required', 'Checking the blobs of a PostgreSQL backup restores its snapshot into an empty scratch database: pass --scratch-database URL.', 400);
      const { dbname, env } = postgresClientInvocation(options.scratchUrl);
      await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${dbname}`, plain], { env });
      await fs.rm(plain, { force: true });
      database = { kind: 'postgres', url: options.scratchUrl };
    }
    return { database, blobs: readOnlyPrefixed(backup.store, `${blobDirectory}/`), close: () => fs.rm(temp, { recursive: true, force: true }) };
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
}

/** The backup's blob copies as a store of the original keys; writing to it is refused. */
function readOnlyPrefixed(store: BlobStore, prefix: string): BlobStore {
  const refuse = async (): Promise<never> => {
    throw new AppError('backup_read_only', 'The backup is read only here.', 500);
  };
  return {
    kind: store.kind,
    put: refuse,
    delete: refuse,
    get: (key, range) => store.get(`${prefix}${key}`, range),
    head: (key) => store.head(`${prefix}${key}`),
    async *list(listPrefix) {
      for await (const key of store.list(`${prefix}${listPrefix}`)) yield key.slice(prefix.length);
    },
    async *listSizes(listPrefix) {
      for await (const entry of store.listSizes(`${prefix}${listPrefix}`)) yield { key: entry.key.slice(prefix.length), size: entry.size };
    },
    ping: () => store.ping(),
  };
}

/**
 * Restores a verified backup into an empty database (a SQLite file that does not exist yet, or
 * an empty PostgreSQL database) and a blob store; blobs already in the store are left as they
 * are (tombstones written since the backup stay, and win). Refuses a backup that does not verify.
 */
export async function restoreBackup(location: string, target: BackupSource, options: BackupOptions = {}): Promise<{ blobs: number }> {
  const verified = await verifyBackup(location, target.keys, options);
  if (!verified.ok) throw new AppError('backup_invalid', `The backup does not verify: ${verified.problems[0]}`, 400);
  const backup = await openBackup(location, options);
  const manifest = await readManifestAt(backup.store, backup.id, target.keys);
  if (manifest.database.kind !== target.database.kind) throw new AppError('backup_kind_mismatch', `This is a ${manifest.database.kind} backup; the configured database is ${target.database.kind}.`, 400);
  const { key } = await backupKey(target.keys, manifest.database.keyVersion);
  const decrypted = async (output: string) =>
    pipeline(await backup.store.get(`${backup.id}/${manifest.database.file}`), createDecryptStream(key, snapshotContext(manifest.id)), createWriteStream(output, { mode: 0o600, flags: 'wx' }));
  if (target.database.kind === 'sqlite') {
    if (await fs.stat(target.database.file).catch(() => null)) throw new AppError('restore_target_not_empty', `${target.database.file} exists: restore into a fresh data directory.`, 400);
    await fs.mkdir(path.dirname(target.database.file), { recursive: true, mode: 0o700 });
    await decrypted(target.database.file);
  } else {
    const temp = await privateTempDir();
    try {
      const dump = path.join(temp, 'restore.dump');
      await decrypted(dump);
      const { dbname, env } = postgresClientInvocation(target.database.url);
      await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${dbname}`, dump], { env });
    } finally {
      await fs.rm(temp, { recursive: true, force: true });
    }
  }
  for (const blob of manifest.blobs) {
    if (await target.blobs.head(blob.key)) continue;
    await target.blobs.put(blob.key, await backup.store.get(blob.path));
  }
  return { blobs: manifest.blobs.length };
}

/**
 * A repair source for scrub: puts a blob back from a verified backup, if the backup holds a
 * copy whose SHA-256 matches its authenticated manifest. Scrub then checks the blob again.
 */
export async function backupRepairSource(location: string, keys: MasterKeyProvider, blobs: BlobStore, options: BackupOptions = {}): Promise<(key: string) => Promise<boolean>> {
  const backup = await openBackup(location, options);
  const manifest = await readManifestAt(backup.store, backup.id, keys);
  const entries = new Map(manifest.blobs.map((blob) => [blob.key, blob]));
  return async (key) => {
    const entry = entries.get(key);
    if (!entry) return false;
    const found = await blobDigest(backup.store, entry.path).catch(() => null);
    if (!found || found.sha256 !== entry.sha256) return false;
    await blobs.put(key, await backup.store.get(entry.path));
    return true;
  };
}
