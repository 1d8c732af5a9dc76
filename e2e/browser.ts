/**
 * Playwright helpers for end-to-end tests. They drive Debian's Chromium (`apt-get install
 * chromium`) and never download a browser.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

const CHROMIUM_PATH = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Something that went wrong in the page which a test should see rather than miss. */
export interface PageProblem {
  kind: 'console-error' | 'page-error' | 'request-failed' | 'csp-violation';
  message: string;
  /** The request, script or document the problem is about, when the browser says. */
  url: string | undefined;
}

export interface OpenedPage {
  page: Page;
  /** Every problem so far; it keeps filling while the page is used. */
  problems: PageProblem[];
}

const CSP_REPORT_BINDING = '__shutterlockReportCspViolation';

// Init scripts are injected through the DevTools protocol, so the page's CSP does not block
// this one; it only listens. `securitypolicyviolation` events bubble up to the document.
const LISTEN_FOR_CSP_VIOLATIONS = `
document.addEventListener('securitypolicyviolation', (event) => {
  window.${CSP_REPORT_BINDING}({
    directive: event.effectiveDirective,
    blockedUri: event.blockedURI,
    sourceFile: event.sourceFile,
  });
});
`;

interface CspViolationReport {
  directive: string;
  blockedUri: string;
  sourceFile: string;
}

/**
 * Opens `url` in a fresh browser context and records every console error, uncaught page
 * error, failed request (network failure or HTTP status >= 400) and CSP violation.
 * Closing the page closes its context. `options` are the context's (a phone's viewport and touch, say).
 */
export async function openPage(browser: Browser, url: string, options: Parameters<Browser['newPage']>[0] = {}): Promise<OpenedPage> {
  const page = await browser.newPage(options);
  const problems: PageProblem[] = [];

  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push({ kind: 'console-error', message: message.text(), url: message.location().url || undefined });
    }
  });
  page.on('pageerror', (error) => {
    problems.push({ kind: 'page-error', message: error.stack ?? error.message, url: undefined });
  });
  page.on('crash', () => {
    problems.push({ kind: 'page-error', message: 'The page crashed.', url: page.url() });
  });
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'unknown reason';
    // A navigation cancels what the previous page still had in flight (e.g. its favicon).
    if (reason === 'net::ERR_ABORTED') return;
    problems.push({ kind: 'request-failed', message: `${request.method()} failed: ${reason}`, url: request.url() });
  });
  page.on('response', (response) => {
    if (response.status() >= 400) {
      const request = response.request();
      problems.push({
        kind: 'request-failed',
        message: `${request.method()} answered ${response.status()} ${response.statusText()}`,
        url: response.url(),
      });
    }
  });

  await page.exposeFunction(CSP_REPORT_BINDING, (report: CspViolationReport) => {
    problems.push({
      kind: 'csp-violation',
      message: `Blocked by ${report.directive}: ${report.blockedUri || 'inline content'}`,
      url: report.sourceFile || undefined,
    });
  });
  await page.addInitScript({ content: LISTEN_FOR_CSP_VIOLATIONS });

  await page.goto(url);
  return { page, problems };
}
