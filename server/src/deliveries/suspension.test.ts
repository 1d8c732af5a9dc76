import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { clientDownloadUrl, clientFor, createDelivery, listFiles, openedVisitor, openWithCode, outcome, outcomeOf } from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { downloadUrl, fetchSigned, settled, uploaded } from '../../test/vault.ts';

/**
 * A disabled photographer's studio is suspended: their deliveries (with a session or not) and
 * every signed link to their files answer `403 studio_suspended`; on re-enable all of it works
 * again, links made before included. The admin's list says so.
 */
describe.each(databaseKinds())('a disabled photographer’s deliveries on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => server?.close());

  it('suspends deliveries and signed links while the account is disabled, and resumes them on re-enable', async () => {
    const admin = await signedInAdmin(server);
    const { client: photographer, user } = await signedInClient(server, 'photographer');
    const file = await settled(photographer, (await uploaded(photographer, await photo('jpeg', { width: 200, height: 150 }), { name: 'a.jpg' })).id);
    const { access, token } = await createDelivery(photographer, { title: 'Wedding', fileIds: [file.id] });
    const visitor = await openedVisitor(server, access);
    const deliveryLink = await clientDownloadUrl(visitor, token, file.id);
    const vaultLink = await downloadUrl(photographer, file.id);
    // Clients see the studio's name, never the photographer's sign-in email.
    const before = await listFiles(visitor, token);
    expect(before.body.delivery.studioName).toBe('Photography studio');
    expect(JSON.stringify(before.body)).not.toContain(user.email);

    const disabled = await admin.client.json<{ user: { status: string; deliveriesSuspended: boolean } }>('PATCH', `/api/admin/users/${user.id}`, { disabled: true });
    expect(disabled.body.user).toMatchObject({ status: 'disabled', deliveriesSuspended: true });
    expect(outcomeOf(await listFiles(visitor, token))).toBe('403 studio_suspended');
    expect(outcomeOf(await openWithCode(clientFor(server), token, access.code))).toBe('403 studio_suspended');
    expect(await outcome(await fetchSigned(server, deliveryLink))).toBe('403 studio_suspended');
    expect(await outcome(await fetchSigned(server, vaultLink))).toBe('403 studio_suspended');

    const enabled = await admin.client.json<{ user: { deliveriesSuspended: boolean } }>('PATCH', `/api/admin/users/${user.id}`, { disabled: false });
    expect(enabled.body.user.deliveriesSuspended).toBe(false);
    expect((await listFiles(visitor, token)).status).toBe(200);
    expect((await fetchSigned(server, deliveryLink)).status).toBe(200);
    expect((await fetchSigned(server, vaultLink)).status).toBe(200);
  });
});
