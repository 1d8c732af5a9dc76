/**
 * The image service as a photographer uses it, nothing stubbed: publish a photo, create a
 * project and a key, copy the secret (and, without the Clipboard API, get it selected instead),
 * build a signed URL in the builder (the photo chosen by name from the published files) and see the image it answers — under the strict CSP, with
 * the usage charts on the page.
 */
import { describe, expect, it } from 'vitest';
import { createAccount } from '../server/test/accounts.ts';
import { photo } from '../server/test/images.ts';
import { seriousViolations } from './axe.ts';
import { openPage } from './browser.ts';
import { signInWithEmailCode, unexpectedProblems, useServerAndBrowser } from './journeys.ts';

const env = useServerAndBrowser();

describe('image service, end to end', () => {
  it('creates a project and a key, copies the secret, builds a URL and shows the image', async () => {
    const user = await createAccount(env.server, 'photographer', 'websites');
    const opened = await openPage(env.browser, `${env.origin}/sign-in`);
    const { page } = opened;
    try {
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.origin });
      await signInWithEmailCode(page, env.server, user.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });

      // A photo in the vault (uploaded through the API), marked for the web in its viewer.
      const jpeg = (await photo('jpeg', { width: 900, height: 600, exif: true })).toString('base64');
      const fileId = await page.evaluate(async (base64) => {
        const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
        const uploaded = await fetch('/api/vault/files', { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'portfolio.jpg' }, body: bytes });
        return ((await uploaded.json()) as { file: { id: string } }).file.id;
      }, jpeg);
      await page.goto(`${env.origin}/library/files/${fileId}`);
      await page.getByTestId('viewer-publish-web').click();
      const source = (await page.getByTestId('viewer-web-source').textContent()) ?? '';
      expect(source).toMatch(/^vault:[A-Za-z0-9_-]{22}$/);

      await page.goto(`${env.origin}/`);
      await page.getByTestId('home-images').click();
      // The slug follows the name as it is typed, until it is edited.
      const slugField = page.getByLabel('Slug (in every URL)');
      await page.getByLabel('Name').pressSequentially('Crème Site');
      expect(await slugField.inputValue()).toBe('creme-site');
      await slugField.fill('portfolio-site');
      await page.getByLabel('Name').fill('Portfolio site');
      expect(await slugField.inputValue()).toBe('portfolio-site');
      await page.getByTestId('create-image-project').click();
      await page.getByRole('heading', { level: 1, name: 'Portfolio site' }).waitFor({ state: 'visible' });

      // The allowlist editor says what is wrong as it is typed.
      await page.getByTestId('source-allowlist').fill('https://cdn.example.com/photos');
      await expect.poll(() => page.getByTestId('source-allowlist-problems').textContent()).toMatch(/Only a host name/);
      await page.getByTestId('source-allowlist').fill('cdn.example.com');
      await expect.poll(() => page.getByTestId('source-allowlist-problems').textContent()).toBe('');

      await page.getByLabel('Key name').fill('Production');
      await page.getByTestId('create-image-key').click();
      const secret = ((await page.getByTestId('image-secret-key').textContent()) ?? '').trim();
      expect(secret).toMatch(/^sk_[A-Za-z0-9_-]{43}$/);
      await page.getByTestId('copy-image-secret').click();
      await expect.poll(() => page.getByTestId('image-secret-shown').getByRole('status').textContent()).toBe('Copied.');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(secret);

      // Without the Clipboard API, the secret is selected so one keystroke copies it.
      await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true }));
      await page.getByTestId('copy-image-secret').click();
      expect(await page.evaluate(() => window.getSelection()?.toString().trim())).toBe(secret);
      await page.getByTestId('image-key-Production').waitFor({ state: 'visible' });
      await page.getByRole('button', { name: 'I have copied it' }).click();

      // The source chosen from the studio's published files, by name; free text stays for remote images
      // (typed before the secret, so no URL is built for a host this test does not serve).
      await page.getByLabel('Source', { exact: true }).fill('cdn.example.com/photo.jpg');
      expect(await page.getByTestId('builder-file').inputValue()).toBe('');
      await page.getByTestId('builder-file').selectOption({ label: 'portfolio.jpg' });
      expect(await page.getByLabel('Source', { exact: true }).inputValue()).toBe(source);
      expect(await seriousViolations(page), 'URL builder').toEqual([]);
      await page.getByLabel('Secret (sk_…)').fill(copied);
      await page.getByLabel('Width').fill('300');
      await page.getByLabel('Format').selectOption('webp');
      const url = ((await page.getByTestId('builder-url').textContent()) ?? '').trim();
      expect(url).toMatch(new RegExp(`^${env.origin}/api/v1/portfolio-site/w_300,f_webp,fit_cover/vault:`));
      await page.waitForFunction(
        () => {
          const preview = document.querySelector<HTMLImageElement>('[data-testid="builder-preview"]');
          return preview !== null && preview.complete && preview.naturalWidth === 300 && preview.currentSrc.includes('w_300');
        },
        undefined,
        { timeout: 30_000 },
      );
      const answer = await page.evaluate(async (address) => {
        const response = await fetch(address);
        return { type: response.headers.get('content-type'), cache: response.headers.get('cache-control') };
      }, url);
      expect(answer).toEqual({ type: 'image/webp', cache: expect.stringMatching(/^public, max-age=\d+, immutable$/) });

      await page.getByRole('button', { name: 'Refresh' }).click();
      await expect.poll(() => page.getByTestId('usage-totals').textContent()).toMatch(/[1-9]\d* served/);
      expect(await page.locator('.usage-chart canvas').count()).toBe(5);
      expect(unexpectedProblems(env.server, opened.problems)).toEqual([]);

      // A mistyped secret: the preview says why it shows no image, in the server's words.
      await page.getByLabel('Secret (sk_…)').fill(`${copied.slice(0, -2)}xx`);
      await expect.poll(() => page.getByTestId('builder-preview-problem').textContent(), { timeout: 30_000 }).toContain('signature');
    } finally {
      await page.close();
    }
  });
});
