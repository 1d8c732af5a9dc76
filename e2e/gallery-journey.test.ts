/**
 * The client gallery and the photographer's live edits, nothing stubbed: the photographer
 * delivers three photos from the library, sorts them by real capture time (the cameras ran on
 * different zones' clocks, with their offsets recorded), drags one, groups them in two sets;
 * the client — on a phone and on a desktop — meets the cover, jumps to a set, swipes (or
 * arrows) through the lightbox, downloads the web size, and comes back after closing the
 * browser without being asked the code again (the remembered device); then the photographer
 * adds a late photo to the live delivery and the client sees it. Then: trashing a delivered
 * photo warns first and Undo gives it back to the client; the studio's branding, set on the
 * Branding page, is what the client's page shows.
 */
import fs from 'node:fs/promises';
import sharp from 'sharp';
import type { Cookie, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createAccount } from '../server/test/accounts.ts';
import { DELIVERY_COOKIE } from '../server/test/deliveries.ts';
import type { UploadedFile } from '../server/test/vault.ts';
import { openPage, type OpenedPage } from './browser.ts';
import { signInWithEmailCode, unexpectedClientProblems, unexpectedProblems, useServerAndBrowser, waitForDecodedImages } from './journeys.ts';
import { type Device, LOGO_WIDTH, deliveredShoot, logoPng, viewports } from './sample-shoot.ts';

const env = useServerAndBrowser();

/** A JPEG taken at `at` on a camera whose clock ran at `offset`. */
async function takenAt(at: string, offset: string, shade: number, width = 1600, height = 1067): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: shade, g: 110, b: 220 - shade } } })
    .withExif({ IFD2: { DateTimeOriginal: at, OffsetTimeOriginal: offset } })
    .jpeg()
    .toBuffer();
}

async function tileOrder(page: Page): Promise<string[]> {
  return page.locator('[data-testid="gallery-grid"] [data-view-file] .visually-hidden').evaluateAll((nodes) => nodes.map((node) => (node.textContent ?? '').replace(/^View /, '')));
}

async function openGallery(link: string, code: string, device: Device): Promise<OpenedPage> {
  const client = await openPage(env.browser, link, viewports[device]);
  const { page } = client;
  await page.getByLabel('Code', { exact: true }).fill(code);
  await page.getByRole('button', { name: 'Open' }).click();
  await page.getByTestId('gallery-cover').waitFor({ state: 'visible' });
  return client;
}

function clientProblems(client: OpenedPage) {
  return unexpectedClientProblems(client.problems);
}

