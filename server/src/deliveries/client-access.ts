import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { Cookie } from '../http/cookies.ts';
import { type RequestOrigin, rateLimitNetwork } from '../http/request-origin.ts';
import type { DeliveriesDeps } from './deps.ts';
import { notifyLocked } from './notifications.ts';
import {
  type DeliveryRow,
  countCodeAttempt,
  deleteDeliverySession,
  findDeliveryById,
  findDeliveryByTokenHash,
  findDeliverySession,
  insertDeliveryEvent,
  insertDeliverySession,
  lockDelivery,
  recordSuccessfulOpen,
} from './repo.ts';
import { assertStudioNotSuspended } from '../studios/service.ts';
import { assertDeliveryViewable, deliveryNotFound } from './state.ts';

/**
 * The client's way in: the link token names the delivery, the code opens it. Guessing is
 * bounded three ways: per network (20 attempts in 15 minutes across all deliveries), per
 * delivery (the fifth attempt without a right code in between locks it, however slowly they
 * came, for 15 minutes, then 30, 1 hour … up to a day), and by the code's 10^8 values. The
 * attempt is counted before the code is compared, so parallel guesses cannot slip past the
 * count. A right code starts a session bound to this delivery: an HttpOnly cookie whose path
 * is this delivery's API, whose token the database holds only as SHA-256, and which ends with
 * the delivery. The services here take the cookie's token and return the cookie to set; the
 * routes read and set it.
 */

export const CODE_DIGITS = 8;
export const MAX_CODE_ATTEMPTS = 5;
const FIRST_LOCKOUT_MS = 15 * 60_000;
const LONGEST_LOCKOUT_MS = 24 * 60 * 60_000;

export function codePurpose(deliveryId: string): string {
  return `delivery-code:${deliveryId}`;
}

