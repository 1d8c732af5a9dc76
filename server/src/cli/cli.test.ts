import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { insertUser } from '../auth/users-repo.ts';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { loadConfig } from '../config.ts';
import { createCodePepper } from '../crypto/hashing.ts';
import { type MasterKeyProvider, createLocalKeyProvider, loadMasterKeyProvider, parseMasterKeys } from '../crypto/master-keys.ts';
import { asEarlierReleases } from '../../test/studio-values.ts';
import { createDatabase } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { sealDeliveryDetails } from '../deliveries/details.ts';
import { insertDelivery } from '../deliveries/repo.ts';
import { createPepperKeys } from '../keys/peppers.ts';
import { assertKeyVersionsConfigured } from '../keys/rotation.ts';
import { createLab } from '../labs/admin.ts';
import { createLabsDeps } from '../labs/deps.ts';
import { createLogger } from '../logger.ts';
import { openRuntime } from '../runtime.ts';
import { createStudio, studioDataKey } from '../studios/service.ts';
import { createVaultDeps } from '../vault/deps.ts';
import { createVaultFiles } from '../vault/service.ts';
import { makeTempDir } from '../../test/harness.ts';

const run = promisify(execFile);
const serverDir = path.resolve(import.meta.dirname, '..', '..');
const cliEntry = path.join(serverDir, 'bin', 'shutterlock.js');
const mainEntry = path.join(serverDir, 'src', 'main.ts');

