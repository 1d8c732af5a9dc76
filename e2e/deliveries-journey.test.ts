/**
 * A delivery as a photographer and a client really use it, nothing stubbed, in two browser
 * contexts that share nothing: the photographer delivers two photos from the library; the
 * client opens the link, gets the code wrong once, enters it, downloads one photo and the
 * ZIP (both byte-identical, the ZIP with a matching SHA-256 manifest); the photographer sees
 * all of it in the delivery's activity.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createAccount, signedInClient } from '../server/test/accounts.ts';
import { readZip } from '../server/test/deliveries.ts';
import { photo } from '../server/test/images.ts';
import { settled, uploaded } from '../server/test/vault.ts';
import { openPage } from './browser.ts';
import { signInWithEmailCode, unexpectedClientProblems, unexpectedProblems, useServerAndBrowser, waitForDecodedImages } from './journeys.ts';

const env = useServerAndBrowser();

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

async function downloaded(download: { path(): Promise<string | null> }): Promise<Buffer> {
  return fs.readFile((await download.path()) as string);
}

describe('deliveries, end to end', () => {
  it('delivers photos to a client who needs the code, and shows the photographer what the client did', async () => {
    const user = await createAccount(env.server, 'photographer', 'delivering');
    const shoot = [
      { name: 'first-dance.jpg', mimeType: 'image/jpeg', buffer: await photo('jpeg', { width: 1200, height: 800, exif: true }) },
      { name: 'toast.png', mimeType: 'image/png', buffer: await photo('png', { width: 900, height: 600 }) },
    ];
    const photographer = await openPage(env.browser, `${env.origin}/sign-in`);
    const { page } = photographer;
    let link: string;
    let code: string;
    try {
      await signInWithEmailCode(page, env.server, user.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(`${env.origin}/library`);
      await page.getByTestId('upload-input').setInputFiles(shoot);
      for (const file of shoot) await page.locator(`[data-testid="upload-row-${file.name}"][data-status="done"]`).waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-grid"] img').length === 2, undefined, { timeout: 30_000 });

      for (const checkbox of await page.locator('[data-testid^="file-select-"]').all()) await checkbox.check();
      await page.getByRole('button', { name: 'Deliver…' }).click();
      await page.getByLabel('Title').fill('Anna & Tom — the wedding');
      await page.getByLabel('Message').fill('Thank you both!\nYour photos are here.');
      await page.getByRole('button', { name: 'Create delivery' }).click();
      await page.getByTestId('delivery-created').waitFor({ state: 'visible' });
      link = ((await page.getByLabel('Delivery link').textContent()) ?? '').trim();
      code = ((await page.getByLabel('Delivery code').textContent()) ?? '').trim();
      expect(link).toMatch(new RegExp(`^${env.origin}/d/[A-Za-z0-9_-]{43}$`));
      expect(code).toMatch(/^\d{8}$/);
      await page.getByRole('link', { name: 'Go to the delivery' }).click();
      await page.getByRole('table', { name: 'Activity' }).waitFor({ state: 'visible' });
    } catch (error) {
      await page.close();
      throw error;
    }

    // The client: another browser context, no account, only the link and the code.
    const client = await openPage(env.browser, link);
    try {
      const clientPage = client.page;
      const codeField = clientPage.getByLabel('Code', { exact: true });
      await codeField.waitFor({ state: 'visible' });
      const wrong = code === '00000000' ? '11111111' : '00000000';
      await codeField.fill(wrong);
      await clientPage.getByRole('button', { name: 'Open' }).click();
      await expect.poll(() => clientPage.getByTestId('delivery-code-error').textContent()).toMatch(/4 attempts left/);
      await codeField.fill(code);
      await clientPage.getByRole('button', { name: 'Open' }).click();
      const gallery = clientPage.getByTestId('gallery');
      await gallery.getByRole('heading', { level: 1, name: 'Anna & Tom — the wedding' }).waitFor({ state: 'visible' });
      // The cover and the two photos.
      await waitForDecodedImages(clientPage, 'gallery', 3);

      await clientPage.getByRole('button', { name: 'Download first-dance.jpg' }).click();
      const [single] = await Promise.all([clientPage.waitForEvent('download'), clientPage.getByTestId('download-dialog-submit').click()]);
      expect(single.suggestedFilename()).toBe('first-dance.jpg');
      expect(sha256(await downloaded(single))).toBe(sha256(shoot[0]!.buffer));

      const [all] = await Promise.all([clientPage.waitForEvent('download'), clientPage.getByRole('link', { name: 'Download all (ZIP)' }).click()]);
      expect(all.suggestedFilename()).toBe('Anna & Tom — the wedding.zip');
      // The photographer's order (here: the order of selection); the manifest comes last.
      const entries = await readZip(await downloaded(all));
      const manifest = entries.pop();
      expect(manifest?.name).toBe('SHA256SUMS.txt');
      const byName = new Map(entries.map((entry) => [entry.name, sha256(entry.bytes)]));
      expect(byName).toEqual(new Map(shoot.map((file) => [file.name, sha256(file.buffer)])));
      expect(manifest?.bytes.toString('utf8')).toBe(entries.map((entry) => `${sha256(entry.bytes)}  ${entry.name}\n`).join(''));
      expect(unexpectedClientProblems(client.problems)).toEqual([]);
    } finally {
      await client.page.close();
    }

    try {
      await page.getByTestId('activity-refresh').click();
      const activity = page.getByRole('table', { name: 'Activity' });
      await expect.poll(() => activity.locator('tbody tr').count()).toBe(5);
      const rows = await activity.locator('tbody tr').allTextContents();
      expect(rows[0]).toMatch(/Downloaded all files as a ZIP/);
      expect(rows[1]).toMatch(/Downloaded first-dance\.jpg/);
      expect(rows[2]).toMatch(/Opened with the code/);
      expect(rows[3]).toMatch(/Wrong code entered/);
      expect(rows[4]).toMatch(/Delivery created/);
      // The client is described by browser and network, never an exact address.
      expect(rows[2]).toMatch(/Chrom/);
      expect(rows[2]).toMatch(/This machine|Local network|Network/);
      expect(unexpectedProblems(env.server, photographer.problems)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('creates a delivery from the Deliveries page, picking the photos there: by album, by name, all shown at once', async () => {
    const { client, user } = await signedInClient(env.server, 'photographer', 'picking');
    const ceremony = (await client.json<{ album: { id: string } }>('POST', '/api/vault/albums', { name: 'Ceremony' })).body.album.id;
    const files = [
      await uploaded(client, await photo('jpeg', { width: 600, height: 900 }), { name: 'vows-portrait.jpg', albumId: ceremony }),
      await uploaded(client, await photo('jpeg', { width: 1200, height: 800 }), { name: 'rings.jpg', albumId: ceremony }),
      await uploaded(client, await photo('png', { width: 900, height: 600 }), { name: 'toast.png' }),
    ];
    for (const file of files) await settled(client, file.id);
    const [portrait, rings, toast] = files.map((file) => file.id) as [string, string, string];

    const { page, problems } = await openPage(env.browser, `${env.origin}/sign-in`);
    try {
      await signInWithEmailCode(page, env.server, user.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.getByRole('link', { name: 'Deliveries', exact: true }).click();
      await page.getByTestId('new-delivery').click();
      await page.waitForURL(`${env.origin}/deliveries/new`);
      const picker = page.getByTestId('photo-picker');
      await waitForDecodedImages(page, 'photo-picker', 3);
      // A portrait thumbnail shows whole, not cropped to the square tile.
      const portraitImage = picker.locator('li', { has: page.getByTestId(`new-delivery-pick-${portrait}`) }).locator('img');
      await expect(portraitImage.evaluate((image: HTMLImageElement) => [getComputedStyle(image).objectFit, image.naturalHeight > image.naturalWidth])).resolves.toEqual([
        'contain',
        true,
      ]);

      // Nothing chosen yet: the form says so instead of creating an empty delivery.
      await page.getByLabel('Title').fill('Anna & Tom — picked');
      await page.getByRole('button', { name: 'Create delivery' }).click();
      await expect.poll(() => page.getByTestId('new-delivery-error').textContent()).toMatch(/Choose the photos to deliver first/);

      await page.getByTestId('photo-picker-search').fill('toast');
      await expect.poll(() => picker.getByRole('checkbox').count()).toBe(1);
      await page.getByTestId('photo-picker-select-all').click();
      await page.getByTestId('photo-picker-search').fill('');
      await page.getByTestId('photo-picker-album').selectOption({ label: 'Ceremony (2 photos)' });
      await expect.poll(() => picker.getByRole('checkbox').count()).toBe(2);
      await expect.poll(() => page.getByTestId('photo-picker-select-all').textContent()).toBe('Select all 2 photos shown');
      await page.getByTestId('photo-picker-select-all').click();
      await expect.poll(() => page.getByTestId('photo-picker-count').textContent()).toBe('3 photos chosen');
      await page.getByTestId(`new-delivery-pick-${rings}`).uncheck();
      await expect.poll(() => page.getByTestId('photo-picker-count').textContent()).toBe('2 photos chosen');

      await page.getByRole('button', { name: 'Create delivery' }).click();
      await page.getByTestId('delivery-created').waitFor({ state: 'visible' });
      await expect.poll(() => page.getByTestId('delivery-created').locator('.page-lead').textContent()).toMatch(/“Anna & Tom — picked”: 2 files/);
      await page.getByRole('link', { name: 'Go to the delivery' }).click();
      await waitForDecodedImages(page, 'delivery-files', 2);
      const delivered = await page.getByTestId('delivery-files').locator('> li').evaluateAll((items) => items.map((item) => item.getAttribute('data-testid')));
      expect(delivered.sort()).toEqual([`delivery-file-${portrait}`, `delivery-file-${toast}`].sort());
      expect(unexpectedProblems(env.server, problems)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('turns proofing on as the delivery is made, with a limit the form checks first', async () => {
    const { client: api, user } = await signedInClient(env.server, 'photographer', 'delivering-proofing');
    const jpeg = await photo('jpeg', { width: 320, height: 240 });
    const files = [await uploaded(api, jpeg, { name: 'first.jpg' }), await uploaded(api, jpeg, { name: 'second.jpg' })];
    const photographer = await openPage(env.browser, `${env.origin}/sign-in`);
    const { page } = photographer;
    try {
      await signInWithEmailCode(page, env.server, user.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(`${env.origin}/deliveries/new?files=${files.map((file) => file.id).join(',')}`);
      await page.getByLabel('Title').fill('Garden party');
      await expect(page.getByLabel('Choose up to (optional)').count()).resolves.toBe(0);
      await page.getByLabel('Let the client choose favourites').check();
      await page.getByLabel('Choose up to (optional)').fill('0');
      await page.getByRole('button', { name: 'Create delivery' }).click();
      await expect.poll(() => page.getByTestId('new-delivery-error').textContent()).toContain('a whole number from 1 to 10 000');
      await page.getByLabel('Choose up to (optional)').fill('3');
      await page.getByRole('button', { name: 'Create delivery' }).click();
      await expect.poll(() => page.getByTestId('delivery-proofing').textContent()).toBe('Proofing is on: your client can heart up to 3 photos and send you the list.');
      await page.getByRole('link', { name: 'Go to the delivery' }).click();
      await page.getByTestId('proofing-section').waitFor({ state: 'visible' });
      await expect(page.getByTestId('proofing-enabled').isChecked()).resolves.toBe(true);
      await expect(page.getByTestId('proofing-limit').inputValue()).resolves.toBe('3');
      expect(unexpectedProblems(env.server, photographer.problems)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
