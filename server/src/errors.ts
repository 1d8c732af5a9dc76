/**
 * Errors are values with stable codes. Every layer throws an `AppError` (or a subclass);
 * the HTTP layer maps it to `{"error":{"code","message"}}` with its status. Messages are
 * written for the client: they never carry secrets, paths, SQL or stack traces.
 */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: string,
    message: string,
    statusCode = 400,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.statusCode = statusCode;
    this.headers = options?.headers;
  }
}

/** A stored object, row or key that should exist does not. */
export class NotFoundError extends AppError {
  constructor(code = 'not_found', message = 'Not found.') {
    super(code, message, 404);
  }
}

/**
 * Integrity or authenticity failed: wrong key, tampered or truncated ciphertext, swapped
 * blob. Never retried with another key, never answered with partial plaintext.
 */
export class IntegrityError extends AppError {
  constructor(message = 'The stored data failed its integrity check.', cause?: unknown) {
    super('integrity_check_failed', message, 500, { cause });
  }
}

/** A key version that this server does not hold. Fail closed: never fall back to another. */
export class UnknownKeyVersionError extends AppError {
  constructor(version: string) {
    super('unknown_key_version', `Key version "${version}" is not configured on this server.`, 500);
  }
}
