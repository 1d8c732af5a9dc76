/**
 * Every failure of this package is a `UrlSignerError` with a stable `code`, so that a server
 * can turn it into a 4xx with the same code and a CLI can print a clear message.
 */
export type UrlSignerErrorCode =
  /** An OptStuff-style operations string or object is not valid. */
  | 'invalid_operations'
  /** An imgproxy processing option is unknown or has a bad argument. */
  | 'invalid_options'
  /** The source is empty, malformed, or cannot be encoded or decoded. */
  | 'invalid_source'
  /** A public key, secret key, hex key or hex salt is malformed. */
  | 'invalid_key'
  /** An expiry is not a positive whole number of Unix seconds. */
  | 'invalid_expiry'
  /** A base URL, project slug or signature size is not usable. */
  | 'invalid_argument'
  /** A request path does not follow the URL grammar. */
  | 'invalid_path'
  /** The runtime has no Web Crypto (`globalThis.crypto.subtle`). */
  | 'crypto_unavailable';

export class UrlSignerError extends Error {
  readonly code: UrlSignerErrorCode;

  constructor(code: UrlSignerErrorCode, message: string) {
    super(message);
    this.name = 'UrlSignerError';
    this.code = code;
  }
}
