/**
 * `npm run screenshots`: regenerates docs/screenshots/ — the client's gallery on a phone and on
 * a desktop, as a real server (fresh SQLite in a temporary directory) serves the built web app
 * (the npm script builds it first) to Debian's Chromium. The shoot, the sets and the studio's
 * branding are those of e2e/sample-shoot.ts; nothing is stubbed, so the pictures show what
 * clients get today.
 */
import fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../e2e/browser.ts';
import { waitForDecodedImages } from '../e2e/journeys.ts';
import { type Device, brandAsLumiere, deliveredShoot, succeeded, viewports } from '../e2e/sample-shoot.ts';
import { startTestServer } from '../server/test/harness.ts';

const OUT_DIR = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

/** The sets, in the scenes' order (capture time): four photos each. */
const SETS = ['Getting ready', 'Ceremony', 'Evening'] as const;

async function shoot(page: Page, name: string): Promise<void> {
  const file = `${OUT_DIR}${name}.png`;
  await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
  console.log(`wrote docs/screenshots/${name}.png`);
}

/** The client's page on one device: the code form, the cover, the photos in their sets, the lightbox. */
async function photograph(browser: Browser, device: Device, link: string, code: string, photoCount: number, lightboxOn: string): Promise<void> {
  const page = await browser.newPage({ ...viewports[device], colorScheme: 'light', reducedMotion: 'reduce' });
  try {
    await page.goto(link);
    await page.getByTestId('client-logo').evaluate((image: HTMLImageElement) => image.decode());
    await shoot(page, `client-code-${device}`);

    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByTestId('gallery-cover').waitFor({ state: 'visible' });
    await page.getByTestId('gallery-cover').locator('img').evaluate((image: HTMLImageElement) => image.decode());
    await shoot(page, `client-cover-${device}`);

    await page.evaluate(() => document.querySelector('[data-testid="gallery-sets"]')?.scrollIntoView({ block: 'start' }));
    await waitForDecodedImages(page, 'gallery-grid', photoCount);
    await page.mouse.move(0, 0); // no tile hovered
    await shoot(page, `client-gallery-${device}`);

    await page.getByRole('button', { name: `View ${lightboxOn}` }).click();
    await page.getByTestId('lightbox-image').evaluate((image: HTMLImageElement) => image.decode());
    await shoot(page, `client-lightbox-${device}`);
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  await fs.mkdir(OUT_DIR, { recursive: true });
  const server = await startTestServer({ database: 'sqlite' });
  let browser: Browser | undefined;
  try {
    const { photographer, files, delivery, access } = await deliveredShoot(server, 'screenshots', { title: 'Anna & Tom' });
    await brandAsLumiere(photographer);
    await succeeded(photographer, 'PATCH', `/api/deliveries/${delivery.id}`, {
      message: 'It was a joy to be part of your day. Here are your photos — I hope you love them as much as I do.',
      coverFileId: files[4]?.id, // the ceremony
    });
    for (const [index, name] of SETS.entries()) {
      await succeeded(photographer, 'POST', `/api/deliveries/${delivery.id}/sets`, { name, fileIds: files.slice(index * 4, index * 4 + 4).map((file) => file.id) });
    }
    browser = await launchBrowser();
    for (const device of ['phone', 'desktop'] as const) await photograph(browser, device, access.url, access.code, files.length, files[3]?.name ?? '');
  } finally {
    await browser?.close();
    await server.close();
  }
}

await main();
