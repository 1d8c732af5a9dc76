import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { Cookie } from '../http/cookies.ts';
import { type RequestOrigin, rateLimitNetwork } from '../http/request-origin.ts';
import type { DeliveriesDeps } from './deps.ts';
import { notifyLocked } from './notifications.ts';
import { countNetworkCodeAttempt, findCodeGuard, lockCodeGuard, resetCodeGuard } from './guards-repo.ts';
import { deviceRemembered, forgetDeviceCookie, rememberDevice } from './remembered-device.ts';
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
 * bounded four ways: per network (20 attempts in 15 minutes across all deliveries), per
 * delivery and network (the fifth attempt from one network without a right code in between
 * locks that network out of this delivery, however slowly they came, for 15 minutes, then 30,
 * 1 hour … up to a day — and no one else: the family's right code from another device still
 * opens it), per delivery over all networks (the ceiling: the 50th wrong code without a right
 * one in between locks the delivery for everyone, growing the same way, and tells the
 * photographer), and by the code's 10^8 values. Each attempt is counted before the code is
 * compared, so parallel guesses cannot slip past a count. A right code starts a session bound
 * to this delivery: an HttpOnly cookie whose path is this delivery's API, whose token the
 * database holds only as SHA-256, and which ends with the delivery; and, when asked, a
 * "remember this device" cookie (remembered-device.ts) that starts a new session later without
 * the code. The services here take the cookies' values and return the cookies to set; the
 * routes read and set them.
 */

