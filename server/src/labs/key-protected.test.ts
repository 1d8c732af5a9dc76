import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { createLab, setStudioLabs, shipping } from '../../test/labs.ts';
import { uploaded } from '../../test/vault.ts';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { createLocalKeyProvider } from '../crypto/master-keys.ts';
import { createSecretBox } from '../crypto/secret-fields.ts';
import { rotateToActiveVersion } from '../keys/rotation.ts';
import { openOrderDetails, sealOrderDetails } from './details.ts';

/**
 * The labs' data under the master keys goes through rotation like everyone's: an order's sealed
 * shipping details are re-sealed under the new version. (PIN hashes name a pepper, which
 * rotation rewraps: keys/peppers.ts.)
 */

const v1 = { id: 'v1', key: crypto.randomBytes(32) };
const v2 = { id: 'v2', key: crypto.randomBytes(32) };

describe('labs and master-key rotation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite', env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => server?.close());

  it('re-seals shipping details under the new version', async () => {
    const db = server.runtime.database.db;
    const admin = (await signedInAdmin(server)).client;
    const { client: photographer, user } = await signedInClient(server, 'photographer', 'rotation');
    const { lab } = await createLab(admin);
    await setStudioLabs(admin, user.studioId as string, [lab.id]);
    const fileId = (await uploaded(photographer, await photo('jpeg'))).id;
    const created = await photographer.json<{ order: { id: string } }>('POST', '/api/print-orders', { labId: lab.id, lines: [{ fileId, sku: 'PRINT-8x10', finish: 'matte', quantity: 1 }], shipping });
    const orderId = created.body.order.id;
    // Stand the order on a v1 world: its details sealed under v1.
    const sealed = await sealOrderDetails(createSecretBox(createLocalKeyProvider([v1])), orderId, { shipping, notes: 'n' });
    await db.updateTable('print_orders').set({ details_sealed: sealed }).where('id', '=', orderId).execute();

    const result = await rotateToActiveVersion({ db, keys: createLocalKeyProvider([v2, v1]), ...keyProtectedData(capabilities) });
    expect(result.failures.filter((failure) => failure.item.startsWith('print_orders'))).toEqual([]);
    const row = await db.selectFrom('print_orders').select('details_sealed').where('id', '=', orderId).executeTakeFirstOrThrow();
    expect(createSecretBox(createLocalKeyProvider([v2])).keyVersionOf(row.details_sealed)).toBe('v2');
    expect((await openOrderDetails(createSecretBox(createLocalKeyProvider([v2])), orderId, row.details_sealed)).shipping).toEqual(shipping);
  });
});
