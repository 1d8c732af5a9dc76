/**
 * The Team page asks before it takes someone out, nothing stubbed. It opens with a line on what
 * each role can do. Removing a member opens a dialog naming them and the studio; Escape closes it
 * with nothing done and focus back on the button; confirmed from the keyboard, the member goes.
 * Leaving names the studio too, and once confirmed the page starts afresh outside it. axe checks
 * the page with the dialog open.
 */
import { describe, expect, it } from 'vitest';
import { signedInClient, uniqueEmail } from '../server/test/accounts.ts';
import { inviteAndAccept } from '../server/test/teams.ts';
import { seriousViolations } from './axe.ts';
import { openPage } from './browser.ts';
import { signInWithEmailCode, unexpectedProblems, useServerAndBrowser } from './journeys.ts';

const env = useServerAndBrowser();

type Members = { members: Array<{ email: string }> };

describe('the Team page', () => {
  it('says what roles can do, and confirms a removal and leaving in an accessible dialog', async () => {
    const { client: ownerApi, user: owner } = await signedInClient(env.server, 'photographer', 'team-page-owner');
    const studioName = (await ownerApi.json<{ studios: Array<{ name: string }> }>('GET', '/api/me/studios')).body.studios[0]?.name ?? '';
    const editorEmail = uniqueEmail('team-page-editor');
    const coOwnerEmail = uniqueEmail('team-page-co-owner');
    await inviteAndAccept(env.server, ownerApi, editorEmail, 'editor');
    await inviteAndAccept(env.server, ownerApi, coOwnerEmail, 'owner'); // so the owner may leave
    const memberEmails = async () => (await ownerApi.json<Members>('GET', '/api/studio/members')).body.members.map((member) => member.email);

    const opened = await openPage(env.browser, `${env.origin}/sign-in`);
    const page = opened.page;
    try {
      await signInWithEmailCode(page, env.server, owner.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(`${env.origin}/studio/members`);
      const intro = await page.getByTestId('team-intro').textContent();
      expect(intro).toContain('Owner: everything, members and deletion included.');
      expect(intro).toContain('Editor: everything except members and deletion.');
      expect(intro).toContain('Viewer: browse the library and download previews');

      // Withdrawing a pending invitation asks first, naming whom it was for.
      const pendingEmail = uniqueEmail('team-page-pending');
      expect((await ownerApi.json('POST', '/api/studio/invitations', { email: pendingEmail, role: 'viewer' })).status).toBe(201);
      await page.reload();
      await page.getByTestId('invitations-list').getByTestId('invitation-revoke').click();
      const withdraw = page.getByRole('dialog', { name: `Withdraw the invitation to ${pendingEmail}?` });
      await withdraw.getByTestId('confirm-dialog-confirm').click();
      await withdraw.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('invitations-list').count()).toBe(0);

      const editorRow = page.getByTestId('member-row').filter({ hasText: editorEmail });
      // A role change says what it did; making an owner asks first.
      await editorRow.getByTestId('member-role').selectOption('viewer');
      await expect.poll(() => editorRow.getByTestId('member-role-changed').textContent()).toBe(`${editorEmail} is now a viewer.`);
      await editorRow.getByTestId('member-role').selectOption('owner');
      const promote = page.getByRole('dialog', { name: `Make ${editorEmail} an owner of ${studioName}?` });
      await promote.waitFor({ state: 'visible' });
      await page.keyboard.press('Escape');
      await promote.waitFor({ state: 'detached' });
      const roleOf = async (email: string) => (await ownerApi.json<{ members: Array<{ email: string; role: string }> }>('GET', '/api/studio/members')).body.members.find((member) => member.email === email)?.role;
      expect(await roleOf(editorEmail)).toBe('viewer');
      await expect.poll(() => editorRow.getByTestId('member-role').inputValue()).toBe('viewer');
      const remove = editorRow.getByTestId('member-remove');
      await remove.click();
      const dialog = page.getByRole('dialog', { name: `Remove ${editorEmail} from ${studioName}?` });
      await dialog.waitFor({ state: 'visible' });
      expect(await seriousViolations(page), 'removal dialog').toEqual([]);
      // Escape: nothing removed, focus back where it was.
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('member-remove');
      expect(await memberEmails()).toContain(editorEmail);

      // From the keyboard: Enter opens it, focus starts on Cancel, Tab reaches Remove.
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'visible' });
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'detached' });
      await expect.poll(() => page.getByTestId('member-row').filter({ hasText: editorEmail }).count()).toBe(0);
      expect(await memberEmails()).not.toContain(editorEmail);

      // Leaving: the studio named; confirmed, the account is outside it.
      await page.getByTestId('member-row').filter({ hasText: `${owner.email} (you)` }).getByTestId('member-remove').click();
      const leave = page.getByRole('dialog', { name: `Leave ${studioName}?` });
      await leave.waitFor({ state: 'visible' });
      await leave.getByTestId('confirm-dialog-confirm').click();
      await page.waitForURL(`${env.origin}/`);
      const me = await ownerApi.json<{ user: { studioId: string | null } }>('GET', '/api/me');
      expect(me.body.user.studioId).not.toBe(owner.studioId);
      expect(unexpectedProblems(env.server, opened.problems).map((problem) => `${problem.message} ${problem.url ?? ''}`)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('lets an editor, who has no Team page, leave the studio from Account › Studios, after a confirmation', async () => {
    const { client: ownerApi } = await signedInClient(env.server, 'photographer', 'studios-owner');
    const studioName = (await ownerApi.json<{ studios: Array<{ name: string }> }>('GET', '/api/me/studios')).body.studios[0]?.name ?? '';
    const editorEmail = uniqueEmail('studios-editor');
    await inviteAndAccept(env.server, ownerApi, editorEmail, 'editor');
    const memberEmails = async () => (await ownerApi.json<Members>('GET', '/api/studio/members')).body.members.map((member) => member.email);

    const opened = await openPage(env.browser, `${env.origin}/sign-in`);
    const page = opened.page;
    try {
      await signInWithEmailCode(page, env.server, editorEmail);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.getByRole('link', { name: 'Account', exact: true }).click();
      await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Studios' }).click();
      await page.waitForURL(`${env.origin}/account/studios`);
      const row = page.getByTestId('studio-row');
      await expect.poll(() => row.textContent()).toContain(`${studioName} · Editor · the one you work in now`);
      await row.getByTestId('studio-leave').click();
      const dialog = page.getByRole('dialog', { name: `Leave ${studioName}?` });
      await dialog.waitFor({ state: 'visible' });
      expect(await seriousViolations(page), 'leave dialog').toEqual([]);
      await dialog.getByTestId('confirm-dialog-confirm').click();
      await page.waitForURL(`${env.origin}/account/studios`);
      await page.getByTestId('studios-none').waitFor({ state: 'visible' });
      expect(await memberEmails()).not.toContain(editorEmail);
      expect(unexpectedProblems(env.server, opened.problems).map((problem) => `${problem.message} ${problem.url ?? ''}`)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
