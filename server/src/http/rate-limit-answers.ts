import { AppError } from '../errors.ts';

/** What every store of rate limits and quotas shares (rate-limits.ts, redis-rate-limits.ts): the interfaces and the answers they refuse with. */

export interface RateLimitRule {
  points: number;
  durationSeconds: number;
}

export interface RateLimits<Name extends string> {
  /** Counts one attempt; throws 429 `rate_limited` with Retry-After when the limit is spent. */
  consume(name: Name, key: string): Promise<void>;
  /** Forgets the count, e.g. after a successful sign-in for that account. */
  reset(name: Name, key: string): Promise<void>;
  /** Gives back one point counted in the current window: an attempt another limit refused after this one counted it. */
  refund(name: Name, key: string): Promise<void>;
  close(): Promise<void>;
}

export interface QuotaWindow {
  durationSeconds: number;
  /** The highest limit any caller may have in this window. */
  maxPoints: number;
}

export interface QuotaState {
  headers: Record<string, string>;
}

export interface Quotas<Name extends string> {
  /** Counts one request against `limit`; throws 429 `rate_limited` once it is spent, 503 when the shared store is unreachable. */
  take(name: Name, key: string, limit: number): Promise<QuotaState>;
  /** Whether `limit` is already spent, counting nothing (a pre-check before work that counts only failures). */
  spent(name: Name, key: string, limit: number): Promise<boolean>;
  close(): Promise<void>;
}

export function rateLimited(msBeforeNext: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError('rate_limited', 'Too many attempts. Try again later.', 429, { headers: { 'retry-after': String(retryAfter) } });
}

export function quotaHeaders(limit: number, consumed: number, msBeforeNext: number, durationSeconds: number): Record<string, string> {
  return {
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(Math.max(0, limit - consumed)),
    'ratelimit-reset': String(Math.max(0, Math.ceil(msBeforeNext / 1000))),
    'ratelimit-policy': `${limit};w=${durationSeconds}`,
  };
}

export function storeUnavailable(cause: unknown): AppError {
  return new AppError('rate_limit_unavailable', 'Rate limits cannot be checked right now. Try again shortly.', 503, { cause, headers: { 'retry-after': '5' } });
}

export function quotaRefusal(headers: Record<string, string>, msBeforeNext: number): AppError {
  const retryAfter = String(Math.max(1, Math.ceil(msBeforeNext / 1000)));
  return new AppError('rate_limited', 'Too many requests for this key. Try again later.', 429, { headers: { ...headers, 'ratelimit-remaining': '0', 'retry-after': retryAfter } });
}
