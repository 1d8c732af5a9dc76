/**
 * The admin console, end to end with nothing stubbed: an admin disables a photographer, filters the users list,
 * reads that in the audit trail, and sees (and acknowledges) the alert a burst of failed
 * sign-ins raised; then opens a studio's storage per variant.
 */
import { describe, expect, it } from 'vitest';
import { createAccount, signedInClient } from '../server/test/accounts.ts';
import { TestClient } from '../server/test/client.ts';
import { openPage } from './browser.ts';
import { enrollTotpInPage, signInWithEmailCode, unexpectedProblems, useServerAndBrowser } from './journeys.ts';

const env = useServerAndBrowser({ env: { TRUST_PROXY: 'true', ALERT_ACCOUNT_SIGN_IN_FAILURES: '3' } });

describe('the admin console, end to end', () => {
  it('disables a user, shows it in the audit trail, and shows the alert of a burst of failed sign-ins', async () => {
    const admin = await createAccount(env.server, 'admin', 'console-admin');
    const photographer = await createAccount(env.server, 'photographer', 'console-target');
    const { page, problems } = await openPage(env.browser, `${env.server.url}/sign-in`);
    try {
      await signInWithEmailCode(page, env.server, admin.email);
      await page.waitForURL(`${env.server.url}/account/two-factor`);
      await enrollTotpInPage(page);

      await page.goto(`${env.server.url}/admin/users`);
      const row = page.getByTestId(`user-row-${photographer.email}`);
      await row.getByTestId('user-action-access').click();
      await page.getByTestId('confirm-dialog-confirm').click();
      await row.getByText('Disabled').waitFor({ state: 'visible' });
      // Narrowed to disabled accounts, the admin's own row goes and the photographer's stays.
      await page.getByTestId('user-filter-status').selectOption('disabled');
      await page.getByTestId(`user-row-${admin.email}`).waitFor({ state: 'detached' });
      await row.waitFor({ state: 'visible' });
      await page.getByTestId('user-filter-status').selectOption('');
      await page.getByTestId('user-filter-email').fill(admin.email.toUpperCase());
      await page.getByTestId('user-filter-submit').click();
      await row.waitFor({ state: 'detached' });
      await page.getByTestId(`user-row-${admin.email}`).waitFor({ state: 'visible' });

      const attacker = new TestClient(env.server, { ip: '10.77.0.1' });
      for (let attempt = 0; attempt < 4; attempt += 1) {
        expect((await attacker.request('POST', '/api/auth/sign-in/password', { email: photographer.email, password: 'guessing the password' })).status).toBe(401);
      }

      await page.goto(`${env.server.url}/admin/audit`);
      await page.getByTestId('audit-filter-action').fill('user.disabled');
      await page.getByTestId('audit-filter-submit').click();
      const disabledEvent = page.getByTestId('audit-row-user.disabled');
      await disabledEvent.waitFor({ state: 'visible' });
      expect(await disabledEvent.textContent()).toContain(photographer.email);
      expect(await page.getByTestId('audit-table').locator('tbody tr').count()).toBe(1);

      await page.goto(`${env.server.url}/admin/alerts`);
      const alert = page.getByTestId('alert-row-sign_in_failures_account');
      await alert.waitFor({ state: 'visible' });
      expect(await alert.textContent()).toContain(`failed sign-ins for account ${photographer.id}`);
      await alert.getByRole('button', { name: 'Acknowledge' }).click();
      await alert.getByText('Acknowledged').waitFor({ state: 'visible' });

      const { user: member } = await signedInClient(env.server, 'photographer', 'console-member');
      await page.goto(`${env.server.url}/admin/studios`);
      await page.getByRole('button', { name: /^Storage of / }).first().click();
      await page.getByTestId('studio-details').waitFor({ state: 'visible' });
      expect(await page.getByTestId('storage-originals').textContent()).toMatch(/\d/);
      // Last sign-ins read like every other date in the app (lib/format.ts), not toLocaleString's "12/3/2026, 4:52:45 PM".
      // The member's studio may be the first one, whose details are open already: a click would close them.
      const memberStudio = page.locator(`button[aria-controls="studio-details-${member.studioId}"]`);
      if ((await memberStudio.getAttribute('aria-expanded')) !== 'true') await memberStudio.click();
      const signInTimes = page.getByTestId('member-last-sign-in');
      await signInTimes.first().waitFor({ state: 'visible' });
      const signIns = await signInTimes.evaluateAll((times) =>
        times.map((time) => ({ shown: time.textContent, expected: new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(time.getAttribute('datetime') ?? '')) })),
      );
      for (const { shown, expected } of signIns) expect(shown).toBe(expected);
      expect(unexpectedProblems(env.server, problems)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