export const CODE_DIGITS = 8;
/** Wrong codes in a row from one network before it is locked out of the delivery. */
export const MAX_CODE_ATTEMPTS = 5;
/** Wrong codes in a row over all networks before the delivery locks for everyone. */
export const CODE_ATTEMPT_CEILING = 50;
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
export async function findLiveDelivery(deps: DeliveriesDeps, token: string): Promise<DeliveryRow> {
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

function locked(lockedUntil: number, now: number, scope: 'everyone' | 'here' = 'everyone'): AppError {
  const seconds = Math.max(1, Math.ceil((lockedUntil - now) / 1000));
  const minutes = Math.ceil(seconds / 60);
  const what = scope === 'here' ? 'This delivery is locked on this network' : 'This delivery is locked';
  return new AppError('delivery_locked', `Too many wrong codes. ${what} for ${minutes} more minute${minutes === 1 ? '' : 's'}.`, 423, {
    headers: { 'retry-after': String(seconds) },
  });
}

/** Where wrong codes are counted: this delivery and the caller's network, hashed. */
function sourceKeyOf(deliveryId: string, origin: RequestOrigin): string {
  return hashToken(`delivery-code-guard:${deliveryId}:${rateLimitNetwork(origin.ip)}`);
}

function canonicalCode(code: string): string {
  // People copy codes with the grouping spaces or dashes they were shown with.
  return code.replace(/[\s-]/g, '');
}

async function lockEverywhere(deps: DeliveriesDeps, delivery: DeliveryRow, origin: RequestOrigin): Promise<never> {
  const now = deps.now();
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

/** `seen`: the network's lockout count when this attempt was counted, so one burst locks once. */
async function lockHere(deps: DeliveriesDeps, delivery: DeliveryRow, sourceKey: string, seen: number, origin: RequestOrigin): Promise<never> {
  const now = deps.now();
  const until = now + lockoutMs(seen);
  if (await lockCodeGuard(deps.db, delivery.id, sourceKey, seen, until)) {
    await insertDeliveryEvent(deps.db, { deliveryId: delivery.id, kind: 'locked', at: now, ...origin });
    await recordAudit(deps.db, { action: 'delivery.locked_network', ...origin, details: { deliveryId: delivery.id, studioId: delivery.studio_id, lockouts: seen + 1 } }, now);
    throw locked(until, now, 'here');
  }
  const current = await findCodeGuard(deps.db, delivery.id, sourceKey);
  throw locked(current?.locked_until ?? now + lockoutMs(0), now, 'here');
}

async function refuseAndMaybeLock(
  deps: DeliveriesDeps,
  delivery: DeliveryRow,
  attempts: { here: { failed_attempts: number; lockouts: number }; all: number },
  sourceKey: string,
  origin: RequestOrigin,
): Promise<never> {
  if (attempts.all >= CODE_ATTEMPT_CEILING) return lockEverywhere(deps, delivery, origin);
  if (attempts.here.failed_attempts >= MAX_CODE_ATTEMPTS) return lockHere(deps, delivery, sourceKey, attempts.here.lockouts, origin);
  const left = MAX_CODE_ATTEMPTS - attempts.here.failed_attempts;
  throw new AppError('delivery_code_incorrect', `That code is not right. ${left} attempt${left === 1 ? '' : 's'} left before the delivery locks on this network.`, 401);
}

/** Starts a client session for this delivery: the row for it, and the cookie that carries it. */
async function startSession(deps: DeliveriesDeps, delivery: DeliveryRow, linkToken: string, origin: RequestOrigin): Promise<Cookie> {
  const now = deps.now();
  const token = generateToken();
  const expiresAt = Math.min(now + deps.site.deliveries.sessionMinutes * 60_000, delivery.expires_at);
  await insertDeliverySession(deps.db, { deliveryId: delivery.id, tokenHash: hashToken(token), now, expiresAt, ...origin });
  // A new code or link made while this was being checked ends sessions before or after this
  // one was inserted: after, it ended this one too; before, the code it replaced shows here.
  const current = await findDeliveryById(deps.db, delivery.id);
  if (current?.code_digest !== delivery.code_digest || current.token_hash !== delivery.token_hash) {
    await deleteDeliverySession(deps.db, hashToken(token));
    throw new AppError('delivery_code_incorrect', 'This code was just replaced. Ask the photographer for the new one.', 401);
  }
  await recordSuccessfulOpen(deps.db, delivery.id, now);
  await insertDeliveryEvent(deps.db, { deliveryId: delivery.id, kind: 'opened', at: now, ...origin });
  return {
    name: deliveryCookieName(deps),
    value: token,
    attributes: {
      httpOnly: true,
      // Strict: the delivery's API is only ever called from its own page.
      sameSite: 'strict',
      secure: deps.site.secureTransport,
      path: deliveryCookiePath(linkToken),
      maxAge: Math.max(1, Math.floor((expiresAt - now) / 1000)),
    },
  };
}

/**
 * Checks the code and, when right, starts the client's session: the delivery, the cookie that
 * carries the session, and with `remember` the cookie that remembers this device.
 */
export async function openDelivery(
  deps: DeliveriesDeps,
  input: { token: string; code: string; remember?: boolean },
  origin: RequestOrigin,
): Promise<{ delivery: DeliveryRow; sessionCookie: Cookie; deviceCookie?: Cookie }> {
  // Counted before the token is looked up, so scanning for tokens costs the same budget.
  await deps.limits.consume('codePerIp', rateLimitNetwork(origin.ip));
  const delivery = await findLiveDelivery(deps, input.token);
  const now = deps.now();
  if (!(await deps.pepper.canVerify(delivery.code_key_version))) {
    // Not the client's fault, and not a guess: nothing is counted. A new code fixes it.
    throw new AppError('delivery_code_unavailable', 'This code can no longer be checked. Ask the photographer for a new code.', 409);
  }
  // Locked for everyone: nothing is counted, not even against this network.
  if (delivery.locked_until !== null && delivery.locked_until > now) throw locked(delivery.locked_until, now);
  const sourceKey = sourceKeyOf(delivery.id, origin);
  const here = await countNetworkCodeAttempt(deps.db, delivery.id, sourceKey, now);
  if (here === undefined) throw locked((await findCodeGuard(deps.db, delivery.id, sourceKey))?.locked_until ?? now + lockoutMs(0), now, 'here');
  const all = await countCodeAttempt(deps.db, delivery.id, now);
  if (all === undefined) throw locked((await findDeliveryById(deps.db, delivery.id))?.locked_until ?? now + lockoutMs(0), now);
  const code = canonicalCode(input.code);
  // Past a limit (a burst in parallel), the code is not even compared.
  const right =
    here.failed_attempts <= MAX_CODE_ATTEMPTS &&
    all <= CODE_ATTEMPT_CEILING &&
    /^[0-9]+$/.test(code) &&
    (await deps.pepper.verify(code, codePurpose(delivery.id), { keyVersion: delivery.code_key_version, digest: delivery.code_digest }));
  if (!right) {
    await insertDeliveryEvent(deps.db, { deliveryId: delivery.id, kind: 'code_failed', at: now, ...origin });
    return refuseAndMaybeLock(deps, delivery, { here, all }, sourceKey, origin);
  }
  const sessionCookie = await startSession(deps, delivery, input.token, origin);
  await resetCodeGuard(deps.db, delivery.id, sourceKey, now);
  const deviceCookie = input.remember ? await rememberDevice(deps, delivery, input.token) : undefined;
  return { delivery, sessionCookie, ...(deviceCookie && { deviceCookie }) };
}

/**
 * A remembered device comes back (resumeDelivery): its cookie, still valid for this delivery's
 * link and code, starts a new session without the code. Anything else — no cookie, a forged,
 * expired or moved one, one from before a new code — is 401 `delivery_code_required`, and the
 * cookie is cleared.
 */
export async function resumeDelivery(
  deps: DeliveriesDeps,
  input: { token: string; deviceValue: string | undefined },
  origin: RequestOrigin,
): Promise<{ delivery: DeliveryRow; sessionCookie: Cookie } | { refused: AppError; clearCookie: Cookie }> {
  await deps.limits.consume('resumePerIp', rateLimitNetwork(origin.ip));
  const delivery = await findLiveDelivery(deps, input.token);
  if (!(await deviceRemembered(deps, delivery, input.deviceValue))) {
    return { refused: new AppError('delivery_code_required', 'Enter the code you received to open this delivery.', 401), clearCookie: forgetDeviceCookie(deps, input.token) };
  }
  return { delivery, sessionCookie: await startSession(deps, delivery, input.token, origin) };
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
