import { recordAudit } from '../audit/audit-log.ts';
import { hashToken } from '../crypto/hashing.ts';
import { generateId, generateNumericCode, generateToken } from '../crypto/tokens.ts';
import { AppError } from '../errors.ts';
import type { LabPrincipal } from '../http/access.ts';
import type { Cookie } from '../http/cookies.ts';
import { type RequestOrigin, rateLimitNetwork } from '../http/request-origin.ts';
import { pinPurpose } from './admin.ts';
import type { LabsDeps } from './deps.ts';
import { canonicalLabCode } from './lab-ids.ts';
import { MAX_PIN_ATTEMPTS, lockoutMs } from './lockout.ts';
import { notifyLabLocked, sendDeviceCode } from './notifications.ts';
import {
  type LabRow,
  consumeDeviceCode,
  countDeviceCodeAttempt,
  countPinAttempt,
  findLabByCode,
  findLabById,
  insertDeviceCode,
  insertLabDevice,
  insertLabSession,
  isKnownDevice,
  lockLab,
  revokeLabSession,
  uncountPinAttempt,
} from './repo.ts';
import { LAB_ABSOLUTE_MS, LAB_DEVICE_MS, labCookie, labCookieAttributes, labCookieName, labDeviceCookieName } from './sessions.ts';

/**
 * A lab's way in: its lab ID and PIN (and, when the admin requires it, a one-time code sent to
 * its contacts for a device it has not used before). Guessing is bounded per network (20
 * attempts in 15 minutes across all labs) and per lab (lockout.ts); the attempt is counted
 * before the PIN is compared, so parallel guesses cannot slip past the count. Every attempt is
 * an audit event (`lab.sign_in`, `lab.pin_failed`, `lab.locked`, …).
 */

const DEVICE_CODE_DIGITS = 6;
const DEVICE_CODE_MS = 10 * 60_000;
const MAX_DEVICE_CODE_ATTEMPTS = 5;

export interface LabSignInInput {
  labId: string;
  pin: string;
  deviceCode?: string;
}

export type LabSignInResult =
  | { outcome: 'signed_in'; lab: { id: string; labId: string; name: string }; cookies: Cookie[] }
  | { outcome: 'device_code_sent' };

function signInFailed(): AppError {
  return new AppError('lab_sign_in_failed', 'That lab ID and PIN do not match.', 401);
}

function locked(lab: Pick<LabRow, 'locked_until' | 'blocked_at'>, now: number): AppError {
  if (lab.blocked_at !== null || lab.locked_until === null) {
    return new AppError('lab_blocked', 'Too many wrong PINs: this lab is blocked until an administrator sets a new PIN.', 423);
  }
  const seconds = Math.max(1, Math.ceil((lab.locked_until - now) / 1000));
  const minutes = Math.ceil(seconds / 60);
  return new AppError('lab_locked', `Too many wrong PINs. This lab is locked for ${minutes} more minute${minutes === 1 ? '' : 's'}.`, 423, {
    headers: { 'retry-after': String(seconds) },
  });
}

function audit(origin: RequestOrigin, action: string, labId: string, details: Record<string, string | number | boolean | null> = {}) {
  return { action, ip: origin.ip, userAgent: origin.userAgent, details: { labId, ...details } };
}

async function refuseWrongPin(deps: LabsDeps, lab: LabRow, counted: { attempts: number; lockouts: number }, origin: RequestOrigin): Promise<never> {
  const now = deps.now();
  await recordAudit(deps.db, audit(origin, 'lab.pin_failed', lab.id, { attempt: counted.attempts }), now);
  if (counted.attempts < MAX_PIN_ATTEMPTS) throw signInFailed();
  const duration = lockoutMs(counted.lockouts);
  const until = duration === null ? null : now + duration;
  if (await lockLab(deps.db, lab.id, counted.lockouts, until, now)) {
    await recordAudit(deps.db, audit(origin, until === null ? 'lab.blocked' : 'lab.locked', lab.id, { lockout: counted.lockouts + 1, until }), now);
    notifyLabLocked(deps, lab, until);
  }
  // Another request may have locked it a moment ago: answer with what the row says now.
  const current = await findLabById(deps.db, lab.id);
  throw locked(current ?? { locked_until: until, blocked_at: until === null ? now : null }, now);
}

