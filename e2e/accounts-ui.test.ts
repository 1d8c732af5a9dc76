/**
 * The accounts UI in a real browser against the built app and the real server, with the
 * accounts API stubbed by `page.route` (the contract in the issue "Accounts, sign-in,
 * sessions and roles"). Every API call a test does not stub fails it, and any console error,
 * failed request or CSP violation fails it unless it is a stubbed API failure.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useServerAndBrowser } from './journeys.ts';
import { apiError, expectText, isFocused, makeUser, StubbedApi, withStubbedPage } from './stubs.ts';

const REPO_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST_DIR = join(REPO_DIR, 'web', 'dist');

const env = useServerAndBrowser();

// A passphrase zxcvbn scores 4, and one that is long enough but easy to guess.
const STRONG_PASSWORD = 'violet harbour tundra quietly 42';
const WEAK_PASSWORD = 'password1234';

describe('accounts UI', () => {
  it('signs in with a password, explaining failures, then a recovery code as the second factor', async () => {
    await withPage(async (page, api) => {
      api.stub('GET /api/me', apiError(401, 'unauthenticated', 'Sign in first.'));
      api.stub('POST /api/auth/sign-in/password', [
        apiError(401, 'invalid_credentials', 'That email and password don’t match.'),
        apiError(429, 'rate_limited', 'Slow down.', { 'Retry-After': '120' }),
        { json: { secondFactorRequired: true } },
      ]);
      api.stub('POST /api/auth/sign-in/second-factor', { json: { user: makeUser() } });
      await page.goto(`${env.origin}/sign-in`);

      await page.getByTestId('password-sign-in-link').click();
      const email = page.getByTestId('sign-in-email');
      await expect(isFocused(email)).resolves.toBe(true);
      await email.fill('ada@example.com');
      await expect(page.getByRole('link', { name: 'Forgot password?' }).getAttribute('href')).resolves.toBe('/forgot-password');
      await page.getByTestId('sign-in-password').fill('not-my-password');
      await page.getByTestId('sign-in-submit').click();
      await expectText(page.getByTestId('sign-in-error'), 'That email and password don’t match.');

      await page.getByTestId('sign-in-submit').click();
      await expectText(page.getByTestId('sign-in-error'), 'Too many attempts — try again in 2 minutes.');

      await page.getByTestId('sign-in-password').fill('my-real-password');
      await page.getByTestId('sign-in-submit').click();
      const secondFactor = page.getByTestId('sign-in-second-factor');
      await secondFactor.waitFor();
      await expect(isFocused(secondFactor)).resolves.toBe(true);
      await expect(secondFactor.getAttribute('inputmode')).resolves.toBe('text');
      await expect(secondFactor.getAttribute('autocomplete')).resolves.toBe('one-time-code');
      await secondFactor.fill('abcd-efgh-ijkl');
      await secondFactor.press('Enter');

      await page.waitForURL(`${env.origin}/`);
      await expectText(page.getByTestId('header-email'), 'ada@example.com');
      expect(api.bodiesOf('POST /api/auth/sign-in/password')).toEqual([
        { email: 'ada@example.com', password: 'not-my-password' },
        { email: 'ada@example.com', password: 'not-my-password' },
        { email: 'ada@example.com', password: 'my-real-password' },
      ]);
      expect(api.bodiesOf('POST /api/auth/sign-in/second-factor')).toEqual([{ code: 'abcd-efgh-ijkl' }]);
    });
  });

  it('sends a reset link, then resets the password with the token from the fragment', async () => {
    await withPage(async (page, api) => {
      api.stub('GET /api/me', apiError(401, 'unauthenticated', 'Sign in first.'));
      api.stub('POST /api/auth/password-reset', { status: 202, json: { status: 'sent' } });
      api.stub('POST /api/auth/password-reset/complete', [
        apiError(400, 'password_too_weak', 'This password appears in known data breaches.'),
        { status: 204 },
      ]);
      await page.goto(`${env.origin}/sign-in`);
      await page.getByTestId('password-sign-in-link').click();
      await page.getByRole('link', { name: 'Forgot password?' }).click();
      await page.waitForURL(`${env.origin}/forgot-password`);

      await page.getByTestId('forgot-email').fill('ada@example.com');
      await page.getByTestId('forgot-submit').click();
      await expectText(page.getByTestId('forgot-sent'), /If an account exists for ada@example\.com, we sent a link/);
      expect(api.bodiesOf('POST /api/auth/password-reset')).toEqual([{ email: 'ada@example.com' }]);

      await page.goto(`${env.origin}/reset-password#token=reset-token-123`);
      await page.getByTestId('reset-password').waitFor();
      await expect(page.evaluate(() => window.location.href)).resolves.toBe(`${env.origin}/reset-password`);

      const submit = page.getByTestId('reset-submit');
      await expect(submit.isDisabled()).resolves.toBe(true);
      await page.getByTestId('reset-password').fill(STRONG_PASSWORD);
      await page.getByTestId('reset-password-confirmation').fill(`${STRONG_PASSWORD}!`);
      await expectText(page.getByText('The passwords don’t match yet.'), 'The passwords don’t match yet.');
      await expect(submit.isDisabled()).resolves.toBe(true);
      await page.getByTestId('reset-password-confirmation').fill(STRONG_PASSWORD);
      await waitUntilEnabled(submit);
      await submit.click();
      await expectText(page.getByTestId('reset-error'), 'This password appears in known data breaches.');

      await submit.click();
      await expectText(page.getByTestId('reset-done'), /Your password is changed/);
      await expect(page.getByRole('link', { name: 'Sign in' }).getAttribute('href')).resolves.toBe('/sign-in');
      const completions = api.requests('POST /api/auth/password-reset/complete');
      expect(completions.map((request) => request.body)).toEqual([
        { token: 'reset-token-123', newPassword: STRONG_PASSWORD },
        { token: 'reset-token-123', newPassword: STRONG_PASSWORD },
      ]);
      for (const request of completions) expect(request.url).toBe(`${env.origin}/api/auth/password-reset/complete`);
    });
  });

  it('creates the first admin from the setup link and goes on to two-factor set-up', async () => {
    await withPage(async (page, api) => {
      const admin = makeUser({ email: 'owner@example.com', role: 'admin', mustEnrollTotp: true });
      api.stub('GET /api/me', apiError(401, 'unauthenticated', 'Sign in first.'));
      api.stub('POST /api/setup/first-admin', [
        apiError(400, 'setup_token_invalid', 'This setup link has expired. Restart the env.server for a new one.'),
        { status: 201, json: { user: admin } },
      ]);
      await page.goto(`${env.origin}/setup#token=setup-token-456`);

      const email = page.getByTestId('setup-email');
      await email.waitFor();
      await expect(page.evaluate(() => window.location.href)).resolves.toBe(`${env.origin}/setup`);
      await expect(isFocused(email)).resolves.toBe(true);
      await email.fill('owner@example.com');
      await page.getByTestId('setup-submit').click();
      await expectText(page.getByTestId('setup-error'), 'This setup link has expired. Restart the env.server for a new one.');
      await page.getByTestId('setup-submit').click();

      await page.waitForURL(`${env.origin}/account/two-factor`);
      await page.getByTestId('totp-required').waitFor();
      await expect(page.getByTestId('sign-out').isVisible()).resolves.toBe(true);
      await expect(page.getByRole('navigation').count()).resolves.toBe(0);
      expect(api.bodiesOf('POST /api/setup/first-admin')).toEqual([
        { token: 'setup-token-456', email: 'owner@example.com' },
        { token: 'setup-token-456', email: 'owner@example.com' },
      ]);
    });
  });

  it('lists the sessions, ends one, then signs out everywhere else', async () => {
    await withPage(async (page, api) => {
      const now = Date.now();
      const sessions = [
        { id: 's-old', device: 'Safari on iPhone', place: 'Lyon, France', createdAt: isoAgo(now, 40 * DAY), lastSeenAt: isoAgo(now, 3 * DAY), current: false },
        { id: 's-here', device: 'Chrome on Linux', place: 'Berlin, Germany', createdAt: isoAgo(now, 2 * DAY), lastSeenAt: isoAgo(now, 0), current: true },
        { id: 's-tablet', device: 'Firefox on Android', place: 'Berlin, Germany', createdAt: isoAgo(now, 9 * DAY), lastSeenAt: isoAgo(now, 5 * 60_000), current: false },
      ];
      api.stub('GET /api/me', { json: { user: makeUser() } });
      api.stub('GET /api/account/sessions', { json: { sessions } });
      api.stub('DELETE /api/account/sessions/s-old', { status: 204 });
      api.stub('POST /api/account/sessions/revoke-others', { json: { revoked: 1 } });
      await page.goto(`${env.origin}/account`);
      await page.waitForURL(`${env.origin}/account/sessions`);

      const list = page.getByTestId('sessions-list');
      await list.waitFor();
      await expect(list.locator('li').allInnerTexts()).resolves.toEqual([
        expect.stringMatching(/^Chrome on Linux\s*This device[\s\S]*Berlin, Germany[\s\S]*Active now/),
        expect.stringMatching(/^Firefox on Android[\s\S]*Active 5 minutes ago/),
        expect.stringMatching(/^Safari on iPhone[\s\S]*Active 3 days ago/),
      ]);
      await expect(page.getByTestId('session-end-s-here').count()).resolves.toBe(0);

      await page.getByTestId('session-end-s-old').click();
      await expectText(page.getByTestId('sessions-status'), 'Ended the session on Safari on iPhone.');
      await expect(list.locator('li').count()).resolves.toBe(2);

      await page.getByTestId('revoke-others').click();
      await expectText(page.getByTestId('sessions-status'), 'Signed out 1 other session.');
      await expect(list.locator('li').count()).resolves.toBe(1);
      await expect(page.getByTestId('revoke-others').count()).resolves.toBe(0);
      expect(api.requests('DELETE /api/account/sessions/s-old')).toHaveLength(1);
      expect(api.requests('POST /api/account/sessions/revoke-others')).toHaveLength(1);
    });
  });

  it('changes the password only once the strength meter is satisfied, loading zxcvbn on demand', async () => {
    await withPage(async (page, api) => {
      api.stub('GET /api/me', { json: { user: makeUser({ hasPassword: true }) } });
      api.stub('PUT /api/account/password', [apiError(400, 'current_password_wrong', 'Your current password isn’t right.'), { status: 204 }]);
      const scripts: string[] = [];
      page.on('request', (request) => {
        if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
      });
      await page.goto(`${env.origin}/account/password`);

      const submit = page.getByTestId('password-submit');
      const strength = page.getByTestId('password-strength');
      await page.getByTestId('current-password').fill('old password here');
      await expect(submit.isDisabled()).resolves.toBe(true);

      await page.getByTestId('new-password').fill('short');
      await expectText(strength, /Add 7 more characters\./);
      await page.getByTestId('new-password').fill(WEAK_PASSWORD);
      await page.getByTestId('new-password-confirmation').fill(WEAK_PASSWORD);
      await expectText(strength, /Strength: (Very weak|Weak|Fair)\. Make it harder to guess\./);
      await expect(strength.locator('.strength-warning').textContent()).resolves.toMatch(/\S/);
      await expect(submit.isDisabled()).resolves.toBe(true);

      await page.getByTestId('new-password').fill(STRONG_PASSWORD);
      await page.getByTestId('new-password-confirmation').fill(STRONG_PASSWORD);
      await expectText(strength, /Strength: (Strong|Very strong)\.$/);
      await waitUntilEnabled(submit);
      await expect(page.getByText('Saving a new password signs you out on every other device').count()).resolves.toBe(1);

      await submit.click();
      await expectText(page.getByTestId('password-error'), 'Your current password isn’t right.');
      await submit.click();
      await expectText(page.getByTestId('password-status'), 'Your password is changed. Your other sessions were signed out.');
      await expect(page.getByTestId('new-password').inputValue()).resolves.toBe('');
      expect(api.bodiesOf('PUT /api/account/password')).toEqual([
        { currentPassword: 'old password here', newPassword: STRONG_PASSWORD },
        { currentPassword: 'old password here', newPassword: STRONG_PASSWORD },
      ]);

      // The dictionaries are a chunk of their own, fetched only by a page with a new password.
      const entry = await entryScript();
      expect(scripts).toContain(entry.path);
      expect(scripts.length).toBeGreaterThan(1);
      expect(entry.bytes).toBeLessThan(400_000);
    });
  });

  it('asks for a fresh proof of identity when the server wants one, then saves the password it was asked to', async () => {
    await withPage(async (page, api) => {
      api.stub('GET /api/me', { json: { user: makeUser({ hasPassword: false }) } });
      api.stub('PUT /api/account/password', [
        apiError(403, 'reauthentication_required', 'Confirm it is you first: this change needs a fresh proof of your identity.'),
        { status: 204 },
      ]);
      api.stub('POST /api/account/reauthenticate/code', { status: 202, json: { status: 'sent' } });
      api.stub('POST /api/account/reauthenticate', [apiError(400, 'invalid_code', 'That code is wrong or has expired.'), { json: { reauthenticatedUntil: new Date().toISOString() } }]);
      await page.goto(`${env.origin}/account/password`);

      await page.getByTestId('new-password').fill(STRONG_PASSWORD);
      await page.getByTestId('new-password-confirmation').fill(STRONG_PASSWORD);
      await waitUntilEnabled(page.getByTestId('password-submit'));
      await page.getByTestId('password-submit').click();

      await expectText(page.getByTestId('reauthenticate').locator('h3'), 'Confirm it’s you');
      await page.getByTestId('reauthenticate-submit').click();
      await page.getByTestId('reauthenticate-code').fill('000000');
      await page.getByTestId('reauthenticate-submit').click();
      await expectText(page.getByTestId('reauthenticate-error'), 'That code is wrong or has expired.');
      await page.getByTestId('reauthenticate-code').fill('123456');
      await page.getByTestId('reauthenticate-submit').click();
      await expectText(page.getByTestId('password-status'), 'Your password is set. Your other sessions were signed out.');
      expect(api.bodiesOf('POST /api/account/reauthenticate')).toEqual([
        { method: 'email_code', secret: '000000' },
        { method: 'email_code', secret: '123456' },
      ]);
      expect(api.bodiesOf('PUT /api/account/password')).toEqual([{ newPassword: STRONG_PASSWORD }, { newPassword: STRONG_PASSWORD }]);
    });
  });

  it('makes new recovery codes after confirming with the authenticator, for an account with two-factor on', async () => {
    await withPage(async (page, api) => {
      const codes = Array.from({ length: 10 }, (_, index) => `new${index}-abcd-efgh`);
      api.stub('GET /api/me', { json: { user: makeUser({ totpEnabled: true, reauthenticationMethods: ['totp'] }) } });
      api.stub('POST /api/account/totp/recovery-codes', [
        apiError(403, 'reauthentication_required', 'Confirm it is you first: this change needs a fresh proof of your identity.'),
        { json: { recoveryCodes: codes } },
      ]);
      api.stub('POST /api/account/reauthenticate', { json: { reauthenticatedUntil: new Date().toISOString() } });
      await page.goto(`${env.origin}/account/two-factor`);

      await page.getByTestId('recovery-codes-regenerate').click();
      await page.getByTestId('reauthenticate-totp').fill('123456');
      await page.getByTestId('reauthenticate-submit').click();
      await expectText(page.getByTestId('recovery-codes').locator('li').first(), codes[0] as string);
      expect(api.bodiesOf('POST /api/account/reauthenticate')).toEqual([{ method: 'totp', secret: '123456' }]);
    });
  });

  it('sets up two-factor authentication: QR code, key, confirmation, recovery codes once', async () => {
    await withPage(async (page, api) => {
      const recoveryCodes = Array.from({ length: 10 }, (_, index) => `code-${String(index).padStart(4, '0')}-abcd`);
      api.stub('GET /api/me', { json: { user: makeUser() } });
      api.stub('POST /api/account/totp/enrollment', { json: ENROLLMENT });
      api.stub('POST /api/account/totp/enrollment/confirm', [
        apiError(400, 'invalid_totp_code', 'That code didn’t match. Check the time on your phone.'),
        { json: { recoveryCodes } },
      ]);
      api.stub('GET /api/account/sessions', { json: { sessions: [] } });
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.origin });
      await page.goto(`${env.origin}/account/two-factor`);

      await page.getByTestId('totp-start').click();
      const qr = page.getByTestId('totp-qr');
      await qr.waitFor();
      await expect(qr.getAttribute('src')).resolves.toBe(ENROLLMENT.qrCodeDataUrl);
      await expect(qr.evaluate((image: HTMLImageElement) => image.decode().then(() => image.naturalWidth))).resolves.toBeGreaterThan(0);
      await expectText(page.getByTestId('totp-secret'), 'JBSW Y3DP EHPK 3PXP JBSW Y3DP');
      // Worded for whatever device this is: a desktop as much as a phone.
      await expectText(page.getByText(/^Can’t scan it\?/), /^Can’t scan it\? In your authenticator app, choose to enter a setup key instead/);
      await expect(page.getByText('On this phone').count()).resolves.toBe(0);
      await page.getByTestId('totp-secret-copy').click();
      await expectText(page.getByText('Copied.'), 'Copied.');
      await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(ENROLLMENT.secret);

      const code = page.getByTestId('totp-code');
      await code.pressSequentially('12a3');
      await page.getByTestId('totp-confirm').click();
      await expectText(page.getByTestId('totp-error'), 'Enter the 6-digit code your app shows.');
      await code.fill('000000');
      await page.getByTestId('totp-confirm').click();
      await expectText(page.getByTestId('totp-error'), 'That code didn’t match. Check the time on your phone.');
      await code.fill('123456');
      await page.getByTestId('totp-confirm').click();

      const codes = page.getByTestId('recovery-codes');
      await codes.waitFor();
      await expect(codes.locator('li').allInnerTexts()).resolves.toEqual(recoveryCodes);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('recovery-codes-download').click()]);
      expect(download.suggestedFilename()).toBe('shutterlock-recovery-codes.txt');
      const file = await readFile(await download.path(), 'utf8');
      for (const recoveryCode of recoveryCodes) expect(file).toContain(`\n${recoveryCode}\n`);

      // Saved, there is nothing left to do on the account page: on to the start page, saying so.
      await page.getByTestId('recovery-codes-done').click();
      await page.waitForURL(`${env.origin}/`);
      await expectText(page.getByTestId('navigation-notice'), 'Two-factor authentication is on: signing in now asks for a code from your authenticator app.');
      await expect(isFocused(page.getByRole('heading', { level: 1 }))).resolves.toBe(true);
      await expect(codes.count()).resolves.toBe(0);
      // The next page carries no notice.
      await page.getByRole('link', { name: 'Account', exact: true }).click();
      await page.waitForURL(`${env.origin}/account/sessions`);
      await expect(page.getByTestId('navigation-notice').textContent()).resolves.toBe('');
      expect(api.bodiesOf('POST /api/account/totp/enrollment/confirm')).toEqual([{ code: '000000' }, { code: '123456' }]);
    });
  });

  it('lets an admin invite a user and disable another, confirming in the page first', async () => {
    await withPage(async (page, api) => {
      const admin = makeUser({ id: 'u-admin', email: 'owner@example.com', role: 'admin', totpEnabled: true });
      const ben = managedUser({ id: 'u-ben', email: 'ben@example.com', activeSessions: 2 });
      const invited = managedUser({ id: 'u-new', email: 'new@example.com', status: 'invited', lastSignInAt: null, activeSessions: 0 });
      api.stub('GET /api/me', { json: { user: admin } });
      api.stub('GET /api/admin/users', {
        json: { users: [managedUser({ id: 'u-admin', email: 'owner@example.com', role: 'admin', totpEnabled: true }), ben] },
      });
      api.stub('POST /api/admin/users', [
        apiError(409, 'email_taken', 'There is already an account for that email.'),
        { status: 201, json: { user: invited } },
      ]);
      api.stub('PATCH /api/admin/users/u-ben', { json: { user: { ...ben, status: 'disabled', activeSessions: 0 } } });
      await page.goto(`${env.origin}/`);
      await page.getByRole('button', { name: 'Admin' }).click();
      await page.getByRole('link', { name: 'Users', exact: true }).click();
      await page.waitForURL(`${env.origin}/admin/users`);

      const table = page.getByTestId('admin-users-table');
      await table.waitFor();
      await expect(page.getByTestId('user-row-owner@example.com').getByRole('button').count()).resolves.toBe(0);

      await page.getByTestId('admin-create-email').fill('new@example.com');
      await expect(page.getByTestId('admin-create-role').inputValue()).resolves.toBe('photographer');
      await page.getByTestId('admin-create-submit').click();
      await expectText(page.getByTestId('create-user-error'), 'There is already an account for that email.');
      await page.getByTestId('admin-create-submit').click();
      await expectText(page.getByTestId('create-user-status'), 'Invitation sent to new@example.com.');
      await expectText(page.getByTestId('user-row-new@example.com'), /new@example\.com\s+Photographer\s+Invited\s+Off\s+Never\s+0/);
      expect(api.bodiesOf('POST /api/admin/users')).toEqual([
        { email: 'new@example.com', role: 'photographer' },
        { email: 'new@example.com', role: 'photographer' },
      ]);

      const row = page.getByTestId('user-row-ben@example.com');
      const disable = row.getByTestId('user-action-access');
      await expectText(disable, 'Disable ben@example.com');
      await disable.click();
      const dialog = page.getByRole('dialog', { name: 'Disable ben@example.com?' });
      await dialog.waitFor();
      await expect(isFocused(dialog.getByRole('button', { name: 'Cancel' }))).resolves.toBe(true);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await expect(isFocused(disable)).resolves.toBe(true);
      expect(api.requests('PATCH /api/admin/users/u-ben')).toHaveLength(0);

      await disable.click();
      await page.getByTestId('confirm-dialog-confirm').click();
      await dialog.waitFor({ state: 'detached' });
      await expectText(page.getByTestId('users-status'), 'ben@example.com is disabled.');
      await expectText(row, /Disabled/);
      await expectText(row.getByTestId('user-action-access'), 'Enable ben@example.com');
      expect(api.bodiesOf('PATCH /api/admin/users/u-ben')).toEqual([{ disabled: true }]);
    });
  });

  it('shows photographers the not-found page for the admin area, and no Users link', async () => {
    await withPage(async (page, api) => {
      api.stub('GET /api/me', { json: { user: makeUser() } });
      await page.goto(`${env.origin}/admin/users`);
      await page.getByTestId('not-found').waitFor();
      await expect(page.getByRole('link', { name: 'Account', exact: true }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('link', { name: 'Users', exact: true }).count()).resolves.toBe(0);
    });
  });

  it('keeps an admin who must enrol on the two-factor page, even when an API call is what says so', async () => {
    await withPage(async (page, api) => {
      // The first answer does not say so (say, enrollment became required since): the 403 does.
      api.stub('GET /api/me', [{ json: { user: makeUser({ role: 'admin' }) } }, { json: { user: makeUser({ role: 'admin', mustEnrollTotp: true }) } }]);
      api.stub('GET /api/admin/users', apiError(403, 'totp_enrollment_required', 'Set up two-factor authentication first.'));
      api.stub('POST /api/account/totp/enrollment', { json: ENROLLMENT });
      api.stub('POST /api/account/totp/enrollment/confirm', { json: { recoveryCodes: ['aaaa-bbbb-cccc'] } });
      await page.goto(`${env.origin}/admin/users`);

      await page.waitForURL(`${env.origin}/account/two-factor`);
      await page.getByTestId('totp-required').waitFor();
      await expect(page.getByRole('link', { name: 'Users', exact: true }).count()).resolves.toBe(0);
      await page.goto(`${env.origin}/account/sessions`);
      await page.waitForURL(`${env.origin}/account/two-factor`);

      await page.getByTestId('totp-start').click();
      await page.getByTestId('totp-code').fill('123456');
      await page.getByTestId('totp-confirm').click();
      await page.getByTestId('recovery-codes-done').click();
      await page.waitForURL(`${env.origin}/`);
      await expectText(page.getByTestId('navigation-notice'), /^Two-factor authentication is on/);
      await expect(page.getByRole('button', { name: 'Admin' }).isVisible()).resolves.toBe(true);
    });
  });

  it('keeps the header on one line at 1366 × 768: the admin pages behind one Admin menu, operable by keyboard', async () => {
    await withPage(async (page, api) => {
      api.stub('GET /api/me', {
        json: { user: makeUser({ role: 'admin', studioRole: 'owner', totpEnabled: true, email: 'ada.lovelace-studio@example.com' }) },
      });
      api.stub('GET /api/admin/alerts', { json: { alerts: [] } });
      await page.setViewportSize({ width: 1366, height: 768 });
      await page.goto(`${env.origin}/`);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'Portfolio', exact: true }).waitFor();
      await expect(nav.getByRole('link').allInnerTexts()).resolves.toEqual(['Library', 'Deliveries', 'Prints', 'Images', 'Portfolio', 'Branding', 'Team', 'Account']);
      await expect(page.getByTestId('header-menu').isVisible()).resolves.toBe(false);
      await expectOneLine(page, ['.wordmark', '[data-testid="header-email"]', '.header-nav > li', '[data-testid="sign-out"]']);

      const admin = page.getByRole('button', { name: 'Admin' });
      await expect(admin.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(page.getByRole('link', { name: 'Users', exact: true }).isVisible()).resolves.toBe(false);
      await admin.focus();
      await page.keyboard.press('Enter');
      await expect(admin.getAttribute('aria-expanded')).resolves.toBe('true');
      const adminList = page.locator('#admin-menu-list');
      await expect(adminList.getByRole('link').allInnerTexts()).resolves.toEqual(['Users', 'Studios', 'Labs', 'Portfolio analytics', 'Audit', 'Alerts', 'System']);
      await page.keyboard.press('Tab');
      await expect(isFocused(adminList.getByRole('link', { name: 'Users' }))).resolves.toBe(true);
      await page.keyboard.press('Escape');
      await expect(admin.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(isFocused(admin)).resolves.toBe(true);
      await expect(adminList.isVisible()).resolves.toBe(false);
      // Tabbing on past its last link closes it as well.
      await page.keyboard.press('Enter');
      await adminList.getByRole('link', { name: 'System' }).focus();
      await page.keyboard.press('Tab');
      await expect(admin.getAttribute('aria-expanded')).resolves.toBe('false');

      // A click elsewhere closes it too; following a link closes it, and the menu shows where you are.
      await admin.click();
      await page.getByRole('heading', { level: 1 }).click();
      await expect(admin.getAttribute('aria-expanded')).resolves.toBe('false');
      await admin.click();
      await adminList.getByRole('link', { name: 'Alerts' }).click();
      await page.waitForURL(`${env.origin}/admin/alerts`);
      await expect(admin.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(admin.getAttribute('data-current')).resolves.toBe('true');
      await expect(adminList.getByRole('link', { name: 'Alerts', includeHidden: true }).getAttribute('aria-current')).resolves.toBe('page');
    });
  });

  it('folds the header links behind a Menu button on a phone, with nothing wider than the screen', async () => {
    await withPage(async (page, api) => {
      api.stub('GET /api/me', { json: { user: makeUser({ role: 'admin', studioRole: 'owner', totpEnabled: true }) } });
      api.stub('GET /api/admin/studios', { json: { studios: [] } });
      api.stub('GET /api/admin/portfolio-domains', { json: { domains: [], portfolios: [] } });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`${env.origin}/`);
      const menu = page.getByTestId('header-menu');
      await menu.waitFor();
      await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(page.getByRole('link', { name: 'Library', exact: true }).isVisible()).resolves.toBe(false);
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);

      await menu.click();
      await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
      await expect(page.getByRole('link', { name: 'Portfolio', exact: true }).isVisible()).resolves.toBe(true);
      await page.getByRole('button', { name: 'Admin' }).click();
      await expect(page.getByRole('link', { name: 'Studios', exact: true }).isVisible()).resolves.toBe(true);
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390);
      const linkBox = await page.getByRole('link', { name: 'Studios', exact: true }).boundingBox();
      expect(linkBox?.height).toBeGreaterThanOrEqual(44);
      // Escape closes the Admin list first, then the menu.
      await page.keyboard.press('Escape');
      await expect(page.getByRole('link', { name: 'Studios', exact: true }).isVisible()).resolves.toBe(false);
      await expect(menu.getAttribute('aria-expanded')).resolves.toBe('true');
      await page.keyboard.press('Escape');
      await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(isFocused(menu)).resolves.toBe(true);

      await menu.click();
      await page.getByRole('button', { name: 'Admin' }).click();
      await page.getByRole('link', { name: 'Studios', exact: true }).click();
      await page.waitForURL(`${env.origin}/admin/studios`);
      await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
    });
  });

  it('keeps the header to one line on a tablet, the links dropping down over the page from Menu', async () => {
    await withPage(async (page, api) => {
      api.stub('GET /api/me', { json: { user: makeUser({ role: 'admin', studioRole: 'owner', totpEnabled: true, email: 'ada.lovelace-studio@example.com' }) } });
      await page.setViewportSize({ width: 900, height: 700 });
      await page.goto(`${env.origin}/`);
      const menu = page.getByTestId('header-menu');
      await menu.waitFor();
      await expectOneLine(page, ['.wordmark', '[data-testid="header-email"]', '[data-testid="header-menu"]', '[data-testid="sign-out"]']);
      const headerHeight = async () => (await page.locator('.app-header').boundingBox())?.height ?? 0;
      const closedHeight = await headerHeight();
      expect(closedHeight).toBeLessThan(90);

      await menu.click();
      await expect(page.getByRole('link', { name: 'Portfolio', exact: true }).isVisible()).resolves.toBe(true);
      // Over the page, not pushing it down.
      await expect(headerHeight()).resolves.toBe(closedHeight);
      await page.getByRole('button', { name: 'Admin' }).click();
      await expect(page.getByRole('link', { name: 'Studios', exact: true }).isVisible()).resolves.toBe(true);
      await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(900);
      await page.keyboard.press('Escape');
      await page.keyboard.press('Escape');
      await expect(menu.getAttribute('aria-expanded')).resolves.toBe('false');
      await expect(page.getByRole('link', { name: 'Portfolio', exact: true }).isVisible()).resolves.toBe(false);
    });
  });

  it('says Welcome on the first sign-in, and Welcome back after', async () => {
    await withPage(async (page, api) => {
      api.stub('GET /api/me', [{ json: { user: makeUser({ previousSignInAt: null }) } }, { json: { user: makeUser() } }]);
      await page.goto(`${env.origin}/`);
      await expectText(page.getByRole('heading', { level: 1 }), 'Welcome');
      await page.reload();
      await expectText(page.getByRole('heading', { level: 1 }), 'Welcome back');
    });
  });

  it('signs out from the header', async () => {
    await withPage(async (page, api) => {
      api.stub('GET /api/me', { json: { user: makeUser() } });
      api.stub('POST /api/auth/sign-out', { status: 204 });
      api.stub('GET /api/account/sessions', { json: { sessions: [] } });
      await page.goto(`${env.origin}/account/sessions`);
      await page.getByTestId('sign-out').click();
      await page.waitForURL(`${env.origin}/sign-in`);
      await expect(page.getByTestId('sign-out').count()).resolves.toBe(0);
      expect(api.requests('POST /api/auth/sign-out')).toHaveLength(1);
    });
  });
});

/** Every element these selectors match sits on one line: their vertical middles agree. */
async function expectOneLine(page: Page, selectors: string[]): Promise<void> {
  const middles = await page.evaluate(
    (selectors) =>
      selectors.flatMap((selector) =>
        [...document.querySelectorAll(selector)].map((element) => {
          const box = element.getBoundingClientRect();
          return { selector, middle: box.top + box.height / 2 };
        }),
      ),
    selectors,
  );
  // Each selector matched something (the header's links are several).
  expect(new Set(middles.map(({ selector }) => selector))).toEqual(new Set(selectors));
  const first = middles[0]?.middle ?? 0;
  for (const { selector, middle } of middles) expect(Math.abs(middle - first), selector).toBeLessThan(6);
}

