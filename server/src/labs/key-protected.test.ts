import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import { type TestServer, startTestServer } from '../../test/harness.ts';
import { photo } from '../../test/images.ts';
import { createLab, setStudioLabs, shipping, withLabsDeps } from '../../test/labs.ts';
import { uploaded } from '../../test/vault.ts';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { createCodePepper } from '../crypto/hashing.ts';
import { createLocalKeyProvider } from '../crypto/master-keys.ts';
import { createSecretBox } from '../crypto/secret-fields.ts';
import { keyUsage, rotateToActiveVersion } from '../keys/rotation.ts';
import { pinPurpose } from './admin.ts';
import { openOrderDetails, sealOrderDetails } from './details.ts';
import { signInLab } from './sign-in.ts';

/**
 * The labs' data under the master keys goes through rotation like everyone's: an order's sealed
 * shipping details are re-sealed under the new version, and the PIN hashes keep the old version
 * in use (a PIN cannot be re-hashed from its hash) until the lab next signs in, when its PIN is
 * hashed again under the active version.
 */

const v1 = { id: 'v1', key: crypto.randomBytes(32) };
const v2 = { id: 'v2', key: crypto.randomBytes(32) };

describe('labs and master-key rotation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite', env: { TRUST_PROXY: 'true' } });
  });
  afterAll(async () => server?.close());

  it('re-seals shipping details under the new version and counts PINs under the old one', async () => {
    const db = server.runtime.database.db;
    const admin = (await signedInAdmin(server)).client;
    const { client: photographer, user } = await signedInClient(server, 'photographer', 'rotation');
    const { lab } = await createLab(admin);
    await setStudioLabs(admin, user.studioId as string, [lab.id]);
    const fileId = (await uploaded(photographer, await photo('jpeg'))).id;
    const created = await photographer.json<{ order: { id: string } }>('POST', '/api/print-orders', { labId: lab.id, lines: [{ fileId, sku: 'PRINT-8x10', finish: 'matte', quantity: 1 }], shipping });
    const orderId = created.body.order.id;
    // Stand the stored values on a v1 world: the order sealed, the PIN peppered under v1.
    const onlyV1 = createLocalKeyProvider([v1]);
    await db.updateTable('print_orders').set({ details_sealed: await sealOrderDetails(createSecretBox(onlyV1), orderId, { shipping, notes: 'n' }) }).where('id', '=', orderId).execute();
    await db.updateTable('labs').set({ pin_key_version: 'v1' }).where('id', '=', lab.id).execute();

    const both = createLocalKeyProvider([v2, v1]);
    const result = await rotateToActiveVersion({ db, keys: both, ...keyProtectedData(capabilities) });
    expect(result.failures.filter((failure) => failure.item.startsWith('print_orders'))).toEqual([]);
    const row = await db.selectFrom('print_orders').select('details_sealed').where('id', '=', orderId).executeTakeFirstOrThrow();
    expect(row.details_sealed.startsWith('sl1.v2.')).toBe(true);
    expect((await openOrderDetails(createSecretBox(createLocalKeyProvider([v2])), orderId, row.details_sealed)).shipping).toEqual(shipping);
    const usage = await keyUsage({ db, keys: both, ...keyProtectedData(capabilities) });
    expect(usage.find((entry) => entry.version === 'v1')?.codeHashes).toBeGreaterThanOrEqual(1);
  });

  it('moves a PIN hash to the active version when the lab next signs in', async () => {
    const db = server.runtime.database.db;
    const admin = (await signedInAdmin(server)).client;
    const { lab, pin } = await createLab(admin);
    // The server's own keys with a retiring version behind the active one: hash the PIN under the old.
    const retiring = { id: 'retiring', key: crypto.randomBytes(32) };
    await withLabsDeps(server, {}, async (base) => {
      const keys = createLocalKeyProvider([{ id: base.keys.activeVersion, key: crypto.randomBytes(32) }, retiring]);
      const old = await createCodePepper(createLocalKeyProvider([retiring])).hash(pin, pinPurpose(lab.id));
      await db.updateTable('labs').set({ pin_digest: old.digest, pin_key_version: 'retiring' }).where('id', '=', lab.id).execute();
      const deps = { ...base, keys, pepper: createCodePepper(keys) };
      const result = await signInLab(deps, { labId: lab.labId, pin }, undefined, { ip: '203.0.113.9', userAgent: 'test' });
      expect(result.outcome).toBe('signed_in');
      const row = await db.selectFrom('labs').select(['pin_key_version', 'pin_digest']).where('id', '=', lab.id).executeTakeFirstOrThrow();
      expect(row.pin_key_version).toBe(keys.activeVersion);
      expect(await deps.pepper.verify(pin, pinPurpose(lab.id), { keyVersion: row.pin_key_version, digest: row.pin_digest })).toBe(true);
    });
  });
});
