/**
 * The web shell as a browser sees it: the built `web/dist`, served by the real Shutterlock
 * server under its production CSP. Any console error, failed request or CSP violation fails
 * a test unless it is an API call the test expects to fail.
 */
import { glob, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openPage, type PageProblem } from './browser.ts';
import { useServerAndBrowser } from './journeys.ts';

const REPO_DIR = fileURLToPath(new URL('..', import.meta.url));
const DIST_DIR = join(REPO_DIR, 'web', 'dist');

const env = useServerAndBrowser();

describe('web shell', () => {
  it('builds an index.html with nothing inline for the CSP to block', async () => {
    const html = await readFile(join(DIST_DIR, 'index.html'), 'utf8');
    const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scriptTags.length).toBeGreaterThan(0);
    for (const tag of scriptTags) expect(tag).toMatch(/\bsrc="\/assets\//);
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).toMatch(/<link rel="stylesheet"[^>]*href="\/assets\/[^"]+\.css"/);
    await expect(stat(join(DIST_DIR, 'favicon.svg'))).resolves.toBeTruthy();
  });

  it('has stylesheets that close every rule they open', async () => {
    // A brace lost in a merge is no syntax error: CSS nesting swallows every later rule into the
    // unclosed one, and the build flattens them into selectors that match nothing.
    for await (const file of glob('web/src/**/*.css', { cwd: REPO_DIR })) {
      const css = (await readFile(join(REPO_DIR, file), 'utf8')).replace(/\/\*[\s\S]*?\*\//g, '').replace(/"[^"]*"|'[^']*'/g, '');
      let depth = 0;
      let closedTooMany = false;
      for (const char of css) {
        if (char === '{') depth += 1;
        if (char === '}') depth -= 1;
        if (depth < 0) closedTooMany = true;
      }
      expect(closedTooMany, `${file} closes a rule it never opened`).toBe(false);
      expect(depth, `${file} leaves ${depth} rule(s) open`).toBe(0);
    }
  });

  it('serves the app shell with the strict CSP, and JSON errors for unknown API paths', async () => {
    const response = await fetch(`${env.origin}/some/client/route`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const api = await fetch(`${env.origin}/api/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('route_not_found');
    const missingAsset = await fetch(`${env.origin}/assets/missing.js`);
    expect(missingAsset.status).toBe(404);
  });

  it('sends a signed-out visitor to sign-in and explains a wrong code kindly', async () => {
    const { page, problems } = await openPage(env.browser, `${env.origin}/`);
    try {
      await page.waitForURL(`${env.origin}/sign-in`);
      await expect(page.getByTestId('app-shell').isVisible()).resolves.toBe(true);

      const email = page.getByTestId('sign-in-email');
      await email.waitFor({ state: 'visible' });
      await expect(email.evaluate((input) => input === input.ownerDocument.activeElement)).resolves.toBe(true);
      await expect(page.getByRole('button', { name: 'Email me a code' }).isVisible()).resolves.toBe(true);

      // The server answers the same for any address; a wrong code is explained, not shown as a crash.
      await email.fill('nobody@example.com');
      await page.getByTestId('sign-in-submit').click();
      const code = page.getByTestId('sign-in-code');
      await code.waitFor({ state: 'visible' });
      await code.fill('000000');
      await page.getByTestId('sign-in-submit').click();

      const error = page.getByTestId('sign-in-error');
      await error.waitFor({ state: 'visible' });
      await expect(error.textContent()).resolves.toContain('That code is wrong or has expired');

      const apiProblems = problems.filter((problem) => isApiProblem(problem));
      expect(apiProblems.some((problem) => problem.url === `${env.origin}/api/auth/sign-in/verify`)).toBe(true);
      expect(problems.filter((problem) => !isApiProblem(problem))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('walks through the code and second-factor steps, moving focus to each field', async () => {
    const { page, problems } = await openPage(env.browser, `${env.origin}/sign-in`);
    try {
      const requests: Array<{ path: string; body: unknown }> = [];
      await page.route(`${env.origin}/api/auth/sign-in/**`, async (route) => {
        const path = new URL(route.request().url()).pathname;
        requests.push({ path, body: route.request().postDataJSON() });
        const answers: Record<string, unknown> = {
          '/api/auth/sign-in/code': {},
          '/api/auth/sign-in/verify': { secondFactorRequired: true },
          '/api/auth/sign-in/second-factor': { user: { id: 'u1', email: 'ada@example.com', studioId: null, studioRole: null, studioPermissions: [] } },
        };
        await route.fulfill({ json: answers[path] });
      });

      await page.getByTestId('sign-in-email').fill('ada@example.com');
      await page.getByTestId('sign-in-submit').click();

      const code = page.getByTestId('sign-in-code');
      await code.waitFor({ state: 'visible' });
      await expect(isFocused(code)).resolves.toBe(true);
      await expect(code.getAttribute('inputmode')).resolves.toBe('numeric');
      await expect(code.getAttribute('autocomplete')).resolves.toBe('one-time-code');
      await code.pressSequentially('123 456');
      await expect(code.inputValue()).resolves.toBe('123456');
      await code.press('Enter');

      const secondFactor = page.getByTestId('sign-in-second-factor');
      await secondFactor.waitFor({ state: 'visible' });
      await expect(isFocused(secondFactor)).resolves.toBe(true);
      await secondFactor.fill('654321');
      await page.getByTestId('sign-in-submit').click();

      await page.waitForURL(`${env.origin}/`);
      await page.getByText('ada@example.com').waitFor({ state: 'visible' });

      expect(requests).toEqual([
        { path: '/api/auth/sign-in/code', body: { email: 'ada@example.com' } },
        { path: '/api/auth/sign-in/verify', body: { email: 'ada@example.com', code: '123456' } },
        { path: '/api/auth/sign-in/second-factor', body: { code: '654321' } },
      ]);
      expect(problems.filter((problem) => !isApiProblem(problem))).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows a not-found page for an unknown route', async () => {
    const { page, problems } = await openPage(env.browser, `${env.origin}/no/such/page`);
    try {
      await page.getByTestId('not-found').waitFor({ state: 'visible' });
      await expect(page.title()).resolves.toBe('Page not found · Shutterlock');
      expect(problems.filter((problem) => !isApiProblem(problem))).toEqual([]);
    } finally {
      await page.close();
    }
  });
});


/** `GET /api/me` (and any other API call) answers 404 until the accounts work lands. */
function isApiProblem(problem: PageProblem): boolean {
  return problem.url?.startsWith(`${env.origin}/api/`) ?? false;
}

function isFocused(locator: ReturnType<import('playwright-core').Page['getByTestId']>): Promise<boolean> {
  return locator.evaluate((element) => element === element.ownerDocument.activeElement);
}
