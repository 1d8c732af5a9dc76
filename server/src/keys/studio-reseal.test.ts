import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAdmin, signedInClient } from '../../test/accounts.ts';
import type { TestClient } from '../../test/client.ts';
import { clientFor, openWithCode, tokenOf } from '../../test/deliveries.ts';
import { type TestServer, databaseKinds, startTestServer } from '../../test/harness.ts';
import { shipping } from '../../test/labs.ts';
import { type StudioValues, declaredColumn, makeStudioValues, recipient, setStoredValue, storedValue } from '../../test/studio-values.ts';
import { capabilities } from '../capabilities.ts';
import { keyProtectedData } from '../capability.ts';
import { createSecretBox, isStudioSealed } from '../crypto/secret-fields.ts';
import { studioSecrets } from '../studios/service.ts';
import { keyUsage } from './rotation.ts';
import { STUDIO_RESEAL_JOB, resealStudioValues } from './studio-reseal.ts';

/**
 * Delivery details, set names, proofing lists and shipping addresses are sealed under the
 * studio's key; an install upgraded from a release that sealed them under the master key still
 * reads those, and the scheduled job moves them under the studio key, once.
 */

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(databaseKinds())('re-sealing studio values under the studio key on %s', (database) => {
  let server: TestServer;
  let admin: TestClient;
  let photographer: TestClient;
  let studioId: string;
  let made: StudioValues;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { TRUST_PROXY: 'true' } });
    admin = (await signedInAdmin(server)).client;
    const signedIn = await signedInClient(server, 'photographer', 'reseal');
    photographer = signedIn.client;
    studioId = signedIn.user.studioId as string;
    made = await makeStudioValues(server, admin, photographer, studioId);
  });
  afterAll(async () => server?.close());
  const db = () => server.runtime.database.db;
  const masterBox = () => createSecretBox(server.runtime.keys);
  const rotationDeps = () => ({ db: db(), keys: server.runtime.keys, ...keyProtectedData(capabilities) });

  /** What the photographer, the client and the print order show: the same whichever key the values are under. */
  async function shown(): Promise<unknown> {
    const delivery = await photographer.json<{ delivery: { title: string; message: string; recipients: string[] }; sets: Array<{ name: string }> }>('GET', `/api/deliveries/${made.deliveryId}`);
    const selections = await photographer.json<{ lists: Array<{ name: string }> }>('GET', `/api/deliveries/${made.deliveryId}/proofing/selections`);
    const order = await photographer.json<{ order: { shipping: unknown } }>('GET', `/api/print-orders/${made.orderId}`);
    const opened = await openWithCode(clientFor(server), tokenOf(made.access.url), made.access.code);
    return {
      title: delivery.body.delivery.title,
      message: delivery.body.delivery.message,
      recipients: delivery.body.delivery.recipients,
      sets: delivery.body.sets.map((set) => set.name),
      lists: selections.body.lists.map((list) => list.name),
      shipping: order.body.order.shipping,
      clientTitle: opened.body.delivery.title,
    };
  }
  const expected = {
    title: 'Anna & Ben',
    message: 'Our wedding, with love',
    recipients: [recipient],
    sets: ['Ceremony'],
    lists: ['Grandma Rose'],
    shipping,
    clientTitle: 'Anna & Ben',
  };

  it('seals new values under the studio key: the master key alone opens none of them', async () => {
    for (const value of made.values) {
      const sealed = await storedValue(server, value);
      const column = declaredColumn(value.column);
      expect(column.studioSealed, value.column).toBe(true);
      expect(isStudioSealed(sealed), value.column).toBe(true);
      await expect(masterBox().open(sealed, column.purpose, column.associatedData(value.id)), value.column).rejects.toMatchObject({ code: 'integrity_check_failed' });
    }
    expect(await shown()).toEqual(expected);
  });

  it('reads values an older release sealed under the master key, and the scheduled job moves them under the studio key, once', async () => {
    const secrets = await studioSecrets({ db: db(), keys: server.runtime.keys }, studioId);
    // What the master key protects besides (the admin's TOTP seed …).
    const underMaster = async () => (await keyUsage(rotationDeps())).find((entry) => entry.active)?.secretFields ?? 0;
    const others = await underMaster();
    // Stand the studio on an older release: each value sealed under the master key.
    for (const value of made.values) {
      const column = declaredColumn(value.column);
      const plaintext = await secrets.open(await storedValue(server, value), column.purpose, column.associatedData(value.id));
      await setStoredValue(server, value, await masterBox().seal(plaintext, column.purpose, column.associatedData(value.id)));
    }
    expect(await underMaster()).toBe(others + made.values.length);
    expect(await shown()).toEqual(expected);

    // The job's schedule row, due now (it first ran when the server started, then waits a day).
    const schedule = await db().selectFrom('jobs').select(['status', 'run_after']).where('id', '=', `${STUDIO_RESEAL_JOB}:schedule`).executeTakeFirstOrThrow();
    expect(schedule.status).toBe('pending');
    expect(Number(schedule.run_after)).toBeGreaterThan(Date.now() + 60 * 60_000);
    await db().updateTable('jobs').set({ run_after: Date.now() }).where('id', '=', `${STUDIO_RESEAL_JOB}:schedule`).execute();
    const allStudioSealed = async () => (await Promise.all(made.values.map((value) => storedValue(server, value)))).every(isStudioSealed);
    await eventually(allStudioSealed);

    expect(await shown()).toEqual(expected);
    expect(await underMaster()).toBe(others);
    // Idempotent: nothing left to do.
    expect(await resealStudioValues(rotationDeps())).toEqual({ resealed: 0, failures: [] });
  });

  it('leaves a value it cannot open as it was, and names it', async () => {
    const value = made.values.find((entry) => entry.column === 'print_orders.details_sealed')!;
    const column = declaredColumn(value.column);
    // Sealed for another row: its associated data does not match this one.
    const misplaced = await masterBox().seal('{}', column.purpose, column.associatedData('another-order'));
    const before = await storedValue(server, value);
    await setStoredValue(server, value, misplaced);
    expect(await resealStudioValues(rotationDeps())).toEqual({ resealed: 0, failures: [{ item: `${value.column}/${value.id}`, code: 'integrity_check_failed' }] });
    expect(await storedValue(server, value)).toBe(misplaced);
    await setStoredValue(server, value, before);
  });
});
