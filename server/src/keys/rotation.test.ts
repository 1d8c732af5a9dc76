import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../auth/users-repo.ts';
import { type MasterKeyProvider, createLocalKeyProvider } from '../crypto/master-keys.ts';
import { createSecretBox } from '../crypto/secret-fields.ts';
import { createCodePepper } from '../crypto/hashing.ts';
import { adoptLegacyPeppers, createPepperKeys } from './peppers.ts';
import { upsertVersionUsage } from './version-usage-repo.ts';
import { encryptBuffer, decryptBuffer } from '../crypto/chunked.ts';
import { insertDelivery } from '../deliveries/repo.ts';
import { UnknownKeyVersionError } from '../errors.ts';
import { createStudio, deleteStudio, studioDataKey } from '../studios/service.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { assertKeyVersionsConfigured, keyUsage, rotateToActiveVersion, versionInUse } from './rotation.ts';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { sealedColumn } from '../db/key-protected.ts';

const v1 = { id: 'v1', key: crypto.randomBytes(32) };
const v2 = { id: 'v2', key: crypto.randomBytes(32) };
const onlyV1 = createLocalKeyProvider([v1]);
const v2ActiveV1Kept = createLocalKeyProvider([v2, v1]);
const onlyV2 = createLocalKeyProvider([v2]);

// A stand-in for a capability's sealed column (e.g. TOTP seeds), created in the test database.
const testSecrets = {
  table: 'rotation_test_secrets',
  idColumn: 'id',
  column: 'sealed_value',
  purpose: 'rotation-test',
  associatedData: (id: string) => `rotation_test_secrets/${id}`,
};

