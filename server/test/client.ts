import type { TestServer } from './harness.ts';

/**
 * A minimal browser stand-in for API tests: keeps cookies, marks state-changing requests as
 * same-origin (as a browser does for our own pages), and can pose as any client address
 * (the test server trusts X-Forwarded-For when started with TRUST_PROXY=true).
 */
export class TestClient {
  readonly cookies = new Map<string, string>();
  readonly server: TestServer;
  ip: string | undefined;

  constructor(server: TestServer, options: { ip?: string } = {}) {
    this.server = server;
    this.ip = options.ip;
  }

  /** `body` is sent as JSON, except bytes and streams, which are sent as they are (for uploads). */
  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const cookieHeader = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const raw = body instanceof Uint8Array || body instanceof ReadableStream;
    const response = await fetch(`${this.server.url}${path}`, {
      method,
      // A stream body needs half-duplex, and is sent chunked, without a Content-Length.
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      headers: {
        ...(body === undefined || raw ? {} : { 'content-type': 'application/json' }),
        ...(method === 'GET' || method === 'HEAD' ? {} : { 'sec-fetch-site': 'same-origin' }),
        ...(cookieHeader ? { cookie: cookieHeader } : {}),
        ...(this.ip ? { 'x-forwarded-for': this.ip } : {}),
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
        ...headers,
      },
      body: body === undefined ? undefined : raw ? (body as BodyInit) : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const separator = pair?.indexOf('=') ?? -1;
      if (!pair || separator < 0) continue;
      const name = pair.slice(0, separator);
      const value = pair.slice(separator + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
    const response = await this.request(method, path, body);
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T, headers: response.headers };
  }
}

/** Mail bodies with long lines (links) arrive quoted-printable: `=3D` for `=`, `=` at line ends. */
/** The message with quoted-printable undone; the escaped bytes read as UTF-8, so “quotes” and accents match as written. */
function decodeQuotedPrintable(text: string): string {
  const parts = text.replace(/=\r?\n/g, '').split(/((?:=[0-9A-F]{2})+)/);
  return parts.map((part, index) => (index % 2 === 1 ? Buffer.from(part.replaceAll('=', ''), 'hex').toString('utf8') : part)).join('');
}

/** Waits for a message to `to` in the development outbox whose text matches, and returns the match. */
export async function waitForMail(server: TestServer, to: string, pattern: RegExp, options: { after?: number } = {}): Promise<RegExpMatchArray> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const messages = (await server.outbox()).slice(options.after ?? 0);
    for (const message of messages.reverse()) {
      if (!message.includes(`To: ${to}`)) continue;
      const match = decodeQuotedPrintable(message).match(pattern);
      if (match) return match;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} matching ${pattern}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
