import { createAuthDeps } from '../src/auth/deps.ts';
import { currentTotp } from '../src/auth/totp.ts';
import { createUser } from '../src/auth/users.ts';
import { ownedStudioId } from '../src/auth/users-repo.ts';
import type { UserRole } from '../src/db/tables.ts';
import { TestClient, waitForMail } from './client.ts';
import type { TestServer } from './harness.ts';

/** Accounts for tests: created through the same service the admin pages use, signed in over HTTP. */

let counter = 0;

export function uniqueEmail(label: string): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export async function createAccount(server: TestServer, role: UserRole, label: string = role): Promise<{ id: string; email: string; studioId: string | null }> {
  const auth = createAuthDeps(server.runtime);
  try {
    const user = await createUser(auth, { email: uniqueEmail(label), role }, { actorUserId: null }, { sendInvitation: false });
    return { id: user.id, email: user.email, studioId: await ownedStudioId(server.runtime.database.db, user.id) };
  } finally {
    await auth.limits.close();
  }
}

/** Requests a code, reads it from the outbox and verifies it: the whole emailed-code sign-in. */
export async function signInWithCode(client: TestClient, email: string): Promise<{ status: number; body: unknown }> {
  const mailsBefore = (await client.server.outbox()).length;
  const requested = await client.json('POST', '/api/auth/sign-in/code', { email });
  if (requested.status !== 202) throw new Error(`code request failed: ${requested.status}`);
  const [, code] = await waitForMail(client.server, email, /sign-in code is (\d{6})/, { after: mailsBefore });
  return client.json('POST', '/api/auth/sign-in/verify', { email, code });
}

export async function signedInClient(server: TestServer, role: UserRole, label?: string): Promise<{ client: TestClient; user: { id: string; email: string; studioId: string | null } }> {
  const user = await createAccount(server, role, label);
  const client = new TestClient(server, { ip: `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` });
  const result = await signInWithCode(client, user.email);
  if (result.status !== 200) throw new Error(`sign-in failed: ${result.status} ${JSON.stringify(result.body)}`);
  return { client, user };
}

/** Enrolls TOTP for a signed-in client and returns the secret and the recovery codes. */
export async function enrollTotp(client: TestClient): Promise<{ secret: string; recoveryCodes: string[] }> {
  const started = await client.json<{ secret: string }>('POST', '/api/account/totp/enrollment');
  if (started.status !== 200) throw new Error(`enrollment failed: ${started.status}`);
  const confirmed = await client.json<{ recoveryCodes: string[] }>('POST', '/api/account/totp/enrollment/confirm', { code: currentTotp(started.body.secret, Date.now()) });
  if (confirmed.status !== 200) throw new Error(`confirmation failed: ${confirmed.status} ${JSON.stringify(confirmed.body)}`);
  return { secret: started.body.secret, recoveryCodes: confirmed.body.recoveryCodes };
}

/** An admin who has enrolled TOTP, as every admin must before using the admin API. */
export async function signedInAdmin(server: TestServer): Promise<{ client: TestClient; user: { id: string; email: string } }> {
  const { client, user } = await signedInClient(server, 'admin');
  await enrollTotp(client);
  return { client, user };
}
