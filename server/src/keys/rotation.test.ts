import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUser } from '../auth/users-repo.ts';
import { type MasterKeyProvider, createLocalKeyProvider } from '../crypto/master-keys.ts';
import { createSecretBox } from '../crypto/secret-fields.ts';
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
    server = await startTestServer({ database });
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

    expect(await rotateToActiveVersion(deps(v2ActiveV1Kept))).toEqual({ activeVersion: 'v2', studioKeysRewrapped: 0, secretFieldsResealed: 0, failures: [] });
  });

  it('fails closed on a key version the server does not hold', async () => {
    const studio = await createStudio(deps(onlyV2), 'Only v2');
    await expect(studioDataKey(deps(onlyV1), studio.id)).rejects.toBeInstanceOf(UnknownKeyVersionError);
  });

  it('counts the code hashes a version still checks: sign-in, recovery and delivery codes that can still be used', async () => {
    const studio = await createStudio(deps(onlyV2), 'Codes');
    const now = Date.now();
    const userId = crypto.randomUUID();
    await insertUser(db(), { id: userId, email: `codes-${userId}@example.com`, role: 'photographer', now });
    // Peppered under v1, which the rotation above left holding nothing else.
    const digest = 'd'.repeat(64);
    const signIn = (id: string, changes: { expires_at?: number; consumed_at?: number }) => ({
      id,
      user_id: userId,
      code_digest: digest,
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
    const recovery = (id: string, usedAt: number | null) => ({ id, user_id: userId, code_digest: digest, key_version: 'v1', created_at: now, used_at: usedAt });
    await db()
      .insertInto('recovery_codes')
      .values([recovery('recovery-unused', null), recovery('recovery-used', now)])
      .execute();
    const delivery = (id: string, expiresAt: number) =>
      insertDelivery(
        db(),
        {
          id,
          studioId: studio.id,
          createdBy: userId,
          detailsSealed: 'not read here',
          tokenHash: crypto.createHash('sha256').update(id).digest('hex'),
          code: { digest, keyVersion: 'v1' },
          allowOriginals: true,
          allowZip: true,
          downloadLimit: null,
          expiresAt,
          now,
        },
        [],
      );
    const deliveryIds = ['delivery-live', 'delivery-revoked', 'delivery-expired'];
    await delivery('delivery-live', now + 24 * 60 * 60_000);
    await delivery('delivery-revoked', now + 24 * 60 * 60_000);
    await db().updateTable('deliveries').set({ revoked_at: now }).where('id', '=', 'delivery-revoked').execute();
    // An expired delivery's code still counts: extending the delivery brings the code back.
    await delivery('delivery-expired', now - 1);
    const v1Usage = async () => (await keyUsage(deps(v2ActiveV1Kept))).find((entry) => entry.version === 'v1');
    try {
      const usage = await v1Usage();
      expect(usage).toEqual({ version: 'v1', configured: true, active: false, studioKeys: 0, secretFields: 0, codeHashes: 4 });
      expect(versionInUse(usage as NonNullable<typeof usage>)).toBe(true);
      // A server without v1 would turn every one of those codes away: it refuses to start.
      await expect(assertKeyVersionsConfigured(deps(onlyV2))).rejects.toMatchObject({
        code: 'unknown_key_version',
        message: expect.stringContaining('"v1" (0 studio keys, 0 secret fields, 4 usable code hashes)'),
      });
      // Rotation cannot move a hash (the code is not kept): they stay under v1.
      expect(await rotateToActiveVersion(deps(v2ActiveV1Kept))).toMatchObject({ activeVersion: 'v2', failures: [] });
      expect((await v1Usage())?.codeHashes).toBe(4);

      // Used, replaced or ended, one by one, they stop counting.
      await db().updateTable('sign_in_codes').set({ consumed_at: Date.now() }).where('id', '=', 'sign-in-usable').execute();
      expect((await v1Usage())?.codeHashes).toBe(3);
      await db().updateTable('recovery_codes').set({ used_at: Date.now() }).where('id', '=', 'recovery-unused').execute();
      expect((await v1Usage())?.codeHashes).toBe(2);
      // A new delivery code is peppered under the active version.
      await db().updateTable('deliveries').set({ code_key_version: 'v2' }).where('id', '=', 'delivery-live').execute();
      expect((await v1Usage())?.codeHashes).toBe(1);
      expect((await keyUsage(deps(v2ActiveV1Kept))).find((entry) => entry.version === 'v2')?.codeHashes).toBe(1);
      await db().updateTable('deliveries').set({ revoked_at: Date.now() }).where('id', '=', 'delivery-expired').execute();
      const retirable = await v1Usage();
      expect(retirable).toMatchObject({ codeHashes: 0 });
      expect(versionInUse(retirable as NonNullable<typeof retirable>)).toBe(false);
      await db().updateTable('deliveries').set({ revoked_at: Date.now() }).where('id', '=', 'delivery-live').execute();
      await assertKeyVersionsConfigured(deps(onlyV2));
    } finally {
      await db().deleteFrom('deliveries').where('id', 'in', deliveryIds).execute();
      await db().deleteFrom('sign_in_codes').where('user_id', '=', userId).execute();
      await db().deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await db().deleteFrom('users').where('id', '=', userId).execute();
    }
  });
});
