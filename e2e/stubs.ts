/**
 * What the browser tests of the UI share when the API is answered by the test instead of the
 * server (`page.route`): recording each API call, answering it, failing on any call nobody
 * answers, and checking afterwards that the page had no problem the test did not cause on
 * purpose. Also a small image to answer image requests with, and the assertions those
 * tests use to wait for the UI.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Locator, Page, Request, Route } from 'playwright-core';
import { expect } from 'vitest';
import { rolePermissions } from '../server/src/http/permissions.ts';
import { openPage, type PageProblem } from './browser.ts';

export interface StubAnswer {
  status?: number;
  json?: unknown;
  body?: Buffer;
  headers?: Record<string, string>;
}

export interface RecordedRequest {
  url: string;
  headers: Record<string, string>;
  /** The JSON body, when the request sent one. */
  body: unknown;
  bytes: Buffer | null;
}

/**
 * Answers a page's calls to `origin/api/**` with `answer`, recording every request under
 * "METHOD /path". A call `answer` leaves unanswered gets a 501 and fails the test.
 */
export abstract class StubbedRoutes {
  private readonly recorded = new Map<string, RecordedRequest[]>();
  /** Addresses answered with an error on purpose: the browser's complaints about them are expected. */
  readonly failedUrls = new Set<string>();
  readonly unexpected: string[] = [];

  /** The answer to one request, or `undefined` when the test does not expect it. */
  protected abstract answer(method: string, url: URL, request: RecordedRequest): StubAnswer | undefined | Promise<StubAnswer | undefined>;

  requests(key: string): RecordedRequest[] {
    return this.recorded.get(key) ?? [];
  }

  bodiesOf(key: string): unknown[] {
    return this.requests(key).map((request) => request.body);
  }

  async attach(page: Page, origin: string): Promise<void> {
    await page.route(`${origin}/api/**`, (route) => this.handle(route));
  }

  /** Whether a problem the page had is one of the failures answered on purpose (never a CSP violation). */
  isExpected(problem: PageProblem): boolean {
    return problem.kind !== 'csp-violation' && problem.url !== undefined && this.failedUrls.has(problem.url);
  }

  private async handle(route: Route): Promise<void> {
    const request = route.request();
    const url = new URL(request.url());
    const key = `${request.method()} ${url.pathname}`;
    const recorded = this.record(key, request);
    const answer = await this.answer(request.method(), url, recorded);
    if (answer === undefined) this.unexpected.push(key);
    const { status = 200, json, body, headers = {} } = answer ?? { status: 501, json: { error: { code: 'not_stubbed', message: key } } };
    if (status >= 400) this.failedUrls.add(request.url());
    // The page may have cancelled the request meanwhile (an upload's Cancel).
    await route.fulfill(json === undefined ? { status, headers, body } : { status, headers, json }).catch(() => undefined);
  }

  private record(key: string, request: Request): RecordedRequest {
    const bytes = request.postDataBuffer();
    const json = bytes !== null && request.headers()['content-type'] === 'application/json' ? (request.postDataJSON() as unknown) : undefined;
    const recorded = { url: request.url(), headers: request.headers(), body: json, bytes };
    this.recorded.set(key, [...this.requests(key), recorded]);
    return recorded;
  }
}

/** Answers from stubs keyed "METHOD /path": several answers are given in turn, and the last one keeps being given. */
export class StubbedApi extends StubbedRoutes {
  private readonly answers = new Map<string, StubAnswer[]>();

  stub(key: string, answers: StubAnswer | StubAnswer[]): void {
    this.answers.set(key, Array.isArray(answers) ? [...answers] : [answers]);
  }

  protected answer(method: string, url: URL): StubAnswer | undefined {
    const queue = this.answers.get(`${method} ${url.pathname}`);
    return queue && queue.length > 1 ? queue.shift() : queue?.[0];
  }
}

/** The server's error body. */
export function apiError(status: number, code: string, message: string, headers: Record<string, string> = {}): StubAnswer {
  return { status, headers, json: { error: { code, message } } };
}

/**
 * Runs `test` on a fresh page whose API is `routes` (the test navigates once its stubs are
 * in place), then checks that nothing unexpected happened along the way.
 */
export async function withStubbedPage<T extends StubbedRoutes>(
  env: { readonly browser: Browser; readonly origin: string },
  routes: T,
  test: (page: Page, routes: T) => Promise<void>,
): Promise<void> {
  const { page, problems } = await openPage(env.browser, 'about:blank');
  try {
    await routes.attach(page, env.origin);
    await test(page, routes);
    expect(routes.unexpected).toEqual([]);
    expect(problems.filter((problem) => !routes.isExpected(problem))).toEqual([]);
  } finally {
    await page.close();
  }
}

// ---------------------------------------------------------------------------------------
// Fixtures

/** The signed-in user as `/api/me` gives it: a photographer who owns a studio, unless `overrides` say otherwise. */
export function makeUser(overrides: Record<string, unknown> = {}) {
  return {
    id: 'u-ada',
    email: 'ada@example.com',
    role: 'photographer',
    studioId: 'studio-1',
    studioRole: 'owner',
    studioPermissions: [...rolePermissions.owner],
    emailVerified: true,
    hasPassword: false,
    totpEnabled: false,
    mustEnrollTotp: false,
    reauthenticationMethods: ['email_code'],
    previousSignInAt: '2026-01-05T09:00:00.000Z',
    ...overrides,
  };
}

/** A small PNG with a gradient whose hue follows `seed`, `aspect` by 2 (3 for a landscape preview). */
export function tinyPng(seed: number, aspect: number): Buffer {
  const height = 24;
  const width = height * (aspect / 2);
  const rows = Array.from({ length: height }, (_, y) =>
    Buffer.from([0, ...Array.from({ length: width }, (_, x) => [(seed * 53 + x * 4) % 256, (seed * 29 + y * 5) % 256, (seed * 97 + 90) % 256]).flat()]),
  );
  const chunk = (type: string, data: Buffer) => {
    const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(typed));
    return Buffer.concat([length, typed, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(8, 8); // bits per channel
  header.writeUInt8(2, 9); // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------
// Waiting for the UI

/** Waits until the element's text matches: UI updates arrive a moment after the click. */
export async function expectText(locator: Locator, expected: string | RegExp): Promise<void> {
  await locator.first().waitFor();
  await expect
    .poll(async () => (await locator.first().innerText()).replace(/\s+/g, ' ').trim(), { timeout: 5_000 })
    .toMatch(typeof expected === 'string' ? new RegExp(`^${escapeRegExp(expected)}$`) : expected);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((element) => element === element.ownerDocument.activeElement);
}

/** Whether the image has loaded and decoded: a real picture on screen, not a broken one. */
export function isDecoded(image: Locator): Promise<boolean> {
  return image.evaluate((element: HTMLImageElement) => element.complete && element.naturalWidth > 0);
}

/** Polls `read` until the assertion holds; UI updates arrive a moment after the action. */
export function eventually<T>(read: () => T | Promise<T>, timeout = 5_000) {
  return expect.poll(read, { timeout });
}
