/**
 * The accounts journeys a person really takes, end to end with nothing stubbed: the real
 * server, the built app, Debian's Chromium, and sign-in codes read from the development
 * outbox. First admin from the console's setup link, TOTP enrollment, a second-factor
 * sign-in, and inviting a photographer.
 */
import { describe, expect, it } from 'vitest';
import { issueSetupTokenIfNoAdmin } from '../server/src/auth/setup.ts';
import { currentTotp } from '../server/src/auth/totp.ts';
import { waitForMail } from '../server/test/client.ts';
import { openPage } from './browser.ts';
import { enrollTotpInPage, signInWithEmailCode, unexpectedProblems, useServerAndBrowser } from './journeys.ts';

const env = useServerAndBrowser();

describe('accounts, end to end', () => {
  it('creates the first admin from the setup link, who must enroll TOTP, then invites a photographer', async () => {
    const token = await issueSetupTokenIfNoAdmin({ db: env.server.runtime.database.db, now: Date.now });
    const { page, problems } = await openPage(env.browser, `${env.server.url}/setup#token=${token}`);
    try {
      await page.getByTestId('setup-email').fill('owner@studio.example');
      await page.getByTestId('setup-submit').click();
      await page.waitForURL(`${env.server.url}/account/two-factor`);
      await page.getByTestId('totp-required').waitFor({ state: 'visible' });
      await enrollTotpInPage(page);
      // Once the recovery codes are saved: the start page, saying what was done, and a first welcome.
      await page.waitForURL(`${env.server.url}/`);
      await expect.poll(() => page.getByTestId('navigation-notice').textContent()).toMatch(/^Two-factor authentication is on/);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome');

      await page.getByRole('button', { name: 'Admin' }).click();
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.getByTestId('admin-users-table').waitFor({ state: 'visible' });
      await page.getByTestId('admin-create-email').fill('ada@studio.example');
      await page.getByTestId('admin-create-role').selectOption('photographer');
      await page.getByTestId('admin-create-submit').click();
      await page.getByTestId('user-row-ada@studio.example').waitFor({ state: 'visible' });
      await waitForMail(env.server, 'ada@studio.example', /invited to Shutterlock/);
      expect(unexpectedProblems(env.server, problems)).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('signs a photographer in with an emailed code, enrolls TOTP, and asks for it at the next sign-in', async () => {
    const { page, problems } = await openPage(env.browser, `${env.server.url}/sign-in`);
    try {
      await signInWithEmailCode(page, env.server, 'ada@studio.example');
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      expect(await page.getByTestId('header-email').textContent()).toContain('ada@studio.example');
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome');

      await page.goto(`${env.server.url}/account/two-factor`);
      const secret = await enrollTotpInPage(page);

      await page.getByTestId('sign-out').click();
      await page.waitForURL(`${env.server.url}/sign-in`);
      await signInWithEmailCode(page, env.server, 'ada@studio.example');
      const secondFactor = page.getByTestId('sign-in-second-factor');
      await secondFactor.waitFor({ state: 'visible' });
      // The enrollment's time step was used up; the next one is accepted (±1 step of drift).
      await secondFactor.fill(currentTotp(secret, Date.now() + 30_000));
      await page.getByTestId('sign-in-submit').click();
      await page.getByTestId('header-email').waitFor({ state: 'visible' });
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome back');
      expect(unexpectedProblems(env.server, problems)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
