import type { StudioRole } from '../src/db/tables.ts';
import { createAccount, signInWithCode, uniqueEmail } from './accounts.ts';
import { TestClient, waitForMail } from './client.ts';
import type { TestServer } from './harness.ts';

/** Studio members for tests: invited by an owner over HTTP, accepted from the emailed link, signed in. */

export async function inviteAndAccept(server: TestServer, owner: TestClient, email: string, role: StudioRole): Promise<{ token: string }> {
  const before = (await server.outbox()).length;
  const invited = await owner.json('POST', '/api/studio/invitations', { email, role });
  if (invited.status !== 201) throw new Error(`invitation failed: ${invited.status} ${JSON.stringify(invited.body)}`);
  const token = (await waitForMail(server, email, /\/invitations\/accept#token=([A-Za-z0-9_-]+)/, { after: before }))[1] ?? "";
  const accepted = await new TestClient(server, { ip: randomIp() }).json('POST', '/api/invitations/accept', { token });
  if (accepted.status !== 200) throw new Error(`acceptance failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { token };
}

function randomIp(): string {
  return `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
}

/**
 * A member of the owner's studio with `role`, signed in. `withOwnStudio`: the member is a
 * photographer with a studio of their own too (so their session acts in their own studio until
 * they switch); otherwise the account is made by accepting the invitation.
 */
export async function signedInMember(
  server: TestServer,
  owner: TestClient,
  role: StudioRole,
  options: { withOwnStudio?: boolean } = {},
): Promise<{ client: TestClient; user: { id: string; email: string } }> {
  const email = options.withOwnStudio ? (await createAccount(server, 'photographer', `member-${role}`)).email : uniqueEmail(`member-${role}`);
  await inviteAndAccept(server, owner, email, role);
  const client = new TestClient(server, { ip: randomIp() });
  const result = await signInWithCode(client, email);
  if (result.status !== 200) throw new Error(`sign-in failed: ${result.status}`);
  const me = await client.json<{ user: { id: string } }>('GET', '/api/me');
  return { client, user: { id: me.body.user.id, email } };
}
