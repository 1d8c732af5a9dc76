import type { Page } from 'playwright-core';
import { waitForMail } from '../server/test/client.ts';
import type { TestServer } from '../server/test/harness.ts';
import type { PageProblem } from './browser.ts';

/** Steps shared by the end-to-end journeys that run against the real server, nothing stubbed. */

/** The signed-out probe of /api/me (401) is how the app learns nobody is signed in: not a problem. */
export function unexpectedProblems(server: TestServer, problems: PageProblem[]): PageProblem[] {
  return problems.filter((problem) => !(problem.url?.startsWith(`${server.url}/api/me`) ?? false));
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
