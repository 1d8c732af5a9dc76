import type { Kysely } from 'kysely';
import { expect } from 'vitest';
import { capabilities } from '../src/capabilities.ts';
import { keyProtectedData } from '../src/capability.ts';
import { type StudioSecretBox, createSecretBox } from '../src/crypto/secret-fields.ts';
import type { MasterKeyProvider } from '../src/crypto/master-keys.ts';
import type { SealedColumn } from '../src/db/key-protected.ts';
import type { TestClient } from './client.ts';
import { createDelivery, openedVisitor } from './deliveries.ts';
import type { TestServer } from './harness.ts';
import { photo } from './images.ts';
import { createLab, setStudioLabs, shipping } from './labs.ts';
import { uploaded } from './vault.ts';

/**
 * A studio's sealed values beyond its files, made through the API: a delivery's title, message
 * and recipient, a set's name, a client's proofing list, a print order's shipping address. Each
 * comes with where it is stored and a fragment of what it says, so a test can prove who can (and
 * who can no longer) open it — crypto-erase, and the re-sealing of older releases' values.
 */

export interface StudioValue {
  /** `table.column`, as key-protected.ts declares it. */
  column: string;
  id: string;
  /** Something the opened value says. */
  says: string;
}

export interface StudioValues {
  deliveryId: string;
  setId: string;
  listId: string;
  orderId: string;
  /** The delivery's link token and code, to open it as the client. */
  access: { url: string; code: string };
  values: StudioValue[];
}

export const recipient = 'anna.client@example.com';

/** The master-key box in a studio box's place: writes a value the way releases before studio sealing did. */
export function asEarlierReleases(keys: MasterKeyProvider): StudioSecretBox {
  const box = createSecretBox(keys);
  return {
    seal: (plaintext, purpose, associatedData) => box.seal(plaintext, purpose, associatedData),
    open: (sealed, purpose, associatedData) => box.open(sealed, purpose, associatedData),
    blindIndex: () => {
      throw new Error('Earlier releases kept no blind index.');
    },
  };
}

export async function makeStudioValues(server: TestServer, admin: TestClient, photographer: TestClient, studioId: string): Promise<StudioValues> {
  const file = await uploaded(photographer, await photo('jpeg'), { name: 'kiss.jpg' });
  const { delivery, access, token } = await createDelivery(photographer, { title: 'Anna & Ben', message: 'Our wedding, with love', recipients: [recipient], fileIds: [file.id] });
  const set = await photographer.json<{ sets: Array<{ id: string }> }>('POST', `/api/deliveries/${delivery.id}/sets`, { name: 'Ceremony', fileIds: [file.id] });
  expect(set.status, JSON.stringify(set.body)).toBe(200);
  expect((await photographer.json('PUT', `/api/deliveries/${delivery.id}/proofing`, { enabled: true, favouriteLimit: null })).status).toBe(200);
  const visitor = await openedVisitor(server, access);
  const list = await visitor.json<{ list: { id: string } }>('POST', `/api/d/${token}/proofing/lists`, { name: 'Grandma Rose' });
  expect(list.status, JSON.stringify(list.body)).toBe(201);
  const { lab } = await createLab(admin);
  await setStudioLabs(admin, studioId, [lab.id]);
  const order = await photographer.json<{ order: { id: string } }>('POST', '/api/print-orders', { labId: lab.id, lines: [{ fileId: file.id, sku: 'PRINT-8x10', finish: 'matte', quantity: 1 }], shipping });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  const setId = (set.body.sets[0] as { id: string }).id;
  return {
    deliveryId: delivery.id,
    setId,
    listId: list.body.list.id,
    orderId: order.body.order.id,
    access,
    values: [
      { column: 'deliveries.details_sealed', id: delivery.id, says: recipient },
      { column: 'delivery_sets.name_sealed', id: setId, says: 'Ceremony' },
      { column: 'delivery_proofing_lists.details_sealed', id: list.body.list.id, says: 'Grandma Rose' },
      { column: 'print_orders.details_sealed', id: order.body.order.id, says: shipping.postalCode },
    ],
  };
}

/** The column's declaration (key-protected.ts): its purpose and associated data. */
export function declaredColumn(name: string): SealedColumn {
  const column = keyProtectedData(capabilities).sealedColumns.find((entry) => entry.name === name);
  if (!column) throw new Error(`${name} is not declared`);
  return column;
}

/** What the database holds for the value: what a backup taken now would hold. */
// The four tables by name: a test reaches into the rows, as a backup would.
type AnyDb = Kysely<Record<string, Record<string, string>>>;

export async function storedValue(server: TestServer, value: StudioValue): Promise<string> {
  const [table, column] = value.column.split('.') as [string, string];
  const db = server.runtime.database.db as unknown as AnyDb;
  const row = await db.selectFrom(table).select(column).where('id', '=', value.id).executeTakeFirstOrThrow();
  return row[column] as string;
}

export async function setStoredValue(server: TestServer, value: StudioValue, sealed: string): Promise<void> {
  const [table, column] = value.column.split('.') as [string, string];
  const db = server.runtime.database.db as unknown as AnyDb;
  await db.updateTable(table).set({ [column]: sealed }).where('id', '=', value.id).execute();
}
