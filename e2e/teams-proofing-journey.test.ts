/**
 * Proofing and studio teams as people use them, nothing stubbed. A client on a phone-sized
 * screen opens a delivery, hearts five photos and sends the selection; the photographer copies
 * the Lightroom / Capture One filter string from the delivery's page. An owner invites an
 * editor from the team page; the editor accepts the emailed link, signs in and uploads.
 */
import { describe, expect, it } from 'vitest';
import { signedInClient, uniqueEmail } from '../server/test/accounts.ts';
import { waitForMail } from '../server/test/client.ts';
import { createDelivery } from '../server/test/deliveries.ts';
import { photo } from '../server/test/images.ts';
import { uploaded } from '../server/test/vault.ts';
import { openPage } from './browser.ts';
import { signInWithEmailCode, unexpectedClientProblems, useServerAndBrowser } from './journeys.ts';

const env = useServerAndBrowser();

describe('proofing and teams, end to end', () => {
  it('lets a client on a phone heart five photos and send them, and the photographer copy the filter string', async () => {
    const { client: api, user } = await signedInClient(env.server, 'photographer', 'proofing-journey');
    const jpeg = await photo('jpeg', { width: 320, height: 240 });
    const files = [];
    for (let index = 1; index <= 6; index += 1) files.push(await uploaded(api, jpeg, { name: `DSC_00${10 + index}.jpg` }));
    const { delivery, access } = await createDelivery(api, { title: 'Garden party', fileIds: files.map((file) => file.id) });
    expect((await api.json('PUT', `/api/deliveries/${delivery.id}/proofing`, { enabled: true, favouriteLimit: 5 })).status).toBe(200);

    const client = await openPage(env.browser, access.url);
    const clientPage = client.page;
    try {
      await clientPage.setViewportSize({ width: 390, height: 844 });
      await clientPage.getByLabel('Code', { exact: true }).fill(access.code);
      await clientPage.getByRole('button', { name: 'Open' }).click();
      const panel = clientPage.getByTestId('proofing-panel');
      await panel.waitFor({ state: 'visible' });
      const gallery = clientPage.getByTestId('gallery');
      const heartOn = (file: { name: string }, pressed: boolean) => gallery.getByRole('button', { name: `Favourite ${file.name}`, exact: true, pressed });

      // A heart tapped before the list exists asks for the name, and counts once the list starts.
      const [first, ...others] = files.slice(0, 5);
      await heartOn(first!, false).click();
      await expect.poll(() => clientPage.evaluate(() => document.activeElement?.id)).toBe('proofing-name');
      await panel.getByLabel('Your name').fill('Anna');
      await panel.getByTestId('proofing-start').click();
      await heartOn(first!, true).waitFor({ state: 'visible' });

      // Three more from the gallery's tiles: on a touch-sized screen, each heart shows without hover and is big enough.
      for (const file of others.slice(0, 3)) {
        const heart = heartOn(file, false);
        const box = await heart.boundingBox();
        expect(box?.width).toBeGreaterThanOrEqual(44);
        expect(box?.height).toBeGreaterThanOrEqual(44);
        expect(await heart.evaluate((element) => Number(getComputedStyle(element).opacity))).toBeGreaterThan(0.5);
        await heart.click();
        await heartOn(file, true).waitFor({ state: 'visible' });
      }

      // The fifth from the lightbox.
      const last = others[3]!;
      await gallery.getByRole('button', { name: `View ${last.name}`, exact: true }).click();
      const lightbox = clientPage.getByTestId('lightbox');
      await lightbox.waitFor({ state: 'visible' });
      await lightbox.getByRole('button', { name: `Favourite ${last.name}`, exact: true, pressed: false }).click();
      await lightbox.getByRole('button', { name: `Favourite ${last.name}`, exact: true, pressed: true }).waitFor({ state: 'visible' });
      await lightbox.getByRole('button', { name: 'Close' }).click();
      await lightbox.waitFor({ state: 'hidden' });

      // A sixth heart is refused, and said so by the photos, not only in the panel far below.
      await heartOn(files[5]!, false).click();
      await expect.poll(() => clientPage.getByTestId('heart-refusal').textContent()).toContain('up to 5');
      expect(await heartOn(files[5]!, false).count()).toBe(1);

      // The panel lists only the chosen photos, each named in full, once.
      await expect.poll(() => panel.getByTestId('proofing-item').count()).toBe(5);
      expect(await panel.getByText(files[5]!.name, { exact: true }).count()).toBe(0);
      await expect.poll(() => panel.getByTestId('proofing-count').textContent()).toContain('5 chosen of up to 5');
      // A comment typed and not saved goes with the selection: Send saves it first.
      await panel.getByLabel(`Comment on ${first!.name}`).fill('Cover of the album, please!');
      await panel.getByTestId('proofing-submit').click();
      // Sending is final for the client: asked first.
      const confirm = clientPage.getByRole('dialog', { name: 'Send your 5 favourites to the photographer?' });
      await confirm.waitFor({ state: 'visible' });
      await confirm.getByTestId('confirm-dialog-confirm').click();
      await expect.poll(() => panel.getByTestId('proofing-news').textContent()).toContain('Sent to the photographer');
      const selections = await api.json<{ lists: Array<{ items: Array<{ fileId: string; comment: string | null }> }> }>('GET', `/api/deliveries/${delivery.id}/proofing/selections`);
      expect(selections.body.lists[0]?.items.find((item) => item.fileId === first!.id)?.comment).toBe('Cover of the album, please!');
      // The sixth heart's refusal (409) was the point; nothing else may have gone wrong.
      const refusedHeart = `/proofing/favourites/${files[5]!.id}`;
      expect(
        unexpectedClientProblems(client.problems)
          .filter((problem) => !(/\b409\b/.test(problem.message) && (problem.url ?? '').endsWith(refusedHeart)))
          .map((problem) => `${problem.message} ${problem.url ?? ''}`),
      ).toEqual([]);
    } finally {
      await clientPage.close();
    }
    await waitForMail(env.server, user.email, /Anna submitted a selection of 5 photos/);

    const photographer = await openPage(env.browser, `${env.origin}/sign-in`);
    const { page } = photographer;
    try {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.origin });
      await signInWithEmailCode(page, env.server, user.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(`${env.origin}/deliveries/${delivery.id}`);
      const selection = page.getByTestId('proofing-selection');
      await selection.waitFor({ state: 'visible' });
      const expected = 'DSC_0011 OR DSC_0012 OR DSC_0013 OR DSC_0014 OR DSC_0015';
      await expect.poll(() => selection.getByTestId('proofing-filter').textContent()).toBe(expected);
      await selection.getByTestId('proofing-copy-filter').click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
    } finally {
      await page.close();
    }
  });

  it('lets an owner invite an editor, who accepts the emailed link, signs in and uploads', async () => {
    const { user: owner } = await signedInClient(env.server, 'photographer', 'team-journey-owner');
    const editorEmail = uniqueEmail('team-journey-editor');
    const ownerPage = (await openPage(env.browser, `${env.origin}/sign-in`)).page;
    let link: string;
    try {
      await signInWithEmailCode(ownerPage, env.server, owner.email);
      await ownerPage.getByTestId('header-email').waitFor({ state: 'visible' });
      await ownerPage.getByRole('link', { name: 'Team', exact: true }).click();
      await ownerPage.getByTestId('invite-email').fill(editorEmail);
      await ownerPage.getByTestId('invite-role').selectOption('editor');
      const before = (await env.server.outbox()).length;
      await ownerPage.getByTestId('invite-submit').click();
      await expect.poll(() => ownerPage.getByTestId('invite-news').textContent()).toContain(editorEmail);
      const [, found] = await waitForMail(env.server, editorEmail, /(http\S+\/invitations\/accept#token=[A-Za-z0-9_-]+)/, { after: before });
      link = found as string;
    } finally {
      await ownerPage.close();
    }

    const editor = await openPage(env.browser, link);
    const page = editor.page;
    try {
      await page.getByTestId('invitation-accept').click();
      await page.getByTestId('invitation-accepted').waitFor({ state: 'visible' });
      await signInWithEmailCode(page, env.server, editorEmail);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      // An editor has no Team page in the menu.
      expect(await page.getByRole('link', { name: 'Team', exact: true }).count()).toBe(0);
      await page.goto(`${env.origin}/library`);
      const shot = { name: 'editor-upload.jpg', mimeType: 'image/jpeg', buffer: await photo('jpeg', { width: 300, height: 200 }) };
      await page.getByTestId('upload-input').setInputFiles([shot]);
      await page.locator('[data-testid="upload-row-editor-upload.jpg"][data-status="done"]').waitFor({ timeout: 30_000 });
    } finally {
      await page.close();
    }
    // The upload is in the owner's studio.
    const studioFiles = await env.server.runtime.database.db.selectFrom('vault_files').select('id').where('studio_id', '=', owner.studioId ?? '').execute();
    expect(studioFiles).toHaveLength(1);
  });
});
