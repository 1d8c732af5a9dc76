import type { Readable } from 'node:stream';
import { expect } from 'vitest';
import { simpleParser } from 'mailparser';
import { type Entry, fromBufferPromise } from 'yauzl';
import type { ClientDeliveryView, ClientFileView } from '../src/deliveries/client-files.ts';
import { type DeliveriesDeps, createDeliveriesDeps } from '../src/deliveries/deps.ts';
import type { DeliveryRow } from '../src/deliveries/repo.ts';
import type { DeliveryAccess, DeliveryEventView, DeliveryView } from '../src/deliveries/service.ts';
import { createVaultDeps } from '../src/vault/deps.ts';
import { createVaultFiles } from '../src/vault/service.ts';
import { TestClient } from './client.ts';
import type { TestServer } from './harness.ts';
import type { ErrorAnswer } from './vault.ts';

/**
 * Deliveries for tests: the photographer's calls, a client ("visitor") who holds a link and a
 * code, direct reads and writes of the delivery row (to move time without waiting), the
 * emails in the development outbox, and ZIPs read back.
 */

export type { DeliveryAccess, DeliveryEventView as DeliveryEvent, DeliveryView } from '../src/deliveries/service.ts';
export type { ClientDeliveryView as ClientDelivery, ClientFileView as ClientFile } from '../src/deliveries/client-files.ts';

/** The name of the client's session cookie on a server without TLS. */
export const DELIVERY_COOKIE = 'sl_delivery';