// ---------------------------------------------------------------------------------------
// Stubbed API

/**
 * Runs `test` on a fresh page whose API calls are stubbed (the test navigates once its
 * stubs are in place), then checks that nothing unexpected happened along the way.
 */
function withPage(test: (page: Page, api: StubbedApi) => Promise<void>): Promise<void> {
  return withStubbedPage(env, new StubbedApi(), test);
}

// ---------------------------------------------------------------------------------------
// Fixtures

const DAY = 24 * 60 * 60 * 1000;

const QR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21" width="210" height="210"><rect width="21" height="21" fill="#fff"/>' +
  '<path d="M0 0h7v7H0zM14 0h7v7h-7zM0 14h7v7H0zM9 9h3v3H9z" fill="#000"/></svg>';

const ENROLLMENT = {
  secret: 'JBSWY3DPEHPK3PXPJBSWY3DP',
  otpauthUrl: 'otpauth://totp/Shutterlock:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DP&issuer=Shutterlock',
  qrCodeDataUrl: `data:image/svg+xml;base64,${Buffer.from(QR_SVG).toString('base64')}`,
};

function managedUser(overrides: Record<string, unknown> = {}) {
  return {
    id: 'u-ada',
    email: 'ada@example.com',
    role: 'photographer',
    status: 'active',
    emailVerified: true,
    totpEnabled: false,
    createdAt: isoAgo(Date.now(), 30 * DAY),
    lastSignInAt: isoAgo(Date.now(), DAY),
    activeSessions: 1,
    deliveriesSuspended: false,
    ...overrides,
  };
}

function isoAgo(now: number, milliseconds: number): string {
  return new Date(now - milliseconds).toISOString();
}

// ---------------------------------------------------------------------------------------
// Helpers

async function waitUntilEnabled(locator: Locator): Promise<void> {
  await expect.poll(() => locator.isEnabled(), { timeout: 10_000 }).toBe(true);
}

/** The built app's entry script, as index.html names it, and its size. */
async function entryScript(): Promise<{ path: string; bytes: number }> {
  const html = await readFile(join(DIST_DIR, 'index.html'), 'utf8');
  const path = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
  if (path === undefined) throw new Error(`No entry script in index.html: ${html}`);
  const assets = await readdir(join(DIST_DIR, 'assets'));
  expect(assets).toContain(path.replace('/assets/', ''));
  return { path, bytes: (await stat(join(DIST_DIR, path))).size };
}

/** Builds `web/dist` the way it ships (see web-shell.test.ts for why NODE_ENV is set). */
