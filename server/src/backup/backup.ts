import { execFile } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
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
import type { BlobStore } from '../storage/blob-store.ts';

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
  const tap = new PassThrough();
  tap.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
  });
  return { tap, result: () => ({ size, sha256: hash.digest('hex') }) };
}

async function fileDigest(file: string): Promise<{ size: number; sha256: string }> {
  const measured = measuring();
  await pipeline(createReadStream(file), measured.tap, new PassThrough().resume());
  return measured.result();
}

/** The database as one consistent file: SQLite's online backup (readers and writers carry on), or pg_dump (argument array, no shell). */
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
  await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${target}`, `--dbname=${database.url}`]);
}

function manifestMac(key: Buffer, body: string): string {
  return hmacSha256Hex(key, `shutterlock backup manifest v1\n${body}`);
}

async function writeManifest(dir: string, manifest: Manifest, key: Buffer): Promise<void> {
  const body = JSON.stringify(manifest);
  await fs.writeFile(path.join(dir, manifestFile), JSON.stringify({ manifest: body, mac: manifestMac(key, body) }, null, 2), { mode: 0o600 });
}

/** Reads a backup's manifest and checks its HMAC: nothing in it is trusted before that. */
export async function readManifest(backupDir: string, keys: MasterKeyProvider): Promise<Manifest> {
  const wrapped = JSON.parse(await fs.readFile(path.join(backupDir, manifestFile), 'utf8')) as { manifest: string; mac: string };
  const manifest = JSON.parse(wrapped.manifest) as Manifest;
  const { key } = await backupKey(keys, manifest.database.keyVersion);
  if (!constantTimeEqual(manifestMac(key, wrapped.manifest), wrapped.mac)) throw new AppError('backup_manifest_invalid', 'The backup manifest is not authentic (edited, or made under other master keys).', 400);
  return manifest;
}

/** Creates `<to>/<id>/` with the encrypted snapshot and manifest; blobs go to `<to>/blobs/`. Returns the backup's directory. */
export async function createBackup(source: BackupSource, to: string, now = new Date()): Promise<{ dir: string; manifest: Manifest; blobsCopied: number }> {
  const id = `${now.toISOString().replaceAll(':', '-').replace(/\..*/, '')}-${randomUUID().slice(0, 8)}`;
  const dir = path.join(to, id);
  await fs.mkdir(path.join(to, blobDirectory), { recursive: true, mode: 0o700 });
  await fs.mkdir(dir, { mode: 0o700 });
  const { keyVersion, key } = await backupKey(source.keys);

  const plainSnapshot = path.join(dir, '.snapshot.tmp');
  try {
    await snapshotDatabase(source.database, plainSnapshot);
    await pipeline(createReadStream(plainSnapshot), createEncryptStream(key, snapshotContext(id)), createWriteStream(path.join(dir, databaseFile), { mode: 0o600 }));
  } finally {
    await fs.rm(plainSnapshot, { force: true });
  }
  const snapshot = await fileDigest(path.join(dir, databaseFile));

  const blobs: Manifest['blobs'] = [];
  let blobsCopied = 0;
  for await (const blobKey of source.blobs.list('')) {
    const target = path.join(to, blobDirectory, ...blobKey.split('/'));
    const existing = await fs.stat(target).catch(() => null);
    const info = await source.blobs.head(blobKey);
    if (!existing || !info || existing.size !== info.size) {
      await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const partial = `${target}.partial`;
      await pipeline(await source.blobs.get(blobKey), createWriteStream(partial, { mode: 0o600 }));
      await fs.rename(partial, target);
      blobsCopied += 1;
    }
    blobs.push({ key: blobKey, path: path.posix.join(blobDirectory, blobKey), ...(await fileDigest(target)) });
  }
  const manifest: Manifest = {
    format: 'shutterlock-backup-v1',
    id,
    createdAt: now.toISOString(),
    database: { kind: source.database.kind, file: databaseFile, keyVersion, ...snapshot },
    blobs,
  };
  await writeManifest(dir, manifest, key);
  return { dir, manifest, blobsCopied };
}

export interface VerifyResult {
  ok: boolean;
  blobs: number;
  problems: string[];
}

/**
 * Checks a backup without restoring it: the manifest's HMAC, the snapshot's SHA-256 and every
 * chunk's authentication tag (decrypted to nowhere), and every blob's size and SHA-256 against
 * the authenticated manifest.
 */
export async function verifyBackup(backupDir: string, keys: MasterKeyProvider): Promise<VerifyResult> {
  const manifest = await readManifest(backupDir, keys);
  const root = path.dirname(backupDir);
  const problems: string[] = [];
  const snapshotPath = path.join(backupDir, manifest.database.file);
  const snapshot = await fileDigest(snapshotPath).catch(() => null);
  if (!snapshot || snapshot.sha256 !== manifest.database.sha256) problems.push('database snapshot: missing or its SHA-256 differs');
  else {
    const { key } = await backupKey(keys, manifest.database.keyVersion);
    await pipeline(createReadStream(snapshotPath), createDecryptStream(key, snapshotContext(manifest.id)), new PassThrough().resume()).catch(() => problems.push('database snapshot: a chunk does not authenticate'));
  }
  for (const blob of manifest.blobs) {
    const found = await fileDigest(path.join(root, ...blob.path.split('/'))).catch(() => null);
    if (!found) problems.push(`blob ${blob.key}: missing`);
    else if (found.size !== blob.size || found.sha256 !== blob.sha256) problems.push(`blob ${blob.key}: corrupt (SHA-256 differs from the manifest)`);
  }
  return { ok: problems.length === 0, blobs: manifest.blobs.length, problems };
}

/**
 * Restores a verified backup into an empty database (a SQLite file that does not exist yet, or
 * an empty PostgreSQL database) and a blob store; blobs already in the store are left as they
 * are (tombstones written since the backup stay, and win). Refuses a backup that does not verify.
 */
export async function restoreBackup(backupDir: string, target: BackupSource): Promise<{ blobs: number }> {
  const verified = await verifyBackup(backupDir, target.keys);
  if (!verified.ok) throw new AppError('backup_invalid', `The backup does not verify: ${verified.problems[0]}`, 400);
  const manifest = await readManifest(backupDir, target.keys);
  if (manifest.database.kind !== target.database.kind) throw new AppError('backup_kind_mismatch', `This is a ${manifest.database.kind} backup; the configured database is ${target.database.kind}.`, 400);
  const { key } = await backupKey(target.keys, manifest.database.keyVersion);
  const decrypted = (output: string) => pipeline(createReadStream(path.join(backupDir, manifest.database.file)), createDecryptStream(key, snapshotContext(manifest.id)), createWriteStream(output, { mode: 0o600, flags: 'wx' }));
  if (target.database.kind === 'sqlite') {
    if (await fs.stat(target.database.file).catch(() => null)) throw new AppError('restore_target_not_empty', `${target.database.file} exists: restore into a fresh data directory.`, 400);
    await fs.mkdir(path.dirname(target.database.file), { recursive: true, mode: 0o700 });
    await decrypted(target.database.file);
  } else {
    const dump = path.join(backupDir, `.restore-${randomUUID()}.dump`);
    try {
      await decrypted(dump);
      await run('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${target.database.url}`, dump]);
    } finally {
      await fs.rm(dump, { force: true });
    }
  }
  const root = path.dirname(backupDir);
  for (const blob of manifest.blobs) {
    if (await target.blobs.head(blob.key)) continue;
    await target.blobs.put(blob.key, Readable.from(createReadStream(path.join(root, ...blob.path.split('/')))));
  }
  return { blobs: manifest.blobs.length };
}

/**
 * A repair source for scrub: puts a blob back from a verified backup, if the backup holds a
 * copy whose SHA-256 matches its authenticated manifest. Scrub then checks the blob again.
 */
export async function backupRepairSource(backupDir: string, keys: MasterKeyProvider, blobs: BlobStore): Promise<(key: string) => Promise<boolean>> {
  const manifest = await readManifest(backupDir, keys);
  const entries = new Map(manifest.blobs.map((blob) => [blob.key, blob]));
  const root = path.dirname(backupDir);
  return async (key) => {
    const entry = entries.get(key);
    if (!entry) return false;
    const file = path.join(root, ...entry.path.split('/'));
    const found = await fileDigest(file).catch(() => null);
    if (!found || found.sha256 !== entry.sha256) return false;
    await blobs.put(key, Readable.from(createReadStream(file)));
    return true;
  };
}
