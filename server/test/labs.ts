import { expect } from 'vitest';
import type { LabView } from '../src/labs/admin.ts';
import { type LabsDeps, createLabsDeps } from '../src/labs/deps.ts';
import type { LabRow } from '../src/labs/repo.ts';
import { createVaultDeps } from '../src/vault/deps.ts';
import { createVaultFiles } from '../src/vault/service.ts';
import { TestClient } from './client.ts';
import { nextIp } from './deliveries.ts';
import type { TestServer } from './harness.ts';
import type { ErrorAnswer } from './vault.ts';

/** The lab portal for tests: an admin's labs, a signed-in lab, rows moved in time, a shipping address. */

export type { LabView } from '../src/labs/admin.ts';

/** The lab session cookie's name on a server without TLS. */
export const LAB_COOKIE = 'sl_lab';

export const catalogue = [
  { sku: 'PRINT-8x10', name: 'Lustre print', size: '8×10 in', finishes: ['lustre', 'matte'] },
  { sku: 'CANVAS-16x20', name: 'Canvas', size: '16×20 in', finishes: [] },
];

export const shipping = {
  recipientName: 'Ada Lovelace',
  line1: '12 St James’s Square',
  line2: '',
  city: 'London',
  postalCode: 'SW1Y 4JH',
  region: '',
  country: 'United Kingdom',
  phone: '+44 20 7946 0000',
};

export async function createLab(admin: TestClient, body: Record<string, unknown> = {}): Promise<{ lab: LabView; pin: string }> {
  const answer = await admin.json<{ lab: LabView; pin: string } & Partial<ErrorAnswer>>('POST', '/api/admin/labs', {
    name: 'Fine Prints',
    contactEmails: [`lab-${Math.random().toString(36).slice(2, 8)}@example.com`],
    catalogue,
    ...body,
  });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body;
}

export async function setStudioLabs(admin: TestClient, studioId: string, labIds: string[], portalEnabled = true): Promise<void> {
  const answer = await admin.json('PUT', `/api/admin/studios/${studioId}/labs`, { portalEnabled, labIds });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
}

export function labVisitor(server: TestServer, ip: string = nextIp()): TestClient {
  return new TestClient(server, { ip });
}

export async function labSignIn(client: TestClient, labId: string, pin: string, deviceCode?: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  return client.json('POST', '/api/lab/sign-in', { labId, pin, ...(deviceCode ? { deviceCode } : {}) });
}

/** A lab signed in with its lab ID and PIN: holds the lab session cookie. */
export async function signedInLab(server: TestServer, lab: { labId: string }, pin: string, ip?: string): Promise<TestClient> {
  const client = labVisitor(server, ip);
  const answer = await labSignIn(client, lab.labId, pin);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(client.cookies.get(LAB_COOKIE)).toBeTruthy();
  return client;
}

export async function labRow(server: TestServer, id: string): Promise<LabRow> {
  return server.runtime.database.db.selectFrom('labs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Writes the row directly: how tests move a lab's lockout clock without waiting. */
export async function setLabRow(server: TestServer, id: string, changes: Partial<Omit<LabRow, 'id'>>): Promise<void> {
  await server.runtime.database.db.updateTable('labs').set(changes).where('id', '=', id).execute();
}

/** The labs' services over the test server's database, blobs, keys and outbox, for calls made with a moved clock. */
export async function withLabsDeps<T>(server: TestServer, changes: Partial<LabsDeps>, work: (deps: LabsDeps) => Promise<T>): Promise<T> {
  const base = createLabsDeps(server.runtime, createVaultFiles(createVaultDeps(server.runtime, () => undefined)));
  try {
    return await work({ ...base, ...changes });
  } finally {
    await base.limits.close();
  }
}
