import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { currentTotp } from '../auth/totp.ts';
import { createSecretBox, isStudioSealed } from '../crypto/secret-fields.ts';
import { IntegrityError } from '../errors.ts';
import { studioDataKey, studioSecrets } from '../studios/service.ts';
import { enrollTotp, signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { declaredColumn, makeStudioValues, storedValue } from '../../test/studio-values.ts';
import { signedInMember } from '../../test/teams.ts';
import { readBlob, uploaded } from '../../test/vault.ts';

type ErrorBody = { error: { code: string } };

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(databaseKinds())('deleting studios and accounts (crypto-erase) on %s', (database) => {
  let server: TestServer;
  let admin: TestClient;
  let secret: string;
  let adminId: string;
  /** A current code; the step each deletion spends is forgotten first, so the tests need not wait 30 s between deletions. */
  const nextCode = async () => {
    await db().updateTable('users').set({ totp_last_step: null }).where('id', '=', adminId).execute();
    return currentTotp(secret, Date.now());
  };
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    const signedIn = await signedInClient(server, 'admin');
    admin = signedIn.client;
    adminId = signedIn.user.id;
    secret = (await enrollTotp(admin)).secret;
  });
  afterAll(async () => server?.close());
  const db = () => server.runtime.database.db;
  const deps = () => ({ db: db(), keys: server.runtime.keys });

  it('destroys the key at once, erases files and rows in the background, and a restored key row is destroyed again at start-up', async () => {
    const owner = await signedInClient(server, 'photographer', 'erased');
    const studioId = owner.user.studioId!;
    const file = await uploaded(owner.client, await photo('jpeg'));
    const row = await db().selectFrom('vault_files').select('blob_key').where('id', '=', file.id).executeTakeFirstOrThrow();
    const ciphertext = await readBlob(server, row.blob_key);
    // Delivery details (title, message, recipients), a set's name, a proofing list, a shipping address.
    const { values } = await makeStudioValues(server, admin, owner.client, studioId);
    // What a backup taken now holds: the wrapped key row, and those values as sealed.
    const backedUpKey = await db().selectFrom('studio_keys').selectAll().where('studio_id', '=', studioId).executeTakeFirstOrThrow();
    const backedUpValues = await Promise.all(values.map(async (value) => ({ ...value, sealed: await storedValue(server, value) })));
    const liveSecrets = await studioSecrets(deps(), studioId);
    for (const value of backedUpValues) {
      const column = declaredColumn(value.column);
      expect(isStudioSealed(value.sealed), value.column).toBe(true);
      expect((await liveSecrets.open(value.sealed, column.purpose, column.associatedData(value.id))).toString('utf8'), value.column).toContain(value.says);
    }
    const { name } = await db().selectFrom('studios').select('name').where('id', '=', studioId).executeTakeFirstOrThrow();
    // An image-service result cached for the studio (images/result-cache.ts names them so).
    const cachedResult = `image-cache/${studioId}/result`;
    await server.runtime.blobs.put(cachedResult, (async function* () {
      yield ciphertext.subarray(0, 64);
    })());

    expect((await admin.json<ErrorBody>('DELETE', `/api/admin/studios/${studioId}`, { confirm: 'not the name', totpCode: await nextCode() })).body.error.code).toBe('confirmation_mismatch');
    expect((await admin.json<ErrorBody>('DELETE', `/api/admin/studios/${studioId}`, { confirm: name, totpCode: '000000' })).body.error.code).toBe('second_factor_invalid');
    expect((await admin.request('DELETE', `/api/admin/studios/${studioId}`, { confirm: name, totpCode: await nextCode() })).status).toBe(202);

    expect(await db().selectFrom('studio_keys').selectAll().where('studio_id', '=', studioId).execute()).toEqual([]);
    await expect(studioDataKey(deps(), studioId)).rejects.toMatchObject({ code: 'studio_not_found' });
    // The job's last step is the audit event, written after the studio row is gone.
    const erasedEvents = () => db().selectFrom('audit_events').select('id').where('studio_id', '=', studioId).where('action', '=', 'studio.erased').execute();
    await eventually(async () => (await erasedEvents()).length === 1);
    expect(await db().selectFrom('studios').select('id').where('id', '=', studioId).execute()).toEqual([]);
    expect(await db().selectFrom('vault_files').select('id').where('studio_id', '=', studioId).execute()).toEqual([]);
    expect(await server.runtime.blobs.head(row.blob_key)).toBeNull();
    expect(await server.runtime.blobs.head(cachedResult)).toBeNull();
    const actions = (await db().selectFrom('audit_events').select('action').where('studio_id', '=', studioId).execute()).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['studio.key_destroyed', 'studio.deleted', 'studio.erased']));

    // A database restored from before the deletion brings the studio and its wrapped key back …
    await db().insertInto('studios').values({ id: studioId, name, created_at: Date.now() }).execute();
    await db().insertInto('studio_keys').values(backedUpKey).execute();
    await server.runtime.blobs.put(row.blob_key, (async function* () {
      yield ciphertext;
    })());
    // … and the next start-up destroys the key again before anything is served.
    const restarted = await buildApp(server.runtime);
    await restarted.close();
    await expect(studioDataKey(deps(), studioId)).rejects.toMatchObject({ code: 'studio_not_found' });
    // The backed-up details, set names, proofing lists and addresses open with nothing left:
    // not with the studio key (gone again), not with the master key (never theirs).
    await expect(studioSecrets(deps(), studioId)).rejects.toMatchObject({ code: 'studio_not_found' });
    for (const value of backedUpValues) {
      const column = declaredColumn(value.column);
      await expect(createSecretBox(server.runtime.keys).open(value.sealed, column.purpose, column.associatedData(value.id)), value.column).rejects.toBeInstanceOf(IntegrityError);
    }
  });

  it('deletes an account and crypto-erases the studio it owned alone', async () => {
    const { user } = await signedInClient(server, 'photographer', 'leaving');
    expect((await admin.json<ErrorBody>('DELETE', `/api/admin/users/${user.id}`, { confirm: 'someone@else.example', totpCode: await nextCode() })).body.error.code).toBe('confirmation_mismatch');
    const deleted = await admin.json<{ erasedStudioId: string | null }>('DELETE', `/api/admin/users/${user.id}`, { confirm: user.email.toUpperCase(), totpCode: await nextCode() });
    expect(deleted).toMatchObject({ status: 200, body: { erasedStudioId: user.studioId } });
    expect(await db().selectFrom('users').select('id').where('id', '=', user.id).execute()).toEqual([]);
    expect(await db().selectFrom('studio_keys').select('studio_id').where('studio_id', '=', user.studioId!).execute()).toEqual([]);
    expect((await admin.json<ErrorBody>('DELETE', `/api/admin/users/${user.id}`, { confirm: user.email, totpCode: await nextCode() })).body.error.code).toBe('user_not_found');
  });

  it('refuses to delete the last owner of a studio that has other members (409 last_owner), and deletes once another member owns it', async () => {
    const owner = await signedInClient(server, 'photographer', 'last-owner');
    const studioId = owner.user.studioId!;
    const { user: editor } = await signedInMember(server, owner.client, 'editor');
    const refused = await admin.json<ErrorBody & { error: { message: string } }>('DELETE', `/api/admin/users/${owner.user.id}`, { confirm: owner.user.email, totpCode: await nextCode() });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'last_owner']);
    const { name } = await db().selectFrom('studios').select('name').where('id', '=', studioId).executeTakeFirstOrThrow();
    expect(refused.body.error.message).toContain(name);
    expect(await db().selectFrom('users').select('id').where('id', '=', owner.user.id).execute()).toHaveLength(1);
    expect(await db().selectFrom('studio_keys').select('studio_id').where('studio_id', '=', studioId).execute()).toHaveLength(1);

    expect((await owner.client.json('PATCH', `/api/studio/members/${editor.id}`, { role: 'owner' })).status).toBe(200);
    const deleted = await admin.json<{ erasedStudioId: string | null }>('DELETE', `/api/admin/users/${owner.user.id}`, { confirm: owner.user.email, totpCode: await nextCode() });
    expect(deleted).toMatchObject({ status: 200, body: { erasedStudioId: null } });
    const members = await db().selectFrom('studio_members').select(['user_id', 'role']).where('studio_id', '=', studioId).execute();
    expect(members).toEqual([{ user_id: editor.id, role: 'owner' }]);
    expect(await db().selectFrom('studio_keys').select('studio_id').where('studio_id', '=', studioId).execute()).toHaveLength(1);
  });

  it('deletes the last owner once the admin has deleted the studio', async () => {
    const owner = await signedInClient(server, 'photographer', 'studio-first');
    const studioId = owner.user.studioId!;
    await signedInMember(server, owner.client, 'viewer');
    const { name } = await db().selectFrom('studios').select('name').where('id', '=', studioId).executeTakeFirstOrThrow();
    expect((await admin.request('DELETE', `/api/admin/studios/${studioId}`, { confirm: name, totpCode: await nextCode() })).status).toBe(202);
    await eventually(async () => (await db().selectFrom('studios').select('id').where('id', '=', studioId).execute()).length === 0);
    const deleted = await admin.json<{ erasedStudioId: string | null }>('DELETE', `/api/admin/users/${owner.user.id}`, { confirm: owner.user.email, totpCode: await nextCode() });
    expect(deleted).toMatchObject({ status: 200, body: { erasedStudioId: null } });
  });

  it('refuses bad input', async () => {
    const { user } = await signedInClient(server, 'photographer', 'kept');
    for (const body of [{}, { confirm: 'x' }, { confirm: 'x', totpCode: '12345' }, { confirm: 'x', totpCode: '123456', extra: 1 }, { confirm: '', totpCode: '123456' }]) {
      const answer = await admin.json<ErrorBody>('DELETE', `/api/admin/studios/${user.studioId}`, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
    }
    expect((await admin.json<ErrorBody>('DELETE', '/api/admin/studios/00000000-0000-4000-8000-000000000000', { confirm: 'x', totpCode: '123456' })).body.error.code).toBe('studio_not_found');
    expect(await db().selectFrom('studio_keys').select('studio_id').where('studio_id', '=', user.studioId!).execute()).toHaveLength(1);
  });
});
