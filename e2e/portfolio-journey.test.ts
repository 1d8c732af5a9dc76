/**
 * A public portfolio as a photographer and a visitor use it, nothing stubbed: create the
 * portfolio and a collection in the web app, choose library photos, preview them and publish;
 * open the public page in a fresh browser context on a phone viewport (no cookies, a real
 * phone's user agent), see every photo load under the strict CSP, open the lightbox and swipe
 * through it by keyboard; then see the impressions and views in the dashboard.
 */
import { describe, expect, it } from 'vitest';
import { createAccount } from '../server/test/accounts.ts';
import { photo } from '../server/test/images.ts';
import { openPage } from './browser.ts';
import { signInWithEmailCode, unexpectedProblems, useServerAndBrowser } from './journeys.ts';

const env = useServerAndBrowser();

const phone = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36';

describe('portfolio, end to end', () => {
  it('publishes a collection, shows it to a phone in a fresh context with a lightbox, and counts the visit', async () => {
    const user = await createAccount(env.server, 'photographer', 'portfolio');
    const opened = await openPage(env.browser, `${env.origin}/sign-in`);
    const { page } = opened;
    try {
      await signInWithEmailCode(page, env.server, user.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      // Three photos in the library (uploaded through the API), with camera data and GPS.
      for (let index = 0; index < 3; index++) {
        const jpeg = (await photo('jpeg', { width: 1200, height: 800, exif: true })).toString('base64');
        await page.evaluate(
          async ([base64, name]) => {
            const bytes = Uint8Array.from(atob(base64!), (char) => char.charCodeAt(0));
            await fetch('/api/vault/files', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-file-name': name! }, body: bytes });
          },
          [jpeg, `wedding-${index}.jpg`],
        );
      }

      await page.goto(`${env.origin}/`);
      await page.getByTestId('home-portfolio').click();
      const slug = `e2e-${Date.now().toString(36)}`;
      await page.getByLabel('Address (/p/…)').fill(slug);
      await page.getByLabel('Display name').fill('Ana Hensler');
      await page.getByLabel('Bio').fill('Weddings by the sea.');
      await page.getByTestId('save-portfolio-profile').click();
      await page.getByTestId('portfolio-public-link').waitFor({ state: 'visible' });

      await page.getByLabel('Title').fill('Seaside Weddings');
      await page.getByTestId('create-collection').click();
      const collection = page.getByTestId('portfolio-collection');
      await collection.waitFor({ state: 'visible' });
      // An empty collection has nothing to unpublish; without a watermark there is no position or opacity to set.
      expect(await collection.getByTestId('unpublish-selected').count()).toBe(0);
      const watermark = collection.getByTestId('collection-watermark');
      expect(await watermark.getByLabel('Opacity (%)').count()).toBe(0);
      await watermark.getByLabel('Text').fill('© Ana');
      await watermark.getByLabel('Opacity (%)').waitFor({ state: 'visible' });
      await watermark.getByLabel('Text').fill('');
      await watermark.getByLabel('Opacity (%)').waitFor({ state: 'detached' });
      await page.getByTestId('add-photos').click();
      const choices = page.getByTestId('choose-file');
      await expect.poll(() => choices.count(), { timeout: 30_000 }).toBe(3);
      for (let index = 0; index < 3; index++) await choices.nth(index).check();
      await page.getByRole('region', { name: /Preview/ }).waitFor({ state: 'visible' });
      await page.getByTestId('publish-chosen').click();
      await expect.poll(() => page.getByTestId('portfolio-photo').count()).toBe(3);
      await collection.getByTestId('unpublish-selected').waitFor({ state: 'visible' });
      // Reorder by keyboard-reachable buttons: the second photo moves first.
      await page.getByRole('button', { name: 'Move photo 2 earlier' }).click();
      await expect.poll(() => page.getByTestId('portfolio-photo').count()).toBe(3);
      const publicUrl = `${env.origin}/p/${slug}/seaside-weddings`;

      // A visitor: a fresh context, a phone's viewport, touch, no cookies.
      const visitor = await env.browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, userAgent: phone });
      try {
        const visit = await visitor.newPage();
        const problems: string[] = [];
        visit.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text());
        });
        visit.on('response', (response) => {
          if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
        });
        await visit.goto(publicUrl);
        await visit.getByRole('heading', { level: 1, name: 'Seaside Weddings' }).waitFor({ state: 'visible' });
        await visit.waitForFunction(
          () => {
            const images = [...document.querySelectorAll<HTMLImageElement>('.grid img')];
            return images.length === 3 && images.every((image) => image.complete && image.naturalWidth > 0);
          },
          undefined,
          { timeout: 60_000 },
        );
        // Dimensions are in the markup: nothing shifts as the images arrive.
        expect(await visit.locator('.grid img[width][height]').count()).toBe(3);
        // Served as a modern format the phone takes.
        const chosen = await visit.evaluate(() => document.querySelector<HTMLImageElement>('.grid img')!.currentSrc);
        expect(chosen).toMatch(/\/w(320|640|960|1280)\.(avif|webp)$/);
        expect(await visitor.cookies()).toEqual([]);
        // Impressions: the tiles stay in view for a second.
        await visit.waitForTimeout(1500);
        await visit.locator('a[data-photo]').first().click();
        const dialog = visit.getByRole('dialog', { name: 'Photo viewer' });
        await dialog.waitFor({ state: 'visible' });
        await visit.waitForFunction(() => {
          const image = document.querySelector<HTMLImageElement>('.lightbox img');
          return image !== null && image.complete && image.naturalWidth > 0;
        });
        await visit.keyboard.press('ArrowRight');
        await expect.poll(() => visit.locator('.lightbox .caption').textContent()).toBe('2 / 3');
        await visit.keyboard.press('Escape');
        await dialog.waitFor({ state: 'hidden' });
        // The beacon flushes within two seconds.
        await visit.waitForTimeout(2500);
        expect(problems).toEqual([]);
      } finally {
        await visitor.close();
      }

      await page.goto(`${env.origin}/portfolio/analytics`);
      await expect.poll(async () => Number(await page.getByTestId('total-views').textContent()), { timeout: 20_000, interval: 500 }).toBeGreaterThanOrEqual(2);
      expect(Number(await page.getByTestId('total-impressions').textContent())).toBeGreaterThanOrEqual(1);
      expect(Number(await page.getByTestId('total-page-views').textContent())).toBeGreaterThanOrEqual(1);
      expect(Number(await page.getByTestId('total-visitors').textContent())).toBe(1);
      expect(await page.locator('.usage-chart canvas').count()).toBe(2);
      expect(await page.getByTestId('analytics-not-counted').textContent()).toMatch(/bots.*DNT.*Sec-GPC/s);
      expect(unexpectedProblems(env.server, opened.problems)).toEqual([]);
    } finally {
      await page.close();
    }
  }, 180_000);
});
