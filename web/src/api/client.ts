/**
 * A small typed client for the Shutterlock JSON API.
 *
 * Requests go to the same origin with the session cookie (`credentials: 'same-origin'`).
 * No CSRF header is sent: the server's CSRF defence checks the `Origin` and
 * `Sec-Fetch-Site` headers, which browsers add to every request by themselves.
 */

/** A failed API call: the server's `{"error":{"code","message"}}`, or a stand-in for it. */
export class ApiError extends Error {
  /** HTTP status, or 0 when the server could not be reached at all. */
  readonly status: number;
  /** The server's stable error code, e.g. `invalid_code`; `network_error` or `unexpected_response` otherwise. */
  readonly code: string;
  /** Whether `message` came from the server (written for people) rather than from this client. */
  readonly hasServerMessage: boolean;

  constructor(status: number, code: string, message: string, hasServerMessage: boolean, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.hasServerMessage = hasServerMessage;
  }
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export function apiGet<T>(path: string): Promise<T> {
  return request<T>('GET', path, undefined);
}

export function apiPost<T>(path: string, body: { [key: string]: JsonValue }): Promise<T> {
  return request<T>('POST', path, body);
}

async function request<T>(method: 'GET' | 'POST', path: string, body: JsonValue | undefined): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiError(0, 'network_error', 'The server could not be reached.', false, { cause });
  }

  const payload = await readJson(response);
  if (!response.ok) throw toApiError(response, payload);
  return payload as T;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(response: Response, payload: unknown): ApiError {
  const error = isRecord(payload) && isRecord(payload.error) ? payload.error : undefined;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(response.status, error.code, error.message, true);
  }
  return new ApiError(response.status, 'unexpected_response', `Unexpected ${response.status} response.`, false);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * A sentence to show a person for any failure from an API call. The server's own message is
 * used for client errors it explains (a wrong code, too many attempts); the rest get a calm
 * generic sentence, never a raw status or stack trace.
 */
export function messageForPeople(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  if (error.status === 0) return 'We couldn’t reach Shutterlock. Check your connection and try again.';
  if (error.status === 404 || error.status === 405) {
    return 'This isn’t available on this server yet. Please try again later.';
  }
  if (error.status === 429 && !error.hasServerMessage) {
    return 'Too many attempts. Please wait a moment and try again.';
  }
  if (error.status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
  if (error.hasServerMessage) return error.message;
  return 'Something went wrong. Please try again.';
}