async function runNode(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--experimental-strip-types', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('shutterlock CLI', () => {
  it('lists its commands', async () => {
    const { code, stdout } = await runNode([cliEntry, '--help'], {});
    expect(code).toBe(0);
    expect(stdout).toContain('migrate');
    expect(stdout).toContain('config');
  });

  it('migrates a fresh data directory', async () => {
    const dataDir = await makeTempDir('cli');
    const first = await runNode([cliEntry, 'migrate'], { SHUTTERLOCK_DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Applied');
    const second = await runNode([cliEntry, 'migrate'], { SHUTTERLOCK_DATA_DIR: dataDir });
    expect(second.stdout).toContain('up to date');
  });

  it('checks the configuration without printing secrets', async () => {
    const { code, stdout } = await runNode([cliEntry, 'config', 'check'], {
      SMTP_URL: 'smtp://user:smtp-secret@mail.example.com',
      SHUTTERLOCK_MASTER_KEYS: `k1:${Buffer.alloc(32, 9).toString('base64')}`,
    });
    expect(code).toBe(0);
    expect(stdout).toContain('Configuration is valid.');
    expect(stdout).not.toContain('smtp-secret');
    expect(stdout).not.toContain(Buffer.alloc(32, 9).toString('base64'));
  });

  it('reports an invalid configuration with a non-zero exit', async () => {
    const { code, stderr } = await runNode([cliEntry, 'config', 'check'], { PORT: 'not-a-port' });
    expect(code).toBe(78);
    expect(stderr).toContain('PORT');
  });
});

describe('shutterlock keys', () => {
  it('rotates the development key, shows usage per version and retires only what protects nothing', async () => {
    const dataDir = await makeTempDir('keys');
    const env = { SHUTTERLOCK_DATA_DIR: dataDir };
    const open = async () => {
      const keys = await loadMasterKeyProvider({ dataDir, production: false, warn: () => {} });
      const database = createDatabase({ kind: 'sqlite', file: path.join(dataDir, 'shutterlock.sqlite') });
      await migrateToLatest(database);
      return { keys, database, deps: { db: database.db, keys } };
    };
    const before = await open();
    const studio = await createStudio(before.deps, 'Rotation Studio');
    const dataKey = await studioDataKey(before.deps, studio.id);
    await before.database.close();

    const status = await runNode([cliEntry, 'keys', 'status'], env);
    expect(status.stdout).toMatch(/dev1\s+active\s+1\s+0/);

    const rotated = await runNode([cliEntry, 'keys', 'rotate'], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('new version "dev2" is now active');
    expect(rotated.stdout).toContain('1 studio keys and 0 code peppers rewrapped');
    expect(rotated.stdout).toMatch(/dev1\s+retirable\s+0\s+0/);

    const after = await open();
    expect(after.keys.activeVersion).toBe('dev2');
    expect((await studioDataKey(after.deps, studio.id)).equals(dataKey)).toBe(true);
    await after.database.close();

    expect((await runNode([cliEntry, 'keys', 'retire', 'dev1'], env)).stdout).toContain('protects nothing');
    const activeRetire = await runNode([cliEntry, 'keys', 'retire', 'dev2'], env);
    expect(activeRetire.code).toBe(1);
    expect(activeRetire.stderr).toContain('active version');
  });

  it('moves a delivery code made before wrapped peppers onto a wrapped pepper, so its version retires and the code still opens', async () => {
    const dataDir = await makeTempDir('keys-codes');
    const env = { SHUTTERLOCK_DATA_DIR: dataDir };
    const withDatabase = async <T,>(work: (deps: { db: ReturnType<typeof createDatabase>['db']; keys: MasterKeyProvider }) => Promise<T>, keys?: MasterKeyProvider) => {
      const provider = keys ?? (await loadMasterKeyProvider({ dataDir, production: false, warn: () => {} }));
      const database = createDatabase({ kind: 'sqlite', file: path.join(dataDir, 'shutterlock.sqlite') });
      try {
        await migrateToLatest(database);
        return await work({ db: database.db, keys: provider });
      } finally {
        await database.close();
      }
    };
    const deliveryId = crypto.randomUUID();
    const code = '31415926';
    await withDatabase(async (deps) => {
      const studio = await createStudio(deps, 'Delivering Studio');
      const now = Date.now();
      const photographerId = crypto.randomUUID();
      await insertUser(deps.db, { id: photographerId, email: 'delivering@example.com', role: 'photographer', now }, { studioId: studio.id });
      // Peppered as releases before wrapped peppers did: HMAC under HKDF(dev1, "code-pepper"), naming dev1.
      const legacyPepper = await deps.keys.deriveLegacyKey('code-pepper', 'dev1');
      const digest = crypto.createHmac('sha256', legacyPepper).update(JSON.stringify(['delivery-test', code]), 'utf8').digest('hex');
      await insertDelivery(
        deps.db,
        {
          id: deliveryId,
          studioId: studio.id,
          createdBy: photographerId,
          detailsSealed: await sealDeliveryDetails(asEarlierReleases(deps.keys), deliveryId, { title: 'Proofs', message: '', recipients: [] }),
          tokenHash: crypto.randomBytes(32).toString('hex'),
          code: { digest, keyVersion: 'dev1' },
          allowOriginals: true,
          allowZip: true,
          downloadLimit: null,
          expiresAt: now + 24 * 60 * 60_000,
          now,
        },
        [],
      );
    });

    // The code's pepper is wrapped under dev1 before anything is counted.
    const status = await runNode([cliEntry, 'keys', 'status'], env);
    expect(status.stdout).toContain('code peppers');
    expect(status.stdout).toMatch(/dev1\s+active\s+1\s+1\s+1\n/);

    // Rotation moves the studio key, the pepper and the sealed details (these under the studio key) …
    const rotated = await runNode([cliEntry, 'keys', 'rotate'], env);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('1 studio keys and 1 code peppers rewrapped, 1 secret fields re-sealed');
    expect(rotated.stdout).toMatch(/dev1\s+retirable\s+0\s+0\s+0\n/);
    // The details moved under the studio's key: no master version protects them any more.
    expect(rotated.stdout).toMatch(/dev2\s+active\s+1\s+1\s+0\n/);
    // … so dev1 retires while the delivery is live …
    const retired = await runNode([cliEntry, 'keys', 'retire', 'dev1'], env);
    expect(retired.code).toBe(0);
    expect(retired.stdout).toContain('protects nothing');

    // … and with dev1 gone, the code the client holds still opens the delivery, and no other does.
    const keyFile = await fs.readFile(path.join(dataDir, 'secrets', 'dev-master-key'), 'utf8');
    const withoutDev1 = createLocalKeyProvider(parseMasterKeys(keyFile.trim()).filter((key) => key.id !== 'dev1'));
    expect(withoutDev1.versions).toEqual(['dev2']);
    await withDatabase(async ({ db, keys }) => {
      await assertKeyVersionsConfigured({ db, keys, ...keyProtectedData(capabilities) });
      const row = await db.selectFrom('deliveries').select(['code_digest', 'code_key_version']).where('id', '=', deliveryId).executeTakeFirstOrThrow();
      const pepper = createCodePepper(createPepperKeys(db, keys));
      expect(await pepper.verify(code, 'delivery-test', { keyVersion: row.code_key_version, digest: row.code_digest })).toBe(true);
      expect(await pepper.verify('31415927', 'delivery-test', { keyVersion: row.code_key_version, digest: row.code_digest })).toBe(false);
    }, withoutDev1);
  });

  it('generates a well-formed key entry and rejects a bad id', async () => {
    const generated = await runNode([cliEntry, 'keys', 'generate', '2027-01'], {});
    expect(generated.stdout.trim()).toMatch(/^2027-01:[A-Za-z0-9+/]{43}=$/);
    expect((await runNode([cliEntry, 'keys', 'generate', 'Bad Id'], {})).code).toBe(1);
  });
});

describe('shutterlock user create', () => {
  it('creates a photographer with a studio and writes the invitation to the outbox', async () => {
    const dataDir = await makeTempDir('users');
    const created = await runNode([cliEntry, 'user', 'create', '--email', 'New.Person@Example.com', '--role', 'photographer'], { SHUTTERLOCK_DATA_DIR: dataDir });
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Created photographer new.person@example.com');
    const outbox = await fs.readdir(path.join(dataDir, 'outbox'));
    expect(outbox.filter((name) => name.endsWith('.eml'))).toHaveLength(1);
    const again = await runNode([cliEntry, 'user', 'create', '--email', 'new.person@example.com'], { SHUTTERLOCK_DATA_DIR: dataDir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    expect((await runNode([cliEntry, 'user', 'create', '--email', 'x@example.com', '--role', 'root'], { SHUTTERLOCK_DATA_DIR: dataDir })).code).toBe(1);
  });
});

describe('shutterlock lab', () => {
  it('lists the labs and draws a new PIN, printed once', async () => {
    const dataDir = await makeTempDir('labs');
    expect((await runNode([cliEntry, 'migrate'], { SHUTTERLOCK_DATA_DIR: dataDir })).code).toBe(0);
    const runtime = await openRuntime(loadConfig({ NODE_ENV: 'test', SHUTTERLOCK_DATA_DIR: dataDir }), createLogger('silent'));
    const deps = createLabsDeps(runtime, createVaultFiles(createVaultDeps(runtime, () => undefined)));
    const { lab, pin } = await createLab(deps, { actorUserId: null }, { name: 'Console Prints', contactEmails: ['lab@example.com'] });
    await deps.limits.close();
    await runtime.close();

    const listed = await runNode([cliEntry, 'lab', 'list'], { SHUTTERLOCK_DATA_DIR: dataDir });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(`${lab.labId}  Console Prints  active  lab@example.com`);
    const reset = await runNode([cliEntry, 'lab', 'reset-pin', lab.labId.toLowerCase()], { SHUTTERLOCK_DATA_DIR: dataDir });
    expect(reset.code).toBe(0);
    const newPin = /New PIN for LAB-[2-9A-Z]{4} \(Console Prints\): (\d{6})/.exec(reset.stdout)?.[1];
    expect(newPin).toMatch(/^\d{6}$/);
    expect(newPin).not.toBe(pin);
    const unknown = await runNode([cliEntry, 'lab', 'reset-pin', 'LAB-2222'], { SHUTTERLOCK_DATA_DIR: dataDir });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No lab has the ID LAB-2222');
  });
});

describe('production start', () => {
  it('refuses to start without its required secrets, naming them', async () => {
    const { code, stderr } = await runNode([mainEntry], { NODE_ENV: 'production', SHUTTERLOCK_DATA_DIR: await makeTempDir('prod') });
    expect(code).toBe(78);
    expect(stderr).toContain('cannot start');
    expect(stderr).toContain('SHUTTERLOCK_MASTER_KEYS');
  });
});
