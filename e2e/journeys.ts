import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { currentTotp } from '../server/src/auth/totp.ts';
import { waitForMail } from '../server/test/client.ts';
import { type TestServer, startTestServer } from '../server/test/harness.ts';
import { type PageProblem, launchBrowser } from './browser.ts';

/** Steps shared by the end-to-end journeys that run against the real server, nothing stubbed. */

/** The signed-out probe of /api/me (401) is how the app learns nobody is signed in: not a problem. */
export function unexpectedProblems(server: TestServer, problems: PageProblem[]): PageProblem[] {
  return problems.filter((problem) => !(problem.url?.startsWith(`${server.url}/api/me`) ?? false));
}

/**
 * A client page's 401s by design, not faults: the first look at the files (no session yet),
 * asking to resume on a device that was not remembered (/resume), and a wrong code (/open).
 */
export function unexpectedClientProblems(problems: PageProblem[]): PageProblem[] {
  return problems.filter((problem) => !(/\b401\b/.test(problem.message) && /\/(files|resume|open)$/.test(problem.url ?? '')));
}

/** Signs in through the sign-in page with the code read from the development outbox. */
export async function signInWithEmailCode(page: Page, server: TestServer, email: string): Promise<void> {
  const mailsBefore = (await server.outbox()).length;
  await page.goto(`${server.url}/sign-in`);
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-submit').click();
  const [, code] = await waitForMail(server, email, /sign-in code is (\d{6})/, { after: mailsBefore });
  await page.getByTestId('sign-in-code').fill(code as string);
  await page.getByTestId('sign-in-submit').click();
}

/** Enrolls TOTP on the two-factor page (as a person does, from the shown secret); returns the secret. */
export async function enrollTotpInPage(page: Page): Promise<string> {
  await page.getByTestId('totp-start').click();
  await page.getByTestId('totp-qr').waitFor({ state: 'visible' });
  const secret = ((await page.getByTestId('totp-secret').textContent()) ?? '').replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  await page.getByTestId('totp-code').fill(currentTotp(secret, Date.now()));
  await page.getByTestId('totp-confirm').click();
  await page.getByTestId('recovery-codes').waitFor({ state: 'visible' });
  expect(await page.getByTestId('recovery-codes').locator('li').count()).toBe(10);
  await page.getByTestId('recovery-codes-done').click();
  return secret;
}

/** Waits until the element with this test id shows `count` images, each loaded and decoded: previews the server really made. */
export async function waitForDecodedImages(page: Page, testId: string, count: number): Promise<void> {
  await page.waitForFunction(
    ([testId, count]) => {
      const images = [...document.querySelectorAll<HTMLImageElement>(`[data-testid="${testId}"] img`)];
      return images.length === count && images.every((image) => image.complete && image.naturalWidth > 0);
    },
    [testId, count] as const,
    { timeout: 30_000 },
  );
}

/**
 * One real server (fresh SQLite) and one Chromium for a test file, started before its tests
 * and stopped after them. `origin` is the server's address.
 */
export function useServerAndBrowser(options: { env?: Record<string, string> } = {}): { readonly server: TestServer; readonly browser: Browser; readonly origin: string } {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await startTestServer({ database: 'sqlite', env: options.env });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('The server and browser start in beforeAll.');
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
    get origin() {
      return started(server).url;
    },
  };
}
