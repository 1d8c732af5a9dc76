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
  /** How long to wait before trying again, from a 429's `Retry-After` header; `null` otherwise. */
  readonly retryAfterSeconds: number | null;

  constructor(
    status: number,
    code: string,
    message: string,
    hasServerMessage: boolean,
    options?: ErrorOptions & { retryAfterSeconds?: number | null },
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.hasServerMessage = hasServerMessage;
    this.retryAfterSeconds = options?.retryAfterSeconds ?? null;
  }
}

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A request body; `undefined` members are left out, as `JSON.stringify` does. */
type JsonBody = { [key: string]: JsonValue | undefined };
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const errorListeners = new Set<(error: ApiError) => void>();

/**
 * Calls `listener` with every error any API call answers, before the caller sees it, so the
 * app can react to account-wide answers (e.g. `totp_enrollment_required`) in one place.
 */
export function subscribeToApiErrors(listener: (error: ApiError) => void): () => void {
  errorListeners.add(listener);
  return () => {
    errorListeners.delete(listener);
  };
}

export function apiGet<T>(path: string): Promise<T> {
  return request<T>('GET', path, undefined);
}

/** A POST; endpoints that take no input get no body at all. */
export function apiPost<T>(path: string, body?: JsonBody): Promise<T> {
  return request<T>('POST', path, body);
}

export function apiPut<T>(path: string, body: JsonBody): Promise<T> {
  return request<T>('PUT', path, body);
}

export function apiPatch<T>(path: string, body: JsonBody): Promise<T> {
  return request<T>('PATCH', path, body);
}

export function apiDelete<T>(path: string): Promise<T> {
  return request<T>('DELETE', path, undefined);
}

async function request<T>(method: Method, path: string, body: JsonBody | undefined): Promise<T> {
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
  if (!response.ok) {
    const error = toApiError(response, payload);
    for (const listener of errorListeners) listener(error);
    throw error;
  }
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
  const options = { retryAfterSeconds: response.status === 429 ? retryAfterSeconds(response) : null };
  const error = isRecord(payload) && isRecord(payload.error) ? payload.error : undefined;
  if (error && typeof error.code === 'string' && typeof error.message === 'string') {
    return new ApiError(response.status, error.code, error.message, true, options);
  }
  return new ApiError(response.status, 'unexpected_response', `Unexpected ${response.status} response.`, false, options);
}

/** `Retry-After` as delta-seconds (the only form the server sends); `null` when absent or odd. */
function retryAfterSeconds(response: Response): number | null {
  const header = response.headers.get('Retry-After')?.trim() ?? '';
  return /^\d+$/.test(header) ? Number(header) : null;
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
  if (error.status === 429) {
    if (error.retryAfterSeconds !== null) return `Too many attempts — try again in ${waitingTime(error.retryAfterSeconds)}.`;
    if (!error.hasServerMessage) return 'Too many attempts. Please wait a moment and try again.';
  }
  if (error.status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
  if (error.hasServerMessage) return error.message;
  return 'Something went wrong. Please try again.';
}

/** "45 seconds", "1 minute", "15 minutes": whole minutes from a minute on, rounded up. */
function waitingTime(seconds: number): string {
  if (seconds <= 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
