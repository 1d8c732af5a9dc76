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
  /** How long to wait before trying again, from a 429's or 423's `Retry-After` header; `null` otherwise. */
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

/** A DELETE; irreversible deletions send their confirmation as a body. */
export function apiDelete<T>(path: string, body?: JsonBody): Promise<T> {
  return request<T>('DELETE', path, body);
}

/** A JSON request with extra headers (a proofing list's token, which never goes in a URL). */
export function apiRequestWithHeaders<T>(method: Method, path: string, body: JsonBody | undefined, extraHeaders: Record<string, string>): Promise<T> {
  return request<T>(method, path, body, extraHeaders);
}

async function request<T>(method: Method, path: string, body: JsonBody | undefined, extraHeaders: Record<string, string> = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extraHeaders };
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
    throw unreachable(cause);
  }

  const payload = parseJson(await response.text());
  if (!response.ok) throw failure(response.status, payload, response.headers.get('Retry-After'));
  return payload as T;
}

/**
 * POSTs a file's raw bytes (`application/octet-stream`) with XMLHttpRequest, which, unlike
 * fetch, reports upload progress: `onProgress` gets the bytes sent so far. Aborting `signal`
 * aborts the request, and the promise rejects with the signal's reason.
 */
export function apiUpload<T>(
  path: string,
  body: Blob,
  { onProgress, signal, headers = {} }: { onProgress: (sentBytes: number) => void; signal: AbortSignal; headers?: Record<string, string> },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const xhr = new XMLHttpRequest();
    const abort = () => xhr.abort();
    signal.addEventListener('abort', abort, { once: true });
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onloadend = () => signal.removeEventListener('abort', abort);
    xhr.onabort = () => reject(signal.reason);
    xhr.onerror = () => reject(unreachable(undefined));
    xhr.onload = () => {
      const payload = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(payload as T);
      else reject(failure(xhr.status, payload, xhr.getResponseHeader('Retry-After')));
    };
    xhr.open('POST', path);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.send(body);
  });
}

function unreachable(cause: unknown): ApiError {
  return new ApiError(0, 'network_error', 'The server could not be reached.', false, { cause });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The error for a failed answer, told to every error listener before the caller sees it. */
function failure(status: number, payload: unknown, retryAfterHeader: string | null): ApiError {
  const options = { retryAfterSeconds: status === 429 || status === 423 ? retryAfterSeconds(retryAfterHeader) : null };
  const body = isRecord(payload) && isRecord(payload.error) ? payload.error : undefined;
  const error =
    body && typeof body.code === 'string' && typeof body.message === 'string'
      ? new ApiError(status, body.code, body.message, true, options)
      : new ApiError(status, 'unexpected_response', `Unexpected ${status} response.`, false, options);
  for (const listener of errorListeners) listener(error);
  return error;
}

/** `Retry-After` as delta-seconds (the only form the server sends); `null` when absent or odd. */
function retryAfterSeconds(header: string | null): number | null {
  const value = header?.trim() ?? '';
  return /^\d+$/.test(value) ? Number(value) : null;
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
  // A missing route, not a missing thing: a thing the server says is gone (a file, an album) is explained in its own words.
  if ((error.status === 404 && (error.code === 'route_not_found' || !error.hasServerMessage)) || error.status === 405) {
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
export function waitingTime(seconds: number): string {
  if (seconds <= 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}