/** The token of a delivery link (`<public url>/d/<token>`). */
export function tokenOf(url: string): string {
  const match = /\/d\/([^/?#]+)$/.exec(url);
  if (!match?.[1]) throw new Error(`not a delivery link: ${url}`);
  return match[1];
}

/** Creates a delivery and expects success; the answer, plus the link's token. */
export async function createDelivery(
  client: TestClient,
  body: Record<string, unknown>,
): Promise<{ delivery: DeliveryView; access: DeliveryAccess; token: string }> {
  const answer = await client.json<{ delivery: DeliveryView; access: DeliveryAccess } & Partial<ErrorAnswer>>('POST', '/api/deliveries', body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return { ...answer.body, token: tokenOf(answer.body.access.url) };
}

export async function getDelivery(client: TestClient, id: string): Promise<{ delivery: DeliveryView; files: Array<{ id: string; name: string }> }> {
  const answer = await client.json<{ delivery: DeliveryView; files: Array<{ id: string; name: string }> }>('GET', `/api/deliveries/${id}`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
}

export async function listEvents(client: TestClient, id: string): Promise<DeliveryEventView[]> {
  const answer = await client.json<{ events: DeliveryEventView[] }>('GET', `/api/deliveries/${id}/events`);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.events;
}

let addresses = 0;

/** A fresh public-looking address per visitor, so the per-network code limit never couples tests. */
export function nextIp(): string {
  addresses += 1;
  return `198.18.${Math.floor(addresses / 250) % 250}.${(addresses % 250) + 1}`;
}

/** Someone holding a delivery link: no account, their own address (the server must trust X-Forwarded-For). */
export function clientFor(server: TestServer, ip: string = nextIp()): TestClient {
  return new TestClient(server, { ip });
}

export async function openWithCode(
  visitor: TestClient,
  token: string,
  code: string,
): Promise<{ status: number; body: { delivery: ClientDeliveryView } & Partial<ErrorAnswer>; headers: Headers }> {
  return visitor.json('POST', `/api/d/${token}/open`, { code });
}

/** A visitor who entered the right code: holds the delivery's session cookie. */
export async function openedVisitor(server: TestServer, access: DeliveryAccess, ip?: string): Promise<TestClient> {
  const visitor = clientFor(server, ip);
  const answer = await openWithCode(visitor, tokenOf(access.url), access.code);
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  expect(visitor.cookies.get(DELIVERY_COOKIE)).toBeTruthy();
  return visitor;
}

export async function listFiles(
  visitor: TestClient,
  token: string,
): Promise<{ status: number; body: { delivery: ClientDeliveryView; files: ClientFileView[] } & Partial<ErrorAnswer> }> {
  return visitor.json('GET', `/api/d/${token}/files`);
}

/** The signed download link of one file, as the delivery page asks for it. */
export async function clientDownloadUrl(visitor: TestClient, token: string, fileId: string): Promise<string> {
  const answer = await visitor.json<{ url: string; expiresAt: string } & Partial<ErrorAnswer>>('POST', `/api/d/${token}/files/${fileId}/download-url`, {});
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.url;
}

/** `"<status> <error code>"` of a response (reads its body), or `"<status>"` for one without an error. */
export async function outcome(response: Response): Promise<string> {
  const text = await response.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as Partial<ErrorAnswer>).error?.code;
  } catch {
    code = undefined;
  }
  return code ? `${response.status} ${code}` : String(response.status);
}

/** The same for an answer already parsed by TestClient.json. */
export function outcomeOf(answer: { status: number; body: unknown }): string {
  const code = (answer.body as Partial<ErrorAnswer> | null)?.error?.code;
  return code ? `${answer.status} ${code}` : String(answer.status);
}

export async function deliveryRow(server: TestServer, id: string): Promise<DeliveryRow> {
  return server.runtime.database.db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Writes the row directly: how tests move a delivery's clock (expiry, lockouts) without waiting. */
export async function setDeliveryRow(server: TestServer, id: string, changes: Partial<Omit<DeliveryRow, 'id'>>): Promise<void> {
  await server.runtime.database.db.updateTable('deliveries').set(changes).where('id', '=', id).execute();
}

/**
 * The deliveries' services over the test server's own database, blobs, keys and outbox, for
 * calls made without HTTP: with a clock moved ahead (`now`), or a service wrapped to act in the
 * middle of a request. Their rate limits are their own, not the server's.
 */
export async function withDeliveriesDeps<T>(server: TestServer, changes: Partial<DeliveriesDeps>, work: (deps: DeliveriesDeps) => Promise<T>): Promise<T> {
  const base = createDeliveriesDeps(server.runtime, createVaultFiles(createVaultDeps(server.runtime, () => undefined)));
  try {
    return await work({ ...base, ...changes });
  } finally {
    await base.limits.close();
  }
}

// ——— Mail ———

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** The HTML part ('' when there is none). */
  html: string;
}

/** A message from the development outbox, read with mailparser: its subject, text part and HTML part. */
export async function parseMail(raw: string): Promise<Mail> {
  const parsed = await simpleParser(raw);
  const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
  return { to: to?.value[0]?.address ?? '', subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '' };
}

export async function mailsTo(server: TestServer, to: string): Promise<Mail[]> {
  return (await Promise.all((await server.outbox()).map(parseMail))).filter((mail) => mail.to === to);
}

/** Waits until `to` has received at least `count` messages whose subject or text matches. */
export async function waitForMails(server: TestServer, to: string, pattern: RegExp, count = 1): Promise<Mail[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = (await mailsTo(server, to)).filter((mail) => pattern.test(mail.subject) || pattern.test(mail.text));
    if (found.length >= count) return found;
    if (Date.now() > deadline) throw new Error(`${found.length} of ${count} mails to ${to} matching ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

// ——— ZIP ———

async function readStream(stream: Readable): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(piece as Buffer);
  return Buffer.concat(pieces);
}

/** Every entry of a ZIP, in order, read back with yauzl (which checks CRCs and sizes). */
export async function readZip(bytes: Buffer): Promise<Array<{ name: string; bytes: Buffer }>> {
  const zip = await fromBufferPromise(bytes, { lazyEntries: true, validateEntrySizes: true });
  const entries: Entry[] = await new Promise((resolve, reject) => {
    const found: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      found.push(entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(found));
    zip.on('error', reject);
    zip.readEntry();
  });
  const files: Array<{ name: string; bytes: Buffer }> = [];
  for (const entry of entries) files.push({ name: entry.fileName, bytes: await readStream(await zip.openReadStreamPromise(entry)) });
  zip.close();
  return files;
}