describe('the client gallery, end to end', () => {
  it('sorts, drags and sets on the photographer’s side; cover, sets, lightbox and web size on a phone and a desktop; a late photo appears', async () => {
    const user = await createAccount(env.server, 'photographer', 'gallery-journey');
    // Uploaded out of order. 04:00-05:00 is 09:00Z, 15:00+02:00 is 13:00Z, 20:00+02:00 is 18:00Z.
    const shoot = [
      { name: 'reception.jpg', mimeType: 'image/jpeg', buffer: await takenAt('2024:06:01 20:00:00', '+02:00', 40) },
      { name: 'getting-ready.jpg', mimeType: 'image/jpeg', buffer: await takenAt('2024:06:01 04:00:00', '-05:00', 120, 1067, 1600) },
      { name: 'ceremony.jpg', mimeType: 'image/jpeg', buffer: await takenAt('2024:06:01 15:00:00', '+02:00', 200, 2400, 1000) },
    ];
    const late = { name: 'late-dance.jpg', mimeType: 'image/jpeg', buffer: await takenAt('2024:06:01 22:00:00', '+02:00', 90) };
    const photographer = await openPage(env.browser, `${env.origin}/sign-in`);
    const { page } = photographer;
    let link: string;
    let code: string;
    let deliveryPath: string;
    try {
      await signInWithEmailCode(page, env.server, user.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(`${env.origin}/library`);
      await page.getByTestId('upload-input').setInputFiles(shoot);
      for (const file of shoot) await page.locator(`[data-testid="upload-row-${file.name}"][data-status="done"]`).waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-grid"] img').length === 3, undefined, { timeout: 30_000 });
      for (const checkbox of await page.locator('[data-testid^="file-select-"]').all()) await checkbox.check();
      await page.getByRole('button', { name: 'Deliver…' }).click();
      await page.getByLabel('Title').fill('Anna & Tom');
      await page.getByRole('button', { name: 'Create delivery' }).click();
      await page.getByTestId('delivery-created').waitFor({ state: 'visible' });
      link = ((await page.getByLabel('Delivery link').textContent()) ?? '').trim();
      code = ((await page.getByLabel('Delivery code').textContent()) ?? '').trim();
      await page.getByRole('link', { name: 'Go to the delivery' }).click();
      await page.getByTestId('gallery-editor').waitFor({ state: 'visible' });
      deliveryPath = new URL(page.url()).pathname;

      const names = () => page.locator('[data-testid="delivery-files"] > li .file-tile-name').allTextContents();
      await page.getByTestId('sort-captured').click();
      await expect.poll(names).toEqual(['getting-ready.jpg', 'ceremony.jpg', 'reception.jpg']);
      // Drag the reception before the ceremony, then back with the keyboard-friendly buttons.
      const tile = (name: string) => page.locator('[data-testid="delivery-files"] > li', { hasText: name });
      await tile('reception.jpg').dragTo(tile('ceremony.jpg'));
      await expect.poll(names).toEqual(['getting-ready.jpg', 'reception.jpg', 'ceremony.jpg']);
      await page.getByRole('button', { name: 'Later reception.jpg' }).click();
      await expect.poll(names).toEqual(['getting-ready.jpg', 'ceremony.jpg', 'reception.jpg']);

      await tile('getting-ready.jpg').getByRole('checkbox').check();
      await page.getByTestId('new-set-name').fill('Getting ready');
      await page.getByTestId('new-set-submit').click();
      await expect.poll(() => page.getByTestId('delivery-sets').textContent()).toMatch(/Getting ready \(1 photo\)/);
      await tile('ceremony.jpg').getByRole('checkbox').check();
      await tile('reception.jpg').getByRole('checkbox').check();
      await page.getByTestId('new-set-name').fill('Ceremony & party');
      await page.getByTestId('new-set-submit').click();
      await expect.poll(() => page.getByTestId('delivery-sets').textContent()).toMatch(/Ceremony & party \(2 photos\)/);
      await page.getByRole('button', { name: 'Make cover ceremony.jpg' }).click();
      await expect.poll(() => tile('ceremony.jpg').textContent()).toMatch(/Cover/);
    } catch (error) {
      await page.close();
      throw error;
    }

    for (const device of ['phone', 'desktop'] as const) {
      let remembered: Cookie[];
      const client = await openGallery(link, code, device);
      const clientPage = client.page;
      try {
        // The cover: the chosen photo, the title, the date; then the photos in their sets, in order.
        await expect(clientPage.getByTestId('gallery-cover').getAttribute('data-cover-file')).resolves.toBeTruthy();
        await expect(clientPage.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Anna & Tom');
        await expect(clientPage.getByTestId('gallery-cover').locator('time').textContent()).resolves.toMatch(/\d{4}/);
        await waitForDecodedImages(clientPage, 'gallery', 4);
        expect(await tileOrder(clientPage)).toEqual(['getting-ready.jpg', 'ceremony.jpg', 'reception.jpg']);
        const sets = clientPage.getByRole('navigation', { name: 'Sets' });
        await expect(sets.getByRole('button').allTextContents()).resolves.toEqual(['Getting ready', 'Ceremony & party']);
        // Each photo keeps its shape: the portrait is taller than it is wide, the panorama wider.
        const box = async (name: string) => (await clientPage.locator(`[data-view-file] .gallery-photo-frame`).nth(['getting-ready.jpg', 'ceremony.jpg', 'reception.jpg'].indexOf(name)).boundingBox())!;
        const portrait = await box('getting-ready.jpg');
        const panorama = await box('ceremony.jpg');
        expect(portrait.height / portrait.width).toBeCloseTo(1600 / 1067, 1);
        expect(panorama.width / panorama.height).toBeCloseTo(2.4, 1);

        await sets.getByRole('button', { name: 'Ceremony & party' }).click();
        await expect.poll(() => clientPage.evaluate(() => document.activeElement?.textContent)).toBe('Ceremony & party');
        await clientPage.getByRole('button', { name: 'View ceremony.jpg' }).click();
        const lightbox = clientPage.getByTestId('lightbox');
        await expect.poll(() => lightbox.locator('.lightbox-count').textContent()).toBe('2 of 3');
        if (device === 'phone') {
          // A swipe to the left: the next photo.
          const stage = (await clientPage.getByTestId('lightbox-stage').boundingBox())!;
          const y = stage.y + stage.height / 2;
          await clientPage.mouse.move(stage.x + stage.width * 0.8, y);
          await clientPage.mouse.down();
          await clientPage.mouse.move(stage.x + stage.width * 0.5, y, { steps: 5 });
          await clientPage.mouse.move(stage.x + stage.width * 0.2, y, { steps: 5 });
          await clientPage.mouse.up();
        } else {
          await clientPage.keyboard.press('ArrowRight');
        }
        await expect.poll(() => lightbox.locator('.lightbox-title').textContent()).toBe('reception.jpg');
        await expect.poll(() => lightbox.locator('.lightbox-count').textContent()).toBe('3 of 3');
        // Zoom (double click), then back.
        await clientPage.getByTestId('lightbox-stage').dblclick();
        await expect.poll(() => clientPage.getByTestId('lightbox-image').getAttribute('data-zoomed')).toBe('');
        await clientPage.keyboard.press('0');
        await expect.poll(() => clientPage.getByTestId('lightbox-image').getAttribute('data-zoomed')).toBeNull();

        // Download the web size from the lightbox.
        await lightbox.getByTestId('lightbox-download').click();
        const sizes = clientPage.getByRole('dialog', { name: 'Download reception.jpg' });
        await sizes.getByRole('radio', { name: /^Web size/ }).check();
        const [download] = await Promise.all([clientPage.waitForEvent('download'), sizes.getByTestId('download-dialog-submit').click()]);
        expect(download.suggestedFilename()).toBe('reception-web.jpg');
        const bytes = await fs.readFile((await download.path()) as string);
        expect(await sharp(bytes).metadata()).toMatchObject({ format: 'jpeg', width: 1600, height: 1067 });
        expect(clientProblems(client)).toEqual([]);

        // "Remember this device" was ticked: the browser closes, and later (the hour's session
        // gone, only the device cookie kept) the link opens the gallery without the code.
        remembered = (await clientPage.context().storageState()).cookies.filter((cookie) => cookie.name !== DELIVERY_COOKIE);
        expect(remembered.map((cookie) => cookie.name)).toEqual(['sl_delivery_device']);
      } finally {
        await clientPage.close();
      }
      const again = await openPage(env.browser, 'about:blank', { ...viewports[device], storageState: { cookies: remembered, origins: [] } });
      try {
        const [resumed] = await Promise.all([again.page.waitForResponse((response) => response.url().endsWith('/resume')), again.page.goto(link)]);
        expect(resumed.status()).toBe(200);
        await again.page.getByTestId('gallery-cover').waitFor({ state: 'visible' });
        await expect(again.page.getByLabel('Code', { exact: true }).count()).resolves.toBe(0);
        await waitForDecodedImages(again.page, 'gallery', 4);
        expect(clientProblems(again)).toEqual([]);
      } finally {
        await again.page.close();
      }
    }

    // A late photo, added while the delivery is live: the client sees it.
    const client = await openGallery(link, code, 'desktop');
    try {
      await page.goto(`${env.origin}/library`);
      await page.getByTestId('upload-input').setInputFiles([late]);
      await page.locator(`[data-testid="upload-row-${late.name}"][data-status="done"]`).waitFor({ timeout: 30_000 });
      await page.goto(`${env.origin}${deliveryPath}`);
      await page.getByTestId('add-files').click();
      const panel = page.getByTestId('add-files-panel');
      await panel.getByRole('checkbox').first().waitFor();
      await expect(panel.getByRole('checkbox').count()).resolves.toBe(1);
      await panel.getByRole('checkbox').check();
      await page.getByTestId('add-files-submit').click();
      await expect.poll(() => page.locator('[data-testid="delivery-files"] > li').count()).toBe(4);
      await page.getByTestId('activity-refresh').click();
      await expect.poll(() => page.getByRole('table', { name: 'Activity' }).textContent()).toMatch(/Added late-dance\.jpg/);

      // The client's open gallery picks it up when the tab comes back into view, or on a reload.
      await client.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await expect.poll(() => tileOrder(client.page), { timeout: 15_000 }).toEqual(['getting-ready.jpg', 'ceremony.jpg', 'reception.jpg', 'late-dance.jpg']);
      await expect(client.page.getByRole('navigation', { name: 'Sets' }).getByRole('button').allTextContents()).resolves.toEqual(['Getting ready', 'Ceremony & party', 'More photos']);
      expect(clientProblems(client)).toEqual([]);
      expect(unexpectedProblems(env.server, photographer.problems)).toEqual([]);
    } finally {
      await client.page.close();
      await page.close();
    }
  });

  it('asks before trashing a photo a live delivery shows, naming the delivery; the client loses it, and Undo gives it back', async () => {
    const shoot = await deliveredShoot(env.server, 'gallery-trash', { title: 'Mia & Leo', count: 2 });
    const [kept, delivered] = shoot.files as [UploadedFile, UploadedFile];
    const client = await openGallery(shoot.access.url, shoot.access.code, 'phone');
    const photographer = await openPage(env.browser, `${env.origin}/sign-in`);
    const { page } = photographer;
    const clientSees = async () => {
      await client.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      return tileOrder(client.page);
    };
    try {
      expect(await tileOrder(client.page)).toEqual([kept.name, delivered.name]);
      await signInWithEmailCode(page, env.server, shoot.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(`${env.origin}/library`);
      await page.getByTestId(`file-select-${delivered.id}`).check();
      await page.getByTestId('bulk-delete').click();
      // The warning (listFileUses) before anything goes: which live delivery's client would stop seeing it.
      const dialog = page.getByRole('dialog', { name: `Take “${delivered.name}” from a client?` });
      await expect.poll(() => dialog.getByTestId('trash-live-deliveries').textContent()).toMatch(/^This photo is in a live delivery\..*“Mia & Leo”$/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'detached' });
      await expect(page.getByTestId(`file-select-${delivered.id}`).count()).resolves.toBe(1);
      await page.getByTestId('bulk-delete').click();
      await dialog.getByRole('button', { name: 'Move to trash anyway' }).click();
      await expect.poll(() => page.getByTestId('library-status').textContent()).toMatch(`Moved “${delivered.name}” to the trash.`);
      await expect.poll(clientSees, { timeout: 15_000 }).toEqual([kept.name]);

      await page.getByTestId('undo-trash').click();
      await expect.poll(() => page.getByTestId('library-status').textContent()).toMatch(`Brought “${delivered.name}” back from the trash.`);
      await page.getByTestId(`file-select-${delivered.id}`).waitFor();
      await expect.poll(clientSees, { timeout: 15_000 }).toEqual([kept.name, delivered.name]);
      expect(clientProblems(client)).toEqual([]);
      expect(unexpectedProblems(env.server, photographer.problems)).toEqual([]);
    } finally {
      await client.page.close();
      await page.close();
    }
  });

  it('puts the studio’s name, accent colour, logo and signature, set on the Branding page, on the client’s page before and after the code', async () => {
    const shoot = await deliveredShoot(env.server, 'gallery-branding', { title: 'Engagement', count: 1 });
    const accent = { hex: '#8a3b5c', rgb: 'rgb(138, 59, 92)' };
    const photographer = await openPage(env.browser, `${env.origin}/sign-in`);
    const { page } = photographer;
    try {
      await signInWithEmailCode(page, env.server, shoot.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(`${env.origin}/branding`);
      await page.getByTestId('branding-name').fill('Studio Lumière');
      await page.getByTestId('branding-accent').fill(accent.hex);
      await page.getByLabel('Contact email').fill('hello@lumiere.example');
      await page.getByLabel('Signature (under every email)').fill('With love, Léa');
      await page.getByTestId('branding-save').click();
      await expect.poll(() => page.getByTestId('branding-status').textContent()).toBe('Saved. Your clients see it from now on.');
      await page.getByTestId('branding-logo-file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: await logoPng('Studio Lumière', accent.hex) });
      await expect.poll(() => page.getByTestId('branding-status').textContent()).toBe('Logo uploaded.');
      await page.getByTestId('branding-logo').waitFor();
      expect(unexpectedProblems(env.server, photographer.problems)).toEqual([]);
    } finally {
      await page.close();
    }

    const client = await openPage(env.browser, shoot.access.url, viewports.phone);
    try {
      const shows = async (where: string) => {
        const logo = client.page.getByTestId('client-logo');
        await expect.poll(() => logo.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth), { message: where }).toBe(LOGO_WIDTH);
        await expect(logo.getAttribute('alt'), where).resolves.toBe('Studio Lumière');
        // Scaled into the header (at most 70 % of the phone's width), never cut off by it.
        expect((await logo.boundingBox())?.width, where).toBeLessThanOrEqual(viewports.phone.viewport.width * 0.7);
        const shell = client.page.getByTestId('client-shell');
        await expect(shell.evaluate((element) => getComputedStyle(element).getPropertyValue('--color-accent')), where).resolves.toBe(accent.hex);
        await expect(client.page.getByTestId('client-contact').innerText(), where).resolves.toBe('With love, Léa\n\nhello@lumiere.example');
      };
      // Before the code: the page already looks like the studio's, its button in the studio's colour.
      await client.page.getByLabel('Code', { exact: true }).waitFor();
      await shows('before the code');
      await expect(client.page.getByRole('button', { name: 'Open' }).evaluate((button) => getComputedStyle(button).backgroundColor)).resolves.toBe(accent.rgb);
      await client.page.getByLabel('Code', { exact: true }).fill(shoot.access.code);
      await client.page.getByRole('button', { name: 'Open' }).click();
      await client.page.getByTestId('gallery-cover').waitFor({ state: 'visible' });
      await shows('in the gallery');
      await expect(client.page.getByTestId('gallery-cover').locator('.gallery-cover-studio').textContent()).resolves.toBe('Studio Lumière');
      expect(clientProblems(client)).toEqual([]);
    } finally {
      await client.page.close();
    }
  });
});
