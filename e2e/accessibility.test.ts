/**
 * axe-core (through @axe-core/playwright) on the pages people meet first, served by the real
 * server with real data: sign-in, the library (also asking about a duplicate upload), a delivery, a new delivery with its photo
 * picker, the branding page, the header's menu on a phone, and the client's
 * page (the code form, the gallery, the lightbox, the download dialog) on a phone and a
 * desktop. Every rule axe has runs (WCAG 2.2 A/AA and its best practices); no serious or
 * critical violation may remain. Moderate and minor ones are not failures here.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { seriousViolations } from './axe.ts';
import { openPage, type OpenedPage } from './browser.ts';
import { signInWithEmailCode, useServerAndBrowser, waitForDecodedImages } from './journeys.ts';
import { type DeliveredShoot, type Device, brandAsLumiere, deliveredShoot, photoOf, scenes, succeeded, viewports } from './sample-shoot.ts';

const env = useServerAndBrowser();

let shoot: DeliveredShoot;

beforeAll(async () => {
  shoot = await deliveredShoot(env.server, 'a11y', { title: 'Anna & Tom', count: 3 });
  const { photographer } = shoot;
  await brandAsLumiere(photographer);
  await succeeded(photographer, 'POST', `/api/deliveries/${shoot.delivery.id}/sets`, { name: 'Ceremony', fileIds: shoot.files.slice(0, 2).map((file) => file.id) });
  // With proofing, the gallery's tiles and the lightbox carry hearts, and the selection panel shows.
  await succeeded(photographer, 'PUT', `/api/deliveries/${shoot.delivery.id}/proofing`, { enabled: true, favouriteLimit: 2 });
});

describe('accessibility (axe-core): no serious or critical violations', () => {
  it('on the sign-in page, the library, a delivery, a new delivery, the branding page and the header on a phone', async () => {
    const { page } = await openPage(env.browser, `${env.origin}/sign-in`, viewports.desktop);
    try {
      await page.getByTestId('sign-in-email').waitFor();
      expect(await seriousViolations(page), 'sign-in').toEqual([]);

      await signInWithEmailCode(page, env.server, shoot.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(`${env.origin}/library`);
      await waitForDecodedImages(page, 'file-grid', shoot.files.length);
      expect(await seriousViolations(page), 'library').toEqual([]);
      // A photo the library already holds, added again: the row asks Keep both or Skip.
      const again = scenes[0]!;
      await page.getByTestId('upload-input').setInputFiles([{ name: again.name, mimeType: 'image/jpeg', buffer: await photoOf(again) }]);
      await page.locator(`[data-testid="upload-row-${again.name}"][data-status="duplicate"]`).waitFor({ timeout: 30_000 });
      expect(await seriousViolations(page), 'library asking about a duplicate').toEqual([]);
      // With a selection, the bar of what can be done with it shows.
      await page.getByTestId(`file-select-${shoot.files[0]?.id}`).check();
      await page.getByTestId('selection-bar').waitFor();
      expect(await seriousViolations(page), 'library with a selection').toEqual([]);

      await page.goto(`${env.origin}/deliveries/${shoot.delivery.id}`);
      await page.getByTestId('gallery-editor').waitFor({ state: 'visible' });
      await waitForDecodedImages(page, 'delivery-files', shoot.files.length);
      expect(await seriousViolations(page), 'delivery').toEqual([]);

      // A new delivery from the Deliveries page, the photos picked there.
      await page.goto(`${env.origin}/deliveries/new`);
      await waitForDecodedImages(page, 'photo-picker', shoot.files.length);
      await page.getByTestId('photo-picker-select-all').click();
      expect(await seriousViolations(page), 'new delivery with the photo picker').toEqual([]);

      await page.goto(`${env.origin}/branding`);
      await page.getByTestId('branding-logo').waitFor();
      expect(await seriousViolations(page), 'branding').toEqual([]);

      // The header on a phone, its menu open.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.getByTestId('header-menu').click();
      await page.getByRole('link', { name: 'Portfolio', exact: true }).waitFor();
      expect(await seriousViolations(page), 'header menu on a phone').toEqual([]);
    } finally {
      await page.close();
    }
  });

  for (const device of ['phone', 'desktop'] as const satisfies Device[]) {
    it(`on the client's page on a ${device}: the code form, the gallery, the lightbox and the download dialog`, async () => {
      const client: OpenedPage = await openPage(env.browser, shoot.access.url, viewports[device]);
      const { page } = client;
      try {
        await page.getByLabel('Code', { exact: true }).waitFor();
        await page.getByTestId('client-logo').waitFor();
        expect(await seriousViolations(page), 'code form').toEqual([]);

        await page.getByLabel('Code', { exact: true }).fill(shoot.access.code);
        await page.getByRole('button', { name: 'Open' }).click();
        await page.getByTestId('gallery-cover').waitFor({ state: 'visible' });
        await waitForDecodedImages(page, 'gallery', shoot.files.length + 1);
        await page.getByTestId('proofing-panel').waitFor({ state: 'visible' });
        expect(await seriousViolations(page), 'gallery').toEqual([]);

        await page.getByRole('button', { name: `View ${shoot.files[1]?.name}` }).click();
        await page.getByTestId('lightbox').getByRole('button', { name: `Favourite ${shoot.files[1]?.name}`, pressed: false }).waitFor();
        expect(await seriousViolations(page), 'lightbox').toEqual([]);

        await page.getByTestId('lightbox-download').click();
        await page.getByRole('dialog', { name: `Download ${shoot.files[1]?.name}` }).waitFor();
        expect(await seriousViolations(page), 'download dialog').toEqual([]);
      } finally {
        await page.close();
      }
    });
  }
});
