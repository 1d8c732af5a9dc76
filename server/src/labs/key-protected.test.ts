import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { createLab, setStudioLabs, shipping } from '../../test/labs.ts';
import { uploaded } from '../../test/vault.ts';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { isStudioSealed } from '../crypto/secret-fields.ts';
import { asEarlierReleases } from '../../test/studio-values.ts';
import { rotateToActiveVersion } from '../keys/rotation.ts';
import { studioSecrets } from '../studios/service.ts';
import { openOrderDetails, sealOrderDetails } from './details.ts';

/**
 * The labs' data under the keys goes through rotation like everyone's: an order's shipping
 * details that an older release sealed under the master key move under the ordering studio's
 * data key (so crypto-erasing the studio erases them). PIN hashes name a pepper, which rotation
 * rewraps: keys/peppers.ts.
 */

describe('labs and master-key rotation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite', env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => server?.close());

  it('moves shipping details sealed under the master key under the studio key', async () => {
    const db = server.runtime.database.db;
    const keys = server.runtime.keys;
    const admin = (await signedInAdmin(server)).client;
    const { client: photographer, user } = await signedInClient(server, 'photographer', 'rotation');
    const studioId = user.studioId as string;
    const { lab } = await createLab(admin);
    await setStudioLabs(admin, studioId, [lab.id]);
    const fileId = (await uploaded(photographer, await photo('jpeg'))).id;
    const created = await photographer.json<{ order: { id: string } }>('POST', '/api/print-orders', { labId: lab.id, lines: [{ fileId, sku: 'PRINT-8x10', finish: 'matte', quantity: 1 }], shipping });
    const orderId = created.body.order.id;
    // Stand the order on an older release: its details sealed under the master key.
    const sealed = await sealOrderDetails(asEarlierReleases(keys), orderId, { shipping, notes: 'n' });
    await db.updateTable('print_orders').set({ details_sealed: sealed }).where('id', '=', orderId).execute();

    const result = await rotateToActiveVersion({ db, keys, ...keyProtectedData(capabilities) });
    expect(result.failures.filter((failure) => failure.item.startsWith('print_orders'))).toEqual([]);
    const row = await db.selectFrom('print_orders').select('details_sealed').where('id', '=', orderId).executeTakeFirstOrThrow();
    expect(isStudioSealed(row.details_sealed)).toBe(true);
    expect((await openOrderDetails(await studioSecrets({ db, keys }, studioId), orderId, row.details_sealed)).shipping).toEqual(shipping);
  });
});
