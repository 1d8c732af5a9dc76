import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient } from '../../test/accounts.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { uploaded } from '../../test/vault.ts';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { createSecretBox, isStudioSealed } from '../crypto/secret-fields.ts';
import { IntegrityError } from '../errors.ts';
import { keyUsage, rotateToActiveVersion } from '../keys/rotation.ts';
import { deleteStudio, studioSecrets } from '../studios/service.ts';
import { openFileName, sealedAssociatedData, sealedPurposes } from './sealed-fields.ts';

describe('vault sealed columns', () => {
  it('are registered for rotation with the purposes and associated data they are sealed with', () => {
    const registered = (table: string, column: string) => keyProtectedData(capabilities).sealedColumns.find((entry) => entry.name === `${table}.${column}`);
    const id = '6b1d4a4e-3f0a-4c55-9d36-5c3c0b0e6d8a';
    const expected = [
      ['vault_files', 'name_sealed', sealedPurposes.fileName, sealedAssociatedData.fileName(id)],
      ['vault_files', 'metadata_sealed', sealedPurposes.fileMetadata, sealedAssociatedData.fileMetadata(id)],
      ['vault_albums', 'name_sealed', sealedPurposes.albumName, sealedAssociatedData.albumName(id)],
    ] as const;
    for (const [table, column, purpose, associatedData] of expected) {
      const entry = registered(table, column);
      expect(entry, `${table}.${column}`).toBeDefined();
      expect(entry?.purpose).toBe(purpose);
      expect(entry?.associatedData(id)).toBe(associatedData);
    }
  });
});

describe.each(databaseKinds())('vault sealed values on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database });
  });
  afterAll(async () => server?.close());
  const db = () => server.runtime.database.db;
  const masterBox = () => createSecretBox(server.runtime.keys);

  it('seals names, metadata and album names under the studio key, so erasing the studio key erases them in every database copy', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const studioId = user.studioId as string;
    const file = await uploaded(client, await photo('jpeg'), { name: 'wedding-kiss.jpg' });
    const album = await client.json<{ album: { id: string } }>('POST', '/api/vault/albums', { name: 'Smith wedding' });
    expect(album.status).toBe(201);
    // What a database copy (a backup) holds:
    const fileRow = await db().selectFrom('vault_files').select(['name_sealed', 'metadata_sealed']).where('id', '=', file.id).executeTakeFirstOrThrow();
    const albumRow = await db().selectFrom('vault_albums').select('name_sealed').where('id', '=', album.body.album.id).executeTakeFirstOrThrow();
    const copied = [
      [fileRow.name_sealed as string, sealedPurposes.fileName, sealedAssociatedData.fileName(file.id)],
      [fileRow.metadata_sealed as string, sealedPurposes.fileMetadata, sealedAssociatedData.fileMetadata(file.id)],
      [albumRow.name_sealed, sealedPurposes.albumName, sealedAssociatedData.albumName(album.body.album.id)],
    ] as const;
    const secrets = await studioSecrets({ db: db(), keys: server.runtime.keys }, studioId);
    expect((await openFileName(secrets, file.id, copied[0][0]))).toBe('wedding-kiss.jpg');
    for (const [sealed, purpose, associatedData] of copied) {
      expect(isStudioSealed(sealed)).toBe(true);
      // The master key alone (what an operator, or a leaked master key with the copy, has) opens none of them.
      await expect(masterBox().open(sealed, purpose, associatedData)).rejects.toBeInstanceOf(IntegrityError);
    }

    await deleteStudio({ db: db(), keys: server.runtime.keys }, studioId);
    await expect(studioSecrets({ db: db(), keys: server.runtime.keys }, studioId)).rejects.toMatchObject({ code: 'studio_not_found' });
  });

  it('re-seals values an older release sealed under the master key under the studio key when keys rotate, and still opens them meanwhile', async () => {
    const { client, user } = await signedInClient(server, 'photographer');
    const studioId = user.studioId as string;
    const file = await uploaded(client, await photo('png'), { name: 'before-upgrade.png' });
    const legacyName = await masterBox().seal('before-upgrade.png', sealedPurposes.fileName, sealedAssociatedData.fileName(file.id));
    await db().updateTable('vault_files').set({ name_sealed: legacyName }).where('id', '=', file.id).execute();
    const listed = await client.json<{ file: { name: string } }>('GET', `/api/vault/files/${file.id}`);
    expect(listed.body.file.name).toBe('before-upgrade.png');
    const deps = { db: db(), keys: server.runtime.keys, ...keyProtectedData(capabilities) };
    const usage = async () => (await keyUsage(deps)).find((entry) => entry.version === server.runtime.keys.activeVersion)?.secretFields ?? 0;
    const before = await usage();

    const result = await rotateToActiveVersion(deps);
    expect(result.failures).toEqual([]);
    expect(result.secretFieldsResealed).toBeGreaterThanOrEqual(1);
    const row = await db().selectFrom('vault_files').select('name_sealed').where('id', '=', file.id).executeTakeFirstOrThrow();
    expect(isStudioSealed(row.name_sealed as string)).toBe(true);
    expect(await openFileName(await studioSecrets({ db: db(), keys: server.runtime.keys }, studioId), file.id, row.name_sealed as string)).toBe(
      'before-upgrade.png',
    );
    // No longer anything the master key version protects.
    expect(await usage()).toBe(before - 1);
  });
});
