import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MasterKeyProvider, createLocalKeyProvider } from '../crypto/master-keys.ts';
import { createSecretBox } from '../crypto/secret-fields.ts';
import { encryptBuffer, decryptBuffer } from '../crypto/chunked.ts';
import { UnknownKeyVersionError } from '../errors.ts';
import { createStudio, deleteStudio, studioDataKey } from '../studios/service.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { assertKeyVersionsConfigured, keyUsage, rotateToActiveVersion } from './rotation.ts';
import type { SealedSecretColumn } from './sealed-columns.ts';

const v1 = { id: 'v1', key: crypto.randomBytes(32) };
const v2 = { id: 'v2', key: crypto.randomBytes(32) };
const onlyV1 = createLocalKeyProvider([v1]);
const v2ActiveV1Kept = createLocalKeyProvider([v2, v1]);
const onlyV2 = createLocalKeyProvider([v2]);

// A stand-in for a capability's sealed column (e.g. TOTP seeds), created in the test database.
const testSecrets: SealedSecretColumn = {
  table: 'rotation_test_secrets',
  idColumn: 'id',
  column: 'sealed_value',
  purpose: 'rotation-test',
  associatedData: (id) => `rotation_test_secrets/${id}`,
};

describe.each(databaseKinds())('studio keys and master-key rotation on %s', (database) => {
  let server: TestServer;
  const db = () => server.runtime.database.db;
  const deps = (keys: MasterKeyProvider) => ({ db: db(), keys, sealedColumns: [testSecrets] });

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
});