/** The second step on a new device: true when the device is known or its code was right; false after sending one. */
async function confirmDevice(deps: LabsDeps, lab: LabRow, input: LabSignInInput, deviceToken: string | undefined, origin: RequestOrigin): Promise<boolean> {
  const now = deps.now();
  if (deviceToken && deviceToken.length <= 100 && (await isKnownDevice(deps.db, lab.id, hashToken(deviceToken), now))) return true;
  if (input.deviceCode === undefined) {
    const code = generateNumericCode(DEVICE_CODE_DIGITS);
    const { digest, keyVersion } = await deps.pepper.hash(code, `lab-device-code:${lab.id}`);
    await insertDeviceCode(deps.db, { id: generateId(), labId: lab.id, digest, keyVersion, now, expiresAt: now + DEVICE_CODE_MS });
    sendDeviceCode(deps, lab, code);
    await recordAudit(deps.db, audit(origin, 'lab.device_code_sent', lab.id), now);
    return false;
  }
  const stored = await countDeviceCodeAttempt(deps.db, lab.id, now, MAX_DEVICE_CODE_ATTEMPTS);
  const code = input.deviceCode.replace(/[\s-]/g, '');
  const right =
    stored !== undefined &&
    /^[0-9]{6}$/.test(code) &&
    (await deps.pepper.canVerify(stored.codeKeyVersion)) &&
    (await deps.pepper.verify(code, `lab-device-code:${lab.id}`, { keyVersion: stored.codeKeyVersion, digest: stored.codeDigest })) &&
    (await consumeDeviceCode(deps.db, stored.id, now));
  if (!right) {
    await recordAudit(deps.db, audit(origin, 'lab.device_code_failed', lab.id), now);
    throw new AppError('lab_device_code_incorrect', 'That code is not right or has expired. Sign in again to get a new one.', 401);
  }
  return true;
}

export async function signInLab(deps: LabsDeps, input: LabSignInInput, deviceToken: string | undefined, origin: RequestOrigin): Promise<LabSignInResult> {
  // Counted before the lab is looked up, so scanning for lab IDs costs the same budget.
  await deps.limits.consume('signInPerIp', rateLimitNetwork(origin.ip));
  const code = canonicalLabCode(input.labId);
  const lab = code ? await findLabByCode(deps.db, code) : undefined;
  // An unknown or disabled lab answers as a wrong PIN does, and counts nothing of anyone's.
  if (!lab || lab.disabled_at !== null) throw signInFailed();
  const now = deps.now();
  if (!(await deps.pepper.canVerify(lab.pin_key_version))) {
    throw new AppError('lab_pin_unavailable', 'This PIN can no longer be checked. Ask the administrator for a new PIN.', 409);
  }
  const counted = await countPinAttempt(deps.db, lab.id, now);
  if (!counted) throw locked((await findLabById(deps.db, lab.id)) ?? lab, now);
  const pin = input.pin.replace(/[\s-]/g, '');
  // Past the limit (a burst in parallel), the PIN is not even compared.
  const right =
    counted.attempts <= MAX_PIN_ATTEMPTS &&
    /^[0-9]{4,12}$/.test(pin) &&
    (await deps.pepper.verify(pin, pinPurpose(lab.id), { keyVersion: lab.pin_key_version, digest: lab.pin_digest }));
  if (!right) return refuseWrongPin(deps, lab, counted, origin);
  await uncountPinAttempt(deps.db, lab.id);

  const cookies: Cookie[] = [];
  if (lab.require_device_code === 1) {
    if (!(await confirmDevice(deps, lab, input, deviceToken, origin))) return { outcome: 'device_code_sent' };
    if (input.deviceCode !== undefined) {
      const device = generateToken();
      await insertLabDevice(deps.db, { labId: lab.id, tokenHash: hashToken(device), now, expiresAt: now + LAB_DEVICE_MS });
      cookies.push(labCookie(deps.site, labDeviceCookieName(deps.site), device, LAB_DEVICE_MS));
    }
  }
  const token = generateToken();
  const sessionId = generateId();
  await insertLabSession(deps.db, { id: sessionId, labId: lab.id, tokenHash: hashToken(token), now, expiresAt: now + LAB_ABSOLUTE_MS, ip: origin.ip, userAgent: origin.userAgent });
  await recordAudit(deps.db, audit(origin, 'lab.sign_in', lab.id, { sessionId }), now);
  cookies.push(labCookie(deps.site, labCookieName(deps.site), token, LAB_ABSOLUTE_MS));
  return { outcome: 'signed_in', lab: { id: lab.id, labId: lab.code, name: lab.name }, cookies };
}

/** Ends the caller's lab session; the route clears the cookie with these attributes. */
export async function signOutLab(deps: LabsDeps, lab: LabPrincipal, origin: RequestOrigin): Promise<{ name: string; attributes: ReturnType<typeof labCookieAttributes> }> {
  const now = deps.now();
  await revokeLabSession(deps.db, lab.sessionId, now);
  await recordAudit(deps.db, audit(origin, 'lab.sign_out', lab.labId, { sessionId: lab.sessionId }), now);
  return { name: labCookieName(deps.site), attributes: labCookieAttributes(deps.site) };
}