describe.each(databaseKinds())('studio keys and master-key rotation on %s', (database) => {
  let server: TestServer;
  const db = () => server.runtime.database.db;
  const deps = (keys: MasterKeyProvider) => ({ db: db(), keys, ...keyProtectedData(capabilities), sealedColumns: [sealedColumn(testSecrets as never)] });

  beforeAll(async () => {
    // The server runs under v1 as these tests' providers do: what it seals by itself as it starts
    // (the audit seal key, keys/peppers.ts) is then under a version the rotation knows.
    server = await startTestServer({ database, env: { SHUTTERLOCK_MASTER_KEYS: `v1:${v1.key.toString('base64')}` } });
    await db().schema.createTable(testSecrets.table).addColumn('id', 'text', (c) => c.primaryKey()).addColumn('sealed_value', 'text').execute();
  });
  afterAll(async () => server?.close());

  it('gives each studio its own data key, wrapped, and crypto-erases it with the studio', async () => {
    const a = await createStudio(deps(onlyV1), 'Studio A');
    const b = await createStudio(deps(onlyV1), 'Studio B');
    const keyA = await studioDataKey(deps(onlyV1), a.id);
    const keyB = await studioDataKey(deps(onlyV1), b.id);
    expect(keyA).toHaveLength(32);
    expect(keyA.equals(keyB)).toBe(false);
    const stored = await db().selectFrom('studio_keys').selectAll().where('studio_id', '=', a.id).executeTakeFirstOrThrow();
    expect(Buffer.from(stored.wrapped_key, 'base64').includes(keyA)).toBe(false);
    expect(stored.key_version).toBe('v1');

    const ciphertext = encryptBuffer(keyA, Buffer.from(`file-1/original`), Buffer.from('a photo'));
    await deleteStudio(deps(onlyV1), a.id);
    await expect(studioDataKey(deps(onlyV1), a.id)).rejects.toMatchObject({ code: 'studio_not_found' });
    expect(await db().selectFrom('studio_keys').selectAll().where('studio_id', '=', a.id).execute()).toHaveLength(0);
    // The ciphertext survives, but nothing can open it any more without the erased key.
    expect(() => decryptBuffer(keyB, Buffer.from(`file-1/original`), ciphertext)).toThrow();
  });

  let tamperedStudioId = '';
  it('refuses a wrapped key moved onto another studio', async () => {
    const a = await createStudio(deps(onlyV1), 'Mover A');
    const b = await createStudio(deps(onlyV1), 'Mover B');
    tamperedStudioId = b.id;
    const rowA = await db().selectFrom('studio_keys').selectAll().where('studio_id', '=', a.id).executeTakeFirstOrThrow();
    await db().updateTable('studio_keys').set({ wrapped_key: rowA.wrapped_key }).where('studio_id', '=', b.id).execute();
    await expect(studioDataKey(deps(onlyV1), b.id)).rejects.toMatchObject({ code: 'integrity_check_failed' });
  });

  it('rotates every wrapped key and sealed secret to the new version without changing data keys', async () => {
    const studio = await createStudio(deps(onlyV1), 'Rotating');
    const dataKeyBefore = await studioDataKey(deps(onlyV1), studio.id);
    const box = createSecretBox(onlyV1);
    await db()
      .insertInto(testSecrets.table as never)
      .values({ id: 'secret-1', sealed_value: await box.seal('totp-seed-bytes', testSecrets.purpose, testSecrets.associatedData('secret-1')) } as never)
      .execute();

    const before = await keyUsage(deps(v2ActiveV1Kept));
    expect(before.find((entry) => entry.version === 'v1')).toMatchObject({ configured: true, active: false, secretFields: 1 });
    expect(before.find((entry) => entry.version === 'v2')).toMatchObject({ active: true, studioKeys: 0 });
    // v2 is not configured on the old server: data under it would be refused, not guessed at.
    await expect(assertKeyVersionsConfigured(deps(onlyV2))).rejects.toMatchObject({ code: 'unknown_key_version' });

    const result = await rotateToActiveVersion(deps(v2ActiveV1Kept));
    expect(result.activeVersion).toBe('v2');
    expect(result.studioKeysRewrapped).toBeGreaterThanOrEqual(1);
    expect(result.secretFieldsResealed).toBe(1);
    // The tampered key is reported and left exactly as it was; everything else moved on.
    expect(result.failures).toEqual([{ item: `studio_keys/${tamperedStudioId}`, code: 'integrity_check_failed' }]);
    await db().deleteFrom('studio_keys').where('studio_id', '=', tamperedStudioId).execute();

    const after = await keyUsage(deps(v2ActiveV1Kept));
    expect(after.find((entry) => entry.version === 'v1')).toMatchObject({ studioKeys: 0, secretFields: 0 });
    // Once v1 protects nothing it can be dropped, and everything still opens under v2 alone.
    await assertKeyVersionsConfigured(deps(onlyV2));
    expect((await studioDataKey(deps(onlyV2), studio.id)).equals(dataKeyBefore)).toBe(true);
    const row = (await db().selectFrom(testSecrets.table as never).selectAll().executeTakeFirstOrThrow()) as { sealed_value: string };
    expect((await createSecretBox(onlyV2).open(row.sealed_value, testSecrets.purpose, testSecrets.associatedData('secret-1'))).toString()).toBe('totp-seed-bytes');

    expect(await rotateToActiveVersion(deps(v2ActiveV1Kept))).toEqual({ activeVersion: 'v2', studioKeysRewrapped: 0, peppersRewrapped: 0, secretFieldsResealed: 0, failures: [] });
  });

  it('fails closed on a key version the server does not hold', async () => {
    const studio = await createStudio(deps(onlyV2), 'Only v2');
    await expect(studioDataKey(deps(onlyV1), studio.id)).rejects.toBeInstanceOf(UnknownKeyVersionError);
  });

  it('moves code hashes off master key versions: peppers older releases derived are wrapped, rotated with everything else, and the version retires', async () => {
    const studio = await createStudio(deps(onlyV2), 'Codes');
    const now = Date.now();
    const userId = crypto.randomUUID();
    await insertUser(db(), { id: userId, email: `codes-${userId}@example.com`, role: 'photographer', now });
    // Hashed as releases before wrapped peppers did: HMAC under HKDF(v1, "code-pepper"), naming v1.
    const legacyPepper = await onlyV1.deriveLegacyKey('code-pepper', 'v1');
    const legacyDigest = (code: string) => crypto.createHmac('sha256', legacyPepper).update(JSON.stringify(['test', code]), 'utf8').digest('hex');
    const signIn = (id: string, changes: { expires_at?: number; consumed_at?: number }) => ({
      id,
      user_id: userId,
      code_digest: legacyDigest('123456'),
      key_version: 'v1',
      created_at: now,
      expires_at: now + 10 * 60_000,
      consumed_at: null,
      ...changes,
    });
    await db()
      .insertInto('sign_in_codes')
      .values([signIn('sign-in-usable', {}), signIn('sign-in-consumed', { consumed_at: now }), signIn('sign-in-expired', { expires_at: now - 1 })])
      .execute();
    await db()
      .insertInto('recovery_codes')
      .values({ id: 'recovery-unused', user_id: userId, code_digest: legacyDigest('ABCD-EFGH'), key_version: 'v1', created_at: now, used_at: null })
      .execute();
    const deliveryIds = ['delivery-live'];
    await insertDelivery(
      db(),
      {
        id: 'delivery-live',
        studioId: studio.id,
        createdBy: userId,
        detailsSealed: 'not read here',
        tokenHash: crypto.createHash('sha256').update('delivery-live').digest('hex'),
        code: { digest: legacyDigest('87654321'), keyVersion: 'v1' },
        allowOriginals: true,
        allowZip: true,
        downloadLimit: null,
        expiresAt: now + 24 * 60 * 60_000,
        now,
      },
      [],
    );
    const usageOf = async (keys: MasterKeyProvider, version: string) => (await keyUsage(deps(keys))).find((entry) => entry.version === version);
    try {
      // A server without v1 could not derive those hashes' pepper: it refuses to start.
      await expect(assertKeyVersionsConfigured(deps(onlyV2))).rejects.toMatchObject({
        code: 'unknown_key_version',
        message: expect.stringContaining('"v1" (3 usable code hashes made with the pepper it derived)'),
      });
      // The start-up step of a server that still holds v1 wraps the pepper v1 derived, under v1 …
      await adoptLegacyPeppers(deps(onlyV1));
      expect(await usageOf(v2ActiveV1Kept, 'v1')).toMatchObject({ peppers: 1 });
      expect((await db().selectFrom('key_peppers').select(['id', 'origin']).where('id', '=', 'v1').executeTakeFirstOrThrow()).origin).toBe('derived-v1');
      // … rotation rewraps it like a studio key …
      const rotated = await rotateToActiveVersion(deps(v2ActiveV1Kept));
      expect(rotated).toMatchObject({ activeVersion: 'v2', failures: [] });
      expect(rotated.peppersRewrapped).toBeGreaterThanOrEqual(1);
      const retirable = await usageOf(v2ActiveV1Kept, 'v1');
      expect(retirable).toMatchObject({ studioKeys: 0, peppers: 0, secretFields: 0 });
      expect(versionInUse(retirable as NonNullable<typeof retirable>)).toBe(false);

      // … so v1 retires, and every code still verifies on a server that holds only v2.
      await assertKeyVersionsConfigured(deps(onlyV2));
      const pepper = createCodePepper(createPepperKeys(db(), onlyV2));
      for (const table of ['sign_in_codes', 'recovery_codes'] as const) {
        const rows = await db().selectFrom(table).select(['code_digest', 'key_version']).where('user_id', '=', userId).execute();
        const code = table === 'sign_in_codes' ? '123456' : 'ABCD-EFGH';
        for (const row of rows) expect(await pepper.verify(code, 'test', { keyVersion: row.key_version, digest: row.code_digest })).toBe(true);
      }
      const delivery = await db().selectFrom('deliveries').select(['code_digest', 'code_key_version']).where('id', '=', 'delivery-live').executeTakeFirstOrThrow();
      expect(await pepper.verify('87654321', 'test', { keyVersion: delivery.code_key_version, digest: delivery.code_digest })).toBe(true);
      expect(await pepper.verify('87654320', 'test', { keyVersion: delivery.code_key_version, digest: delivery.code_digest })).toBe(false);
      // New codes use the random pepper, which no master version derives.
      const fresh = await pepper.hash('111111', 'test');
      expect(fresh.keyVersion).toBe('pepper.1');
      expect(fresh.digest).not.toBe(legacyDigest('111111'));
      expect(await createCodePepper(createPepperKeys(db(), onlyV2)).verify('111111', 'test', fresh)).toBe(true);
    } finally {
      await db().deleteFrom('deliveries').where('id', 'in', deliveryIds).execute();
      await db().deleteFrom('sign_in_codes').where('user_id', '=', userId).execute();
      await db().deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await db().deleteFrom('users').where('id', '=', userId).execute();
    }
  });
  it('checks key versions at start-up from the per-version record, reading no sealed value, and counts exactly only when the record names a missing version', async () => {
    let valuesRead = 0;
    const counting = {
      ...sealedColumn(testSecrets as never),
      async page(...args: Parameters<ReturnType<typeof sealedColumn>['page']>) {
        valuesRead += 1;
        return sealedColumn(testSecrets as never).page(...args);
      },
    };
    const startUp = (keys: MasterKeyProvider) => assertKeyVersionsConfigured({ ...deps(keys), sealedColumns: [counting] });
    await db().deleteFrom('key_version_usage').execute();
    // The first start after the upgrade has no record: it counts exactly, once.
    await startUp(onlyV2);
    expect(valuesRead).toBeGreaterThan(0);
    // From then on, however many files there are, a start reads the record and no sealed value.
    for (let row = 0; row < 50; row += 1) {
      const id = `many-${row}`;
      await db()
        .insertInto(testSecrets.table as never)
        .values({ id, sealed_value: await createSecretBox(onlyV2).seal('x', testSecrets.purpose, testSecrets.associatedData(id)) } as never)
        .execute();
    }
    valuesRead = 0;
    await startUp(onlyV2);
    await startUp(v2ActiveV1Kept);
    expect(valuesRead).toBe(0);
    expect(await db().selectFrom('key_version_usage').select(['version', 'in_use']).where('version', '=', 'v2').executeTakeFirstOrThrow()).toMatchObject({ in_use: 1 });

    // A server that lacks a version the record says is in use counts exactly: refused while
    // something needs it …
    const v3 = createLocalKeyProvider([{ id: 'v3', key: crypto.randomBytes(32) }]);
    await expect(startUp(v3)).rejects.toMatchObject({ code: 'unknown_key_version', message: expect.stringContaining('"v2"') });
    expect(valuesRead).toBeGreaterThan(0);
    // … and, once the exact count shows a version protects nothing, the record says so and the next start is cheap again.
    await upsertVersionUsage(db(), { version: 'v1', inUse: true, now: Date.now() });
    valuesRead = 0;
    await startUp(onlyV2);
    expect(valuesRead).toBeGreaterThan(0);
    expect(await db().selectFrom('key_version_usage').select('in_use').where('version', '=', 'v1').executeTakeFirstOrThrow()).toMatchObject({ in_use: 0 });
    valuesRead = 0;
    await startUp(onlyV2);
    expect(valuesRead).toBe(0);
    await db().deleteFrom(testSecrets.table as never).where('id' as never, 'like', 'many-%' as never).execute();
  });
});
