/**
 * The web app shows each studio member what their role allows, nothing stubbed. An owner invites
 * a viewer and an editor from the team page; each invitation's page names the studio and the role before it is accepted. The viewer (who owns a studio of their own too)
 * switches into the owner's studio and finds no upload, trash, deliveries or team there, gets a
 * preview rather than an original, and a direct visit to a forbidden page says why instead of
 * failing. The editor uploads, but sees no team management and no trash; when the owner makes
 * them a viewer, the next refusal brings the page up to date.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createAccount, signedInClient, uniqueEmail } from '../server/test/accounts.ts';
import { waitForMail } from '../server/test/client.ts';
import { photo } from '../server/test/images.ts';
import { uploaded } from '../server/test/vault.ts';
import { openPage } from './browser.ts';
import { signInWithEmailCode, unexpectedProblems, useServerAndBrowser } from './journeys.ts';

const env = useServerAndBrowser();

/** The labels of the header's main menu. */
async function menu(page: Page): Promise<string[]> {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
}

async function inviteFromTeamPage(page: Page, email: string, role: 'viewer' | 'editor'): Promise<string> {
  await page.getByTestId('invite-email').fill(email);
  await page.getByTestId('invite-role').selectOption(role);
  const before = (await env.server.outbox()).length;
  await page.getByTestId('invite-submit').click();
  await expect.poll(() => page.getByTestId('invite-news').textContent()).toContain(email);
  const [, link] = await waitForMail(env.server, email, /(http\S+\/invitations\/accept#token=[A-Za-z0-9_-]+)/, { after: before });
  return link as string;
}

async function acceptAndSignIn(page: Page, link: string, email: string, role: 'viewer' | 'editor'): Promise<void> {
  await page.goto(link);
  // Before the click, the page names the studio and the role offered.
  await expect.poll(() => page.getByTestId('invitation-offer').textContent()).toMatch(new RegExp(`^You’re invited to join .+ as an? ${role}$`));
  await page.getByTestId('invitation-accept').click();
  await page.getByTestId('invitation-accepted').waitFor({ state: 'visible' });
  await signInWithEmailCode(page, env.server, email);
  // Signed in: the header is there (in two studios, the switcher takes the email's place).
  await page.getByTestId('sign-out').waitFor({ state: 'visible' });
}

/** A direct visit to a page the role may not open: the plain refusal, and no request refused on the way. */
async function expectRefusedPage(page: Page, path: string, text: string): Promise<void> {
  await page.goto(`${env.origin}${path}`);
  await expect.poll(() => page.getByTestId('role-refusal').textContent()).toContain(text);
}

describe('studio roles in the web app', () => {
  it('shows a viewer and an editor only what their role allows, and follows a studio switch and a role change', async () => {
    const { client: ownerApi, user: owner } = await signedInClient(env.server, 'photographer', 'roles-owner');
    const shot = await uploaded(ownerApi, await photo('jpeg', { width: 320, height: 240 }), { name: 'roles-first.jpg' });
    const viewer = await createAccount(env.server, 'photographer', 'roles-viewer'); // owns a studio of their own too
    const editorEmail = uniqueEmail('roles-editor');

    const ownerPage = (await openPage(env.browser, `${env.origin}/sign-in`)).page;
    let viewerLink: string;
    let editorLink: string;
    try {
      await signInWithEmailCode(ownerPage, env.server, owner.email);
      await ownerPage.getByTestId('header-email').waitFor({ state: 'visible' });
      expect(await menu(ownerPage)).toEqual(['Library', 'Deliveries', 'Prints', 'Images', 'Portfolio', 'Branding', 'Team', 'Account', 'Audit']);
      await ownerPage.getByRole('link', { name: 'Team', exact: true }).click();
      viewerLink = await inviteFromTeamPage(ownerPage, viewer.email, 'viewer');
      editorLink = await inviteFromTeamPage(ownerPage, editorEmail, 'editor');
    } finally {
      await ownerPage.close();
    }

    const asViewer = await openPage(env.browser, `${env.origin}/sign-in`);
    try {
      const page = asViewer.page;
      await acceptAndSignIn(page, viewerLink, viewer.email, 'viewer');
      // Their own studio first, where they are the owner.
      expect(await menu(page)).toContain('Team');
      await page.getByTestId('studio-switcher').selectOption(owner.studioId ?? '');
      await expect.poll(() => menu(page)).toEqual(['Library', 'Account']);
      expect(await page.getByTestId('home-deliveries').count()).toBe(0);
      expect(await page.getByTestId('home-team').count()).toBe(0);

      await page.getByRole('link', { name: 'Library', exact: true }).click();
      await page.getByTestId(`file-tile-${shot.id}`).waitFor({ state: 'visible' });
      await expect.poll(() => page.getByTestId('library-role-note').textContent()).toContain('Your role (viewer) cannot upload');
      expect(await page.getByTestId('upload-input').count()).toBe(0);
      expect(await page.getByTestId(`file-select-${shot.id}`).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'New album' }).count()).toBe(0);

      await page.getByTestId(`file-tile-${shot.id}`).getByRole('link').click();
      const download = page.getByTestId('viewer-download');
      await download.waitFor({ state: 'visible' });
      expect(await download.textContent()).toBe('Download preview');
      for (const hidden of ['viewer-delete', 'viewer-move', 'viewer-add-album', 'viewer-publish-web']) expect(await page.getByTestId(hidden).count(), hidden).toBe(0);
      expect(await page.getByTestId('viewer-role-note').textContent()).toContain('Your role (viewer) cannot download originals');
      await page.getByTestId('viewer-image').waitFor({ state: 'visible', timeout: 30_000 }); // the preview is made
      const [saved] = await Promise.all([page.waitForEvent('download'), download.click()]);
      expect(saved.suggestedFilename()).toBe('roles-first-preview.webp');
      expect(saved.url()).toContain(`/api/files/${shot.id}/preview?`);

      await expectRefusedPage(page, '/deliveries', 'Your role (viewer) cannot work on client deliveries');
      await expectRefusedPage(page, '/studio/members', 'Your role (viewer) cannot manage the studio’s team');
      await expectRefusedPage(page, '/images', 'Your role (viewer) cannot use the image service');
      await expectRefusedPage(page, '/print-orders', 'Your role (viewer) cannot order prints');
      await expectRefusedPage(page, '/portfolio', 'Your role (viewer) cannot publish');
      await page.goto(`${env.origin}/library/trash`);
      await expect.poll(() => page.getByTestId('trash-role-note').textContent()).toContain('Your role (viewer) cannot empty the trash');
      // Nothing the server refused: the app never asked.
      expect(unexpectedProblems(env.server, asViewer.problems).map((problem) => `${problem.message} ${problem.url ?? ''}`)).toEqual([]);
    } finally {
      await asViewer.page.close();
    }

    const asEditor = await openPage(env.browser, `${env.origin}/sign-in`);
    try {
      const page = asEditor.page;
      await acceptAndSignIn(page, editorLink, editorEmail, 'editor');
      expect(await menu(page)).toEqual(['Library', 'Deliveries', 'Prints', 'Images', 'Portfolio', 'Branding', 'Account', 'Audit']);
      expect(await page.getByTestId('home-team').count()).toBe(0);
      await page.getByRole('link', { name: 'Library', exact: true }).click();
      const upload = { name: 'roles-editor.jpg', mimeType: 'image/jpeg', buffer: await photo('jpeg', { width: 300, height: 200 }) };
      await page.getByTestId('upload-input').setInputFiles([upload]);
      await page.locator('[data-testid="upload-row-roles-editor.jpg"][data-status="done"]').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('library-role-note').count()).toBe(0);

      await page.getByTestId(`file-select-${shot.id}`).check();
      await page.getByTestId('selection-bar').waitFor({ state: 'visible' });
      for (const shown of ['bulk-deliver', 'bulk-order-prints', 'bulk-move', 'bulk-add-album']) expect(await page.getByTestId(shown).count(), shown).toBe(1);
      expect(await page.getByTestId('bulk-delete').count()).toBe(0);
      expect(await page.getByTestId('selection-role-note').textContent()).toContain('Your role (editor) cannot move photos to the trash');

      await page.goto(`${env.origin}/library/files/${shot.id}`);
      await page.getByTestId('viewer-download').waitFor({ state: 'visible' });
      expect(await page.getByTestId('viewer-download').textContent()).toBe('Download original');
      expect(await page.getByTestId('viewer-move').count()).toBe(1);
      expect(await page.getByTestId('viewer-delete').count()).toBe(0);

      await expectRefusedPage(page, '/studio/members', 'Your role (editor) cannot manage the studio’s team');
      expect(await page.getByTestId('invite-email').count()).toBe(0);
      expect(unexpectedProblems(env.server, asEditor.problems).map((problem) => `${problem.message} ${problem.url ?? ''}`)).toEqual([]);

      // The owner makes them a viewer while the page is open: the first refusal re-reads the role.
      const editorId = (await env.server.runtime.database.db.selectFrom('users').select('id').where('email', '=', editorEmail).executeTakeFirstOrThrow()).id;
      expect((await ownerApi.json('PATCH', `/api/studio/members/${editorId}`, { role: 'viewer' })).status).toBe(200);
      await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
      await expect.poll(() => page.getByTestId('role-refusal').textContent()).toContain('Your role (viewer) cannot work on client deliveries');
      await expect.poll(() => menu(page)).toEqual(['Library', 'Account']);
    } finally {
      await asEditor.page.close();
    }
  });

  it('explains an invitation link cut short or run on in words for people, not the request’s checks', async () => {
    const { page } = await openPage(env.browser, `${env.origin}/invitations/accept#token=G59oAw30oi`);
    try {
      await expect.poll(() => page.getByTestId('invitation-unusable').textContent()).toContain('incomplete or damaged');
      await page.goto(`${env.origin}/invitations/accept#token=${'A'.repeat(200)}`);
      await page.reload();
      await expect.poll(() => page.getByTestId('invitation-unusable').textContent()).toContain('incomplete or damaged');
      expect(await page.getByTestId('invitation-unusable').textContent()).not.toContain('body.token');
    } finally {
      await page.close();
    }
  });
});