export function lockoutMs(previousLockouts: number): number {
  return Math.min(FIRST_LOCKOUT_MS * 2 ** Math.min(previousLockouts, 16), LONGEST_LOCKOUT_MS);
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The delivery a link names, 404 for an unknown or malformed token, 410 once it has ended: every client route starts here. */
async function findLiveDelivery(deps: DeliveriesDeps, token: string): Promise<DeliveryRow> {
  const row = TOKEN_PATTERN.test(token) ? await findDeliveryByTokenHash(deps.db, hashToken(token)) : undefined;
  if (!row) throw deliveryNotFound();
  assertDeliveryViewable(row, deps.now());
  await assertStudioNotSuspended(deps, row.studio_id);
  return row;
}

export function deliveryCookieName(deps: DeliveriesDeps): string {
  // Not __Host-: that prefix demands Path=/, and this cookie's path is the delivery's own API.
  return deps.site.secureTransport ? '__Secure-sl_delivery' : 'sl_delivery';
}

export function deliveryCookiePath(token: string): string {
  return `/api/d/${token}`;
}

function locked(lockedUntil: number, now: number): AppError {
  const seconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
  const minutes = Math.ceil(seconds / 60);
  return new AppError(
    'delivery_locked',
    `Too many wrong codes. This delivery is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}.`,
    423,
    { headers: { 'retry-after': String(seconds) } },
  );
}

function canonicalCode(code: string): string {
  // People copy codes with the grouping spaces or dashes they were shown with.
  return code.replace(/[\s-]/g, '');
}

async function refuseAndMaybeLock(deps: DeliveriesDeps, delivery: DeliveryRow, attempts: number, origin: RequestOrigin): Promise<never> {
  const now = deps.now();
  if (attempts < MAX_CODE_ATTEMPTS) {
    const left = MAX_CODE_ATTEMPTS - attempts;
    throw new AppError('delivery_code_incorrect', `That code is not right. ${left} attempt${left === 1 ? '' : 's'} left before the delivery locks.`, 401);
  }
  const until = now + lockoutMs(delivery.lockouts);
  if (await lockDelivery(deps.db, delivery.id, delivery.lockouts, until)) {
    await insertDeliveryEvent(deps.db, { deliveryId: delivery.id, kind: 'locked', at: now, ...origin });
    await recordAudit(deps.db, { action: 'delivery.locked', ...origin, details: { deliveryId: delivery.id, studioId: delivery.studio_id, lockouts: delivery.lockouts + 1 } }, now);
    notifyLocked(deps, delivery, until);
    throw locked(until, now);
  }
  // Another request locked it a moment ago.
  const current = await findDeliveryById(deps.db, delivery.id);
  throw locked(current?.locked_until ?? now + lockoutMs(0), now);
}

/** Checks the code and, when right, starts the client's session: the delivery, and the cookie that carries the session. */
export async function openDelivery(
  deps: DeliveriesDeps,
  input: { token: string; code: string },
  origin: RequestOrigin,
): Promise<{ delivery: DeliveryRow; sessionCookie: Cookie }> {
  // Counted before the token is looked up, so scanning for tokens costs the same budget.
  await deps.limits.consume('codePerIp', rateLimitNetwork(origin.ip));
  const delivery = await findLiveDelivery(deps, input.token);
  const now = deps.now();
  if (!(await deps.pepper.canVerify(delivery.code_key_version))) {
    // Not the client's fault, and not a guess: nothing is counted. A new code fixes it.
    throw new AppError('delivery_code_unavailable', 'This code can no longer be checked. Ask the photographer for a new code.', 409);
  }
  const attempts = await countCodeAttempt(deps.db, delivery.id, now);
  if (attempts === undefined) throw locked((await findDeliveryById(deps.db, delivery.id))?.locked_until ?? now + lockoutMs(0), now);
  const code = canonicalCode(input.code);
  // Past the limit (a burst in parallel), the code is not even compared.
  const right =
    attempts <= MAX_CODE_ATTEMPTS &&
    /^[0-9]+$/.test(code) &&
    (await deps.pepper.verify(code, codePurpose(delivery.id), { keyVersion: delivery.code_key_version, digest: delivery.code_digest }));
  if (!right) {
    await insertDeliveryEvent(deps.db, { deliveryId: delivery.id, kind: 'code_failed', at: now, ...origin });
    return refuseAndMaybeLock(deps, delivery, attempts, origin);
  }
  const token = generateToken();
  const expiresAt = Math.min(now + deps.site.deliveries.sessionMinutes * 60_000, delivery.expires_at);
  await insertDeliverySession(deps.db, { deliveryId: delivery.id, tokenHash: hashToken(token), now, expiresAt, ...origin });
  // A new code or link made while this code was being checked ends sessions before or after
  // this one was inserted: after, it ended this one too; before, the code it replaced shows here.
  const current = await findDeliveryById(deps.db, delivery.id);
  if (current?.code_digest !== delivery.code_digest || current.token_hash !== delivery.token_hash) {
    await deleteDeliverySession(deps.db, hashToken(token));
    throw new AppError('delivery_code_incorrect', 'This code was just replaced. Ask the photographer for the new one.', 401);
  }
  await recordSuccessfulOpen(deps.db, delivery.id, now);
  await insertDeliveryEvent(deps.db, { deliveryId: delivery.id, kind: 'opened', at: now, ...origin });
  const sessionCookie: Cookie = {
    name: deliveryCookieName(deps),
    value: token,
    attributes: {
      httpOnly: true,
      // Strict: the delivery's API is only ever called from its own page.
      sameSite: 'strict',
      secure: deps.site.secureTransport,
      path: deliveryCookiePath(input.token),
      maxAge: Math.max(1, Math.floor((expiresAt - now) / 1000)),
    },
  };
  return { delivery, sessionCookie };
}

/**
 * The delivery a link's token names, for a client whose session cookie (its token:
 * `sessionToken`) is live for it: 410 once the delivery ended, 401 without the session.
 */
export async function requireDeliverySession(deps: DeliveriesDeps, token: string, sessionToken: string | undefined): Promise<DeliveryRow> {
  const delivery = await findLiveDelivery(deps, token);
  const session =
    sessionToken && sessionToken.length <= 100 ? await findDeliverySession(deps.db, delivery.id, hashToken(sessionToken), deps.now()) : undefined;
  if (!session) throw new AppError('delivery_code_required', 'Enter the code you received to open this delivery.', 401);
  return delivery;
}
