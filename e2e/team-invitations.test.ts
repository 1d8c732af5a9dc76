/**
 * Invitation links opened where someone is signed in, nothing stubbed. The invited person, signed
 * in with the invited address in their own studio, accepts and is working in the studio joined;
 * the same link again says they are a member already and opens the studio. Someone signed in
 * with another address hears whose the invitation is (masked) and is offered to sign out, after
 * which the link offers itself as to anybody. Every page passes axe.
 */
import { describe, expect, it } from 'vitest';
import { createAccount, signedInClient, uniqueEmail } from '../server/test/accounts.ts';
import type { TestClient } from '../server/test/client.ts';
import { waitForMail } from '../server/test/client.ts';
import { seriousViolations } from './axe.ts';
import { openPage } from './browser.ts';
import { signInWithEmailCode, unexpectedProblems, useServerAndBrowser } from './journeys.ts';

const env = useServerAndBrowser();

async function invitationLink(owner: TestClient, email: string): Promise<string> {
  const before = (await env.server.outbox()).length;
  expect((await owner.json('POST', '/api/studio/invitations', { email, role: 'editor' })).status).toBe(201);
  const [, link] = await waitForMail(env.server, email, /(http\S+\/invitations\/accept#token=[A-Za-z0-9_-]+)/, { after: before });
  return link as string;
}

const masked = (email: string) => `${email[0]}•••${email.slice(email.indexOf('@'))}`;

describe('invitation links in a signed-in browser', () => {
  it('accepts for the invited address and moves into the studio; the link again says they are a member and opens it', async () => {
    const { client: ownerApi, user: owner } = await signedInClient(env.server, 'photographer', 'invite-owner');
    const studioName = (await ownerApi.json<{ studios: Array<{ name: string }> }>('GET', '/api/me/studios')).body.studios[0]?.name ?? '';
    const invitee = await createAccount(env.server, 'photographer', 'invite-signed'); // owns a studio of their own
    const link = await invitationLink(ownerApi, invitee.email);

    const opened = await openPage(env.browser, `${env.origin}/sign-in`);
    const page = opened.page;
    try {
      await signInWithEmailCode(page, env.server, invitee.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(link);
      await expect.poll(() => page.getByTestId('invitation-offer').textContent()).toBe(`You’re invited to join ${studioName} as an editor`);
      // The token leaves the address bar, yet a reload still finds it (this tab keeps it).
      expect(page.url()).toBe(`${env.origin}/invitations/accept`);
      await page.reload();
      await expect.poll(() => page.getByTestId('invitation-offer').textContent()).toBe(`You’re invited to join ${studioName} as an editor`);
      expect(await page.getByTestId('invitation-address').textContent()).toBe(`The invitation is for your address, ${invitee.email}.`);
      expect(await seriousViolations(page), 'invitation offer').toEqual([]);
      await page.getByTestId('invitation-accept').click();
      await page.getByTestId('invitation-accepted').waitFor({ state: 'visible' });
      expect(await page.getByTestId('invitation-sign-in').count()).toBe(0);
      await page.getByTestId('invitation-open-joined').click();
      // The session acts in the studio joined: the switcher shows it, the editor's menu has no team.
      await expect.poll(() => page.getByTestId('studio-switcher').inputValue()).toBe(owner.studioId);
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team', exact: true }).count()).toBe(0);

      // Back in their own studio, the used link: they are a member, and it takes them there.
      await page.getByTestId('studio-switcher').selectOption(invitee.studioId ?? '');
      await expect.poll(() => page.getByTestId('studio-switcher').inputValue()).toBe(invitee.studioId);
      await page.goto(link);
      const member = page.getByTestId('invitation-already-member');
      await member.waitFor({ state: 'visible' });
      expect(await member.getByRole('heading').textContent()).toBe(`You are already a member of ${studioName}`);
      expect(await seriousViolations(page), 'already a member').toEqual([]);
      await page.getByTestId('invitation-open-studio').click();
      await page.waitForURL(`${env.origin}/`);
      await expect.poll(() => page.getByTestId('studio-switcher').inputValue()).toBe(owner.studioId);
      expect(unexpectedProblems(env.server, opened.problems).map((problem) => `${problem.message} ${problem.url ?? ''}`)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('tells another signed-in account whose the invitation is and offers to sign out, then offers it', async () => {
    const { client: ownerApi } = await signedInClient(env.server, 'photographer', 'invite-owner2');
    const inviteeEmail = uniqueEmail('invite-elsewhere');
    const link = await invitationLink(ownerApi, inviteeEmail);
    const bystander = await createAccount(env.server, 'photographer', 'invite-bystander');

    const opened = await openPage(env.browser, `${env.origin}/sign-in`);
    const page = opened.page;
    try {
      await signInWithEmailCode(page, env.server, bystander.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(link);
      const other = page.getByTestId('invitation-other-account');
      await other.waitFor({ state: 'visible' });
      expect(await page.getByTestId('invitation-address').textContent()).toBe(`The invitation is for ${masked(inviteeEmail)}.`);
      expect(await other.textContent()).toContain(`You are signed in as ${bystander.email}`);
      expect(await page.getByTestId('invitation-accept').count()).toBe(0);
      expect(await page.content()).not.toContain(inviteeEmail);
      expect(await seriousViolations(page), 'invitation for another address').toEqual([]);

      await page.getByTestId('invitation-sign-out').click();
      await page.getByTestId('invitation-accept').waitFor({ state: 'visible' });
      expect(await page.getByTestId('header-email').count()).toBe(0);
      await page.getByTestId('invitation-accept').click();
      await page.getByTestId('invitation-accepted').waitFor({ state: 'visible' });
      await page.getByTestId('invitation-sign-in').waitFor({ state: 'visible' });
      expect(unexpectedProblems(env.server, opened.problems).map((problem) => `${problem.message} ${problem.url ?? ''}`)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
