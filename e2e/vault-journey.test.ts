/**
 * The vault as a photographer really uses it, nothing stubbed: sign in with an emailed code,
 * upload a folder's worth of photos with progress, watch the thumbnails arrive from the
 * preview jobs, open one, download the original byte-identical, and upload it again: refused
 * as a duplicate until the photographer chooses to keep both.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createAccount } from '../server/test/accounts.ts';
import { photo } from '../server/test/images.ts';
import type { Page } from 'playwright-core';
import { type PageProblem, openPage } from './browser.ts';
import { signInWithEmailCode, unexpectedProblems, useServerAndBrowser, waitForDecodedImages } from './journeys.ts';

const env = useServerAndBrowser();

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

/** The library's files, as the signed-in page's own session lists them. */
async function filesIn(page: Page): Promise<Array<{ name: string; sha256: string }>> {
  return page.evaluate(async () => {
    const response = await fetch('/api/vault/files?limit=200&sort=name&order=asc');
    return ((await response.json()) as { files: Array<{ name: string; sha256: string }> }).files;
  });
}

describe('vault, end to end', () => {
  it('uploads photos with progress, shows their thumbnails, downloads an original byte-identical, and asks before storing it twice', async () => {
    const user = await createAccount(env.server, 'photographer', 'vault');
    const shoot = [
      { name: 'ceremony-001.jpg', mimeType: 'image/jpeg', buffer: await photo('jpeg', { width: 1600, height: 1067, exif: true }) },
      { name: 'ceremony-002.png', mimeType: 'image/png', buffer: await photo('png', { width: 900, height: 600 }) },
      { name: 'portrait-003.webp', mimeType: 'image/webp', buffer: await photo('webp', { width: 800, height: 1200 }) },
    ];
    const { page, problems } = await openPage(env.browser, `${env.server.url}/sign-in`);
    try {
      await signInWithEmailCode(page, env.server, user.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });

      await page.goto(`${env.server.url}/library`);
      await page.getByTestId('library').waitFor({ state: 'visible' });
      await page.getByTestId('upload-input').setInputFiles(shoot);
      await page.getByTestId('upload-queue').waitFor({ state: 'visible' });
      for (const file of shoot) {
        await page.locator(`[data-testid="upload-row-${file.name}"][data-status="done"]`).waitFor({ timeout: 30_000 });
      }
      expect(await page.getByTestId('upload-progress-total').getAttribute('value')).toBe(await page.getByTestId('upload-progress-total').getAttribute('max'));

      // The preview jobs finish and every tile shows a real, decoded thumbnail.
      await waitForDecodedImages(page, 'file-grid', 3);

      await page.locator('[data-testid="file-grid"] a', { hasText: 'ceremony-001.jpg' }).click();
      await page.getByTestId('viewer-image').waitFor({ state: 'visible' });
      expect(await page.getByTestId('viewer-checksum').textContent()).toContain(sha256(shoot[0]!.buffer));
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('viewer-download').click()]);
      expect(download.suggestedFilename()).toBe('ceremony-001.jpg');
      const downloaded = await fs.readFile((await download.path()) as string);
      expect(sha256(downloaded)).toBe(sha256(shoot[0]!.buffer));
      await page.goto(`${env.server.url}/library`);
      await page.getByTestId('library').waitFor({ state: 'visible' });

      // The same photo again, under another name: not stored a second time unless asked.
      const again = { ...shoot[0]!, name: 'ceremony-001 (1).jpg' };
      await page.getByTestId('upload-input').setInputFiles([again]);
      const row = page.locator(`[data-testid="upload-row-${again.name}"][data-status="duplicate"]`);
      await row.waitFor({ timeout: 30_000 });
      expect(await row.getByTestId(`upload-duplicate-${again.name}`).textContent()).toBe('already in your library as ceremony-001.jpg');
      expect(await filesIn(page)).toHaveLength(3);
      await row.getByRole('button', { name: `Skip ${again.name}` }).click();
      await page.locator(`[data-testid="upload-row-${again.name}"][data-status="skipped"]`).waitFor();
      expect(await filesIn(page)).toHaveLength(3);
      // Added once more, and this time kept beside the first.
      await page.getByTestId('upload-input').setInputFiles([again]);
      await page.getByRole('button', { name: `Keep both ${again.name}` }).click();
      await page.locator(`[data-testid="upload-row-${again.name}"][data-status="done"]`).waitFor({ timeout: 30_000 });
      const files = await filesIn(page);
      expect(files.filter((file) => file.sha256 === sha256(again.buffer)).map((file) => file.name).toSorted()).toEqual(['ceremony-001 (1).jpg', 'ceremony-001.jpg']);
      // The refusals of the duplicate (409 duplicate_file) are the only failures the page saw.
      const refusedDuplicate = (problem: PageProblem) => (problem.url?.startsWith(`${env.server.url}/api/vault/uploads/`) ?? false) && /409/.test(problem.message);
      expect(unexpectedProblems(env.server, problems).filter((problem) => !refusedDuplicate(problem))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('uploads 50 photos through tus while the connection keeps dropping, and every one completes byte-exact', async () => {
    const user = await createAccount(env.server, 'photographer', 'resumable');
    const shoot = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => ({
        name: `wedding-${String(index + 1).padStart(3, '0')}.jpg`,
        mimeType: 'image/jpeg',
        buffer: await photo('jpeg', { width: 120 + index, height: 80 }),
      })),
    );
    const { page, problems } = await openPage(env.browser, `${env.server.url}/sign-in`);
    try {
      await signInWithEmailCode(page, env.server, user.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(`${env.server.url}/library`);
      await page.getByTestId('library').waitFor({ state: 'visible' });

      // Midway through the batch the connection drops: ten appends in a row are cut, then it comes back.
      let appends = 0;
      const cut: string[] = [];
      await page.route(`${env.server.url}/api/vault/uploads/**`, async (route) => {
        if (route.request().method() === 'PATCH') {
          appends += 1;
          if (appends > 15 && appends <= 25) {
            cut.push(route.request().url());
            return route.abort('connectionreset');
          }
        }
        return route.continue();
      });
      await page.getByTestId('upload-input').setInputFiles(shoot);
      await page.getByTestId('upload-queue').waitFor({ state: 'visible' });
      for (const file of shoot) {
        await page.locator(`[data-testid="upload-row-${file.name}"][data-status="done"]`).waitFor({ timeout: 120_000 });
      }
      expect(cut).toHaveLength(10);
      await expect(page.locator('.upload-summary').textContent()).resolves.toBe('50 photos uploaded.');

      const listed = await page.evaluate(async () => {
        const response = await fetch('/api/vault/files?limit=200&sort=name&order=asc');
        return ((await response.json()) as { files: Array<{ name: string; sha256: string }> }).files;
      });
      expect(listed.map((file) => [file.name, file.sha256])).toEqual(shoot.map((file) => [file.name, sha256(file.buffer)]));
      // The cut requests are the only failures the page saw.
      expect(unexpectedProblems(env.server, problems).filter((problem) => !cut.includes(problem.url ?? ''))).toEqual([]);
    } finally {
      await page.close();
    }
  }, 300_000);
});
