/**
 * The print-lab portal as its three kinds of people use it, nothing stubbed, in three browser
 * contexts that share nothing: the admin creates a lab (its PIN shown once) and enables it for
 * the photographer's studio; the photographer orders prints of a photo from the library and
 * sends the order; the lab signs in with its lab ID and PIN, downloads the original
 * (byte-identical), and moves the order to shipped with a tracking number; the photographer
 * sees all of it on the order's timeline.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createAccount } from '../server/test/accounts.ts';
import { photo } from '../server/test/images.ts';
import { openPage } from './browser.ts';
import { enrollTotpInPage, signInWithEmailCode, unexpectedProblems, useServerAndBrowser } from './journeys.ts';

const env = useServerAndBrowser();

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex');

describe('the lab portal, end to end', () => {
  it('takes a print order from the photographer to the lab and back to the photographer as a timeline', async () => {
    const adminUser = await createAccount(env.server, 'admin', 'lab-admin');
    const photographerUser = await createAccount(env.server, 'photographer', 'printing');
    const original = { name: 'first-dance.jpg', mimeType: 'image/jpeg', buffer: await photo('jpeg', { width: 1200, height: 800 }) };

    // The admin: a new lab with one product, enabled for the photographer's studio.
    const admin = await openPage(env.browser, `${env.origin}/sign-in`);
    let labId: string;
    let pin: string;
    try {
      const { page } = admin;
      await signInWithEmailCode(page, env.server, adminUser.email);
      await page.waitForURL(`${env.origin}/account/two-factor`);
      await enrollTotpInPage(page);
      await page.goto(`${env.origin}/admin/labs`);
      await page.getByTestId('lab-create-name').fill('Fine Prints');
      await page.getByTestId('lab-create-contacts').fill('orders@fineprints.example');
      await page.getByTestId('lab-create-product-0-sku').fill('PRINT-8x10');
      await page.getByTestId('lab-create-product-0-name').fill('Lustre print');
      await page.getByTestId('lab-create-product-0-size').fill('8×10 in');
      await page.getByTestId('lab-create-product-0-finishes').fill('lustre, matte');
      await page.getByTestId('lab-create-submit').click();
      await page.getByTestId('lab-pin-shown').waitFor({ state: 'visible' });
      labId = ((await page.getByTestId('shown-lab-id').textContent()) ?? '').trim();
      pin = ((await page.getByTestId('shown-lab-pin').textContent()) ?? '').trim();
      expect(labId).toMatch(/^LAB-[2-9A-Z]{4}$/);
      expect(pin).toMatch(/^\d{6}$/);
      const studio = photographerUser.studioId as string;
      await page.getByTestId(`studio-portal-${studio}`).check();
      await page.getByTestId(`studio-lab-${studio}-${labId}`).check();
      await page.getByTestId(`studio-labs-save-${studio}`).click();
      await expect.poll(() => page.getByTestId('studio-labs-status').textContent()).toMatch(/Saved for/);
      expect(unexpectedProblems(env.server, admin.problems)).toEqual([]);
    } finally {
      await admin.page.close();
    }

    // The photographer: a photo from the library, ordered as two lustre prints, sent to the lab.
    const photographer = await openPage(env.browser, `${env.origin}/sign-in`);
    const { page } = photographer;
    let orderId: string;
    try {
      await signInWithEmailCode(page, env.server, photographerUser.email);
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await page.goto(`${env.origin}/library`);
      await page.getByTestId('upload-input').setInputFiles([original]);
      await page.locator(`[data-testid="upload-row-${original.name}"][data-status="done"]`).waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="file-grid"] img').length === 1, undefined, { timeout: 30_000 });
      await page.locator('[data-testid^="file-select-"]').first().check();
      await page.getByTestId('bulk-order-prints').click();
      await page.getByTestId('order-line-0').waitFor({ state: 'visible' });
      await page.getByLabel('Quantity').fill('2');
      await page.getByLabel('Recipient').fill('Anna Berg');
      await page.getByLabel('Address', { exact: true }).fill('Storgatan 1');
      await page.getByLabel('City').fill('Uppsala');
      await page.getByLabel('Country').fill('Sweden');
      await page.getByTestId('order-save').click();
      await page.getByTestId('print-order').waitFor({ state: 'visible' });
      orderId = new URL(page.url()).pathname.split('/').pop() as string;
      await page.getByTestId('print-order-submit').click();
      await expect.poll(() => page.getByTestId('print-order-status').textContent()).toBe('Submitted');
    } catch (error) {
      await page.close();
      throw error;
    }

    // The lab: its own context, only the lab ID and the PIN.
    const lab = await openPage(env.browser, `${env.origin}/lab`);
    try {
      const labPage = lab.page;
      await labPage.getByTestId('lab-sign-in-id').fill(labId.toLowerCase());
      await labPage.getByTestId('lab-sign-in-pin').fill(pin);
      await labPage.getByTestId('lab-sign-in-submit').click();
      await labPage.getByTestId(`lab-open-${orderId}`).click();
      await labPage.getByTestId('lab-order').waitFor({ state: 'visible' });
      const [download] = await Promise.all([labPage.waitForEvent('download'), labPage.getByRole('button', { name: `Download ${original.name}` }).click()]);
      expect(download.suggestedFilename()).toBe(original.name);
      expect(sha256(await fs.readFile((await download.path()) as string))).toBe(sha256(original.buffer));
      await labPage.getByTestId('lab-status-accepted').click();
      await expect.poll(() => labPage.getByTestId('lab-order-status').textContent()).toBe('Accepted');
      await labPage.getByTestId('lab-status-in_production').click();
      await expect.poll(() => labPage.getByTestId('lab-order-status').textContent()).toBe('In production');
      await labPage.getByTestId('lab-carrier').fill('PostNord');
      await labPage.getByTestId('lab-tracking').fill('UA123456789SE');
      await labPage.getByTestId('lab-status-shipped').click();
      await expect.poll(() => labPage.getByTestId('lab-order-status').textContent()).toBe('Shipped');
      // The first look at the queue, before signing in, is how the page learns it must ask: not a fault.
      const signInProbe = (problem: { message: string; url: string | undefined }) => /\b401\b/.test(problem.message) && /\/api\/lab\/orders$/.test(problem.url ?? '');
      expect(lab.problems.filter((problem) => !signInProbe(problem))).toEqual([]);
    } finally {
      await lab.page.close();
    }

    // The photographer sees the lab's work on the order's timeline.
    try {
      await page.getByTestId('print-order-refresh').click();
      await expect.poll(() => page.getByTestId('print-order-status').textContent()).toBe('Shipped');
      expect(await page.getByTestId('print-order-tracking').textContent()).toBe('UA123456789SE');
      const timeline = await page.getByTestId('print-order-timeline').locator('li').allTextContents();
      expect(timeline.map((entry) => entry.replace(/^.*? — /, ''))).toEqual([
        'Order drafted',
        'Sent to the lab',
        'The lab opened the order',
        `The lab downloaded ${original.name}`,
        'Accepted by the lab',
        'In production by the lab',
        'Shipped — PostNord UA123456789SE',
      ]);
      expect(unexpectedProblems(env.server, photographer.problems)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
