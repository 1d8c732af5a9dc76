import { UrlSignerError } from './errors.ts';

/** Unix seconds from a Date or a number; throws `invalid_expiry` unless it is a positive whole number. */
export function toUnixSeconds(expiresAt: number | Date): number {
  const seconds = expiresAt instanceof Date ? Math.floor(expiresAt.getTime() / 1000) : expiresAt;
  if (!Number.isSafeInteger(seconds) || seconds <= 0) {
    throw new UrlSignerError('invalid_expiry', 'expiresAt must be a Date or a positive whole number of Unix seconds');
  }
  return seconds;
}

export interface BucketedExpiryOptions {
  /** Expiries are rounded up to a multiple of this many seconds; default min(ttl, 3600). */
  readonly bucketSeconds?: number;
  /** The current time in milliseconds (for tests); default Date.now(). */
  readonly now?: number;
}

/**
 * An expiry at least `ttlSeconds` away, rounded UP to a bucket boundary, so every URL built for
 * the same image within one bucket is identical and CDNs and browsers can cache it. The URL
 * lives between `ttlSeconds` and `ttlSeconds + bucketSeconds`: keep that under the project's
 * maximum lifetime. (OptStuff's documented recipe rounds down instead, which near the end of a
 * bucket gives URLs that expire within seconds.)
 */
export function bucketedExpiry(ttlSeconds: number, options: BucketedExpiryOptions = {}): number {
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new UrlSignerError('invalid_expiry', 'ttlSeconds must be a positive whole number of seconds');
  }
  const bucket = options.bucketSeconds ?? Math.min(ttlSeconds, 3600);
  if (!Number.isSafeInteger(bucket) || bucket <= 0) {
    throw new UrlSignerError('invalid_expiry', 'bucketSeconds must be a positive whole number of seconds');
  }
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  return Math.ceil((nowSeconds + ttlSeconds) / bucket) * bucket;
}
